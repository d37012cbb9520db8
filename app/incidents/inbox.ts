// The triage inbox's vocabulary: its tabs, filters and sort orders, and every status, channel,
// party and root cause in the merchant's words. Plain data, shared by the server (the query)
// and the browser (the page).
import type { IncidentStatus } from "./model";
import type { ROOT_CAUSES } from "./model";

export const INBOX_TABS = ["needs_approval", "open", "overdue", "escalated", "resolved", "all"] as const;
export type InboxTab = (typeof INBOX_TABS)[number];

export const TAB_LABELS: Readonly<Record<InboxTab, string>> = {
  needs_approval: "Needs approval",
  open: "Open",
  overdue: "Overdue",
  escalated: "Escalated",
  resolved: "Resolved",
  all: "All",
};

/** Incidents still waiting for the merchant's first answer: the ones a "respond by" date and
 * the Overdue tab are about. Once a remedy is under way, the customer has had an answer. */
export const AWAITING_RESPONSE: readonly IncidentStatus[] = ["open", "awaiting_approval"];

export function awaitsResponse(status: string): boolean {
  return (AWAITING_RESPONSE as readonly string[]).includes(status);
}

export const STATUS_LABELS: Readonly<Record<IncidentStatus, string>> = {
  open: "Open",
  awaiting_approval: "Needs approval",
  remediating: "Remedy under way",
  needs_attention: "Needs your attention",
  resolved: "Resolved",
  dismissed: "Dismissed",
};

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Readonly<Record<string, string>>)[status] ?? sentence(status);
}

/** Where an incident came from (Incident.source). */
export const CHANNELS = ["detected", "order_page", "email", "phone", "chat", "social", "marketplace", "in_person"] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  detected: "Found by Amends",
  order_page: "Customer's order page",
  email: "E-mail",
  phone: "Phone",
  chat: "Chat",
  social: "Social media",
  marketplace: "Marketplace",
  in_person: "In person",
};

export function channelLabel(source: string): string {
  return (CHANNEL_LABELS as Readonly<Record<string, string>>)[source] ?? sentence(source);
}

/** A responsible party as the inbox names it: its key and the name on the shop's list. */
export interface PartyChoice {
  key: string;
  name: string;
}

/** The party's name on the shop's own list (models/parties.server.ts). A party removed from
 * the list since keeps its key on the incidents blamed on it; it reads as the words of its key
 * ("carrier-dhl-express": "Dhl express (removed)"), never as a code. */
export function partyLabel(parties: readonly PartyChoice[], key: string): string {
  if (key === "unknown") return "Not known yet";
  const listed = parties.find((party) => party.key === key);
  if (listed) return listed.name;
  const words = key.split("-").slice(1).join(" ") || key.replaceAll("-", " ");
  return `${sentence(words)} (removed)`;
}

export const ROOT_CAUSE_LABELS: Readonly<Record<(typeof ROOT_CAUSES)[number], string>> = {
  inventory_out_of_sync: "Stock count out of sync",
  oversold: "Oversold",
  picking_error: "Picking error",
  packing_error: "Packing error",
  carrier_delay: "Carrier delay",
  carrier_damage: "Damaged in transit",
  address_error: "Address error",
  supplier_delay: "Supplier delay",
  other: "Other",
};

export function rootCauseLabel(cause: string): string {
  return (ROOT_CAUSE_LABELS as Readonly<Record<string, string>>)[cause] ?? sentence(cause);
}

function sentence(code: string): string {
  const words = code.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const INBOX_SORTS = ["created desc", "created asc", "deadline asc", "deadline desc"] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/** Each tab opens on the order its work is done in: the most overdue first on Overdue. */
export const DEFAULT_SORT: Readonly<Record<InboxTab, InboxSort>> = {
  needs_approval: "created asc",
  open: "created desc",
  overdue: "deadline asc",
  escalated: "created desc",
  resolved: "created desc",
  all: "created desc",
};

export const PAGE_SIZE = 50;

/** Filters as the page's address carries them; every one optional. Dates are the shop's local
 * days (YYYY-MM-DD), both ends included. */
export interface InboxFilters {
  kinds: string[];
  parties: string[];
  channels: string[];
  /** Owners' names; "" stands for incidents nobody owns yet. */
  owners: string[];
  createdFrom: string | null;
  createdTo: string | null;
  search: string;
}

export const NO_FILTERS: InboxFilters = { kinds: [], parties: [], channels: [], owners: [], createdFrom: null, createdTo: null, search: "" };

/** Bulk actions' outcome for one incident, said to the merchant per row. */
export interface RowOutcome {
  incidentId: string;
  orderName: string;
  done: boolean;
  /** Why not, or what happened instead, in the merchant's words; null when done as asked. */
  note: string | null;
}

/** "3 approved; #1004 could not be approved: it is already resolved." */
export function summariseBulk(verb: string, outcomes: readonly RowOutcome[]): string {
  const done = outcomes.filter((outcome) => outcome.done).length;
  const parts = [`${done} ${verb}`];
  for (const outcome of outcomes) {
    if (outcome.note) parts.push(outcome.done ? `${outcome.orderName}: ${outcome.note}` : `${outcome.orderName} could not be ${verb}: ${outcome.note}`);
  }
  return `${parts.join("; ")}.`;
}

/** The inbox as its address says: which tab, filters, order and page. */
export interface InboxState {
  tab: InboxTab;
  sort: InboxSort;
  filters: InboxFilters;
  after: string | null;
  before: string | null;
}

/** The tab the inbox opens on: everything still to be worked. */
export const HOME_TAB: InboxTab = "open";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the page's address; anything it does not understand is left out, never an error. */
export function readInboxParams(params: URLSearchParams): InboxState {
  const tab = (INBOX_TABS as readonly string[]).includes(params.get("tab") ?? "") ? (params.get("tab") as InboxTab) : HOME_TAB;
  const sort = (INBOX_SORTS as readonly string[]).includes(params.get("sort") ?? "") ? (params.get("sort") as InboxSort) : DEFAULT_SORT[tab];
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return ISO_DAY.test(value) ? value : null;
  };
  const list = (name: string) => [...new Set(params.getAll(name).map((value) => value.trim()))].slice(0, 50);
  return {
    tab,
    sort,
    filters: {
      kinds: list("kind").filter(Boolean),
      parties: list("party").filter(Boolean),
      channels: list("channel").filter(Boolean),
      owners: list("owner"),
      createdFrom: day("from"),
      createdTo: day("to"),
      search: (params.get("q") ?? "").trim().slice(0, 200),
    },
    after: params.get("after") || null,
    before: params.get("before") || null,
  };
}

/** The address of a state: only what differs from the tab's defaults, so links stay short. */
export function writeInboxParams(state: InboxState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.tab !== HOME_TAB) params.set("tab", state.tab);
  if (state.sort !== DEFAULT_SORT[state.tab]) params.set("sort", state.sort);
  const { filters } = state;
  if (filters.search) params.set("q", filters.search);
  for (const kind of filters.kinds) params.append("kind", kind);
  for (const party of filters.parties) params.append("party", party);
  for (const channel of filters.channels) params.append("channel", channel);
  for (const owner of filters.owners) params.append("owner", owner);
  if (filters.createdFrom) params.set("from", filters.createdFrom);
  if (filters.createdTo) params.set("to", filters.createdTo);
  if (state.after) params.set("after", state.after);
  else if (state.before) params.set("before", state.before);
  return params;
}
