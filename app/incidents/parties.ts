// Who an incident can be blamed on: the merchant's own list (the store, named warehouses and
// 3PLs, carriers, suppliers, creators), each with a response time. Incident.responsibleParty
// holds the party's key; the generic parties' keys are RESPONSIBLE_PARTIES, which detection
// rules assign. Pure: the list is stored by models/parties.server.ts.
import type { ResponsibleParty } from "./model";

export type PartyType = Exclude<ResponsibleParty, "unknown">;
export const PARTY_TYPES: readonly PartyType[] = ["store", "warehouse", "carrier", "supplier", "creator"];

export const PARTY_TYPE_LABELS: Record<PartyType, string> = {
  store: "Your store",
  warehouse: "Warehouse or 3PL",
  carrier: "Carrier",
  supplier: "Supplier",
  creator: "Creator or influencer",
};

export interface Party {
  key: string;
  name: string;
  type: PartyType;
  /** Hours the party has to respond to an incident; null: the shop's default response time. */
  responseHours: number | null;
  /** One of the generic parties the detection rules assign; it cannot be removed. */
  generic: boolean;
}

const GENERIC_NAMES: Record<PartyType, string> = {
  store: "Your store",
  warehouse: "Any warehouse or 3PL",
  carrier: "Any carrier",
  supplier: "Any supplier",
  creator: "Any creator or influencer",
};

/** The generic parties, as they are before the merchant gives any its own response time. */
export const GENERIC_PARTIES: readonly Party[] = PARTY_TYPES.map((type) => ({
  key: type,
  name: GENERIC_NAMES[type],
  type,
  responseHours: null,
  generic: true,
}));

/** A named party's key: its type and name ("carrier-dhl-express"), never a generic key. */
export function partyKey(type: PartyType, name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
  return `${type}-${slug || "party"}`;
}

const HOUR_MS = 3_600_000;

/** When an incident opened at `openedAt` must be answered: the party's response time, or the
 * shop's default when the party has none. */
export function responseDeadline(openedAt: Date, partyHours: number | null, defaultHours: number): Date {
  return new Date(openedAt.getTime() + (partyHours ?? defaultHours) * HOUR_MS);
}

/** An incident still open, with the deadline it has now. */
export interface OpenDeadline {
  id: string;
  createdAt: Date;
  responseDeadline: Date;
}

/**
 * Where a party's open incidents must now be answered by, after the merchant changed the
 * party's response time to `partyHours` (null: back to the shop's default): each counted again
 * from when the incident opened. Instants, so the shop's time zone and daylight saving change
 * nothing. Only the incidents whose deadline moves are listed.
 */
export function movedDeadlines(
  incidents: readonly OpenDeadline[],
  partyHours: number | null,
  defaultHours: number,
): { id: string; from: Date; to: Date }[] {
  return incidents.flatMap((incident) => {
    const to = responseDeadline(incident.createdAt, partyHours, defaultHours);
    return to.getTime() === incident.responseDeadline.getTime() ? [] : [{ id: incident.id, from: incident.responseDeadline, to }];
  });
}

/** The party's name for a key, for keys of parties since removed too. */
export function partyName(parties: readonly Party[], key: string): string {
  if (key === "unknown") return "Unknown";
  return parties.find((party) => party.key === key)?.name ?? key.replaceAll("-", " ");
}

/** The Responsible parties page's response-time field for one party. */
export const hoursField = (key: string) => `hours.${key}`;
