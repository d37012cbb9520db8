// The triage inbox's queries: one page of a tab, filtered, searched and sorted in the database,
// paged by a cursor on an indexed key (never OFFSET, so page 200 costs what page 1 does), and
// the tabs' counts. See prisma/migrations/*_inbox_indexes for the indexes each one uses.
import type { Prisma } from "@prisma/client";

import type { Database } from "../db.server";
import { isPostgres } from "../db.server";
import { startOfLocalDay } from "../incidents/detection/calendar";
import type { InboxFilters, InboxSort, InboxTab } from "../incidents/inbox";
import { AWAITING_RESPONSE, INBOX_TABS, PAGE_SIZE } from "../incidents/inbox";
import { ACTIVE_STATUSES } from "../incidents/model";

export interface InboxQuery {
  tab: InboxTab;
  sort: InboxSort;
  filters: InboxFilters;
  /** The page after this cursor, or before it; at most one of them. */
  after?: string | null;
  before?: string | null;
  /** What "overdue" is measured against. */
  now: Date;
  /** The shop's zone: the filter's dates are its local days. */
  timeZone: string;
  take?: number;
}

const ROW = {
  id: true,
  kind: true,
  status: true,
  orderName: true,
  customerName: true,
  customerEmail: true,
  responsibleParty: true,
  owner: true,
  rootCause: true,
  responseDeadline: true,
  source: true,
  escalatedAt: true,
  createdAt: true,
} as const satisfies Prisma.IncidentSelect;

export type InboxRow = Prisma.IncidentGetPayload<{ select: typeof ROW }>;

export interface InboxPage {
  rows: InboxRow[];
  /** Cursors for the pages either side; null at either end. */
  next: string | null;
  previous: string | null;
}

export function tabWhere(tab: InboxTab, now: Date): Prisma.IncidentWhereInput {
  switch (tab) {
    case "needs_approval":
      return { status: "awaiting_approval" };
    case "open":
      return { status: { in: [...ACTIVE_STATUSES] } };
    case "overdue":
      return { status: { in: [...AWAITING_RESPONSE] }, responseDeadline: { lt: now } };
    case "escalated":
      return { escalatedAt: { not: null } };
    case "resolved":
      // A dismissed incident is closed too; its badge says which.
      return { status: { in: ["resolved", "dismissed"] } };
    case "all":
      return {};
  }
}

function filterWhere(db: Database, filters: InboxFilters, timeZone: string): Prisma.IncidentWhereInput[] {
  const where: Prisma.IncidentWhereInput[] = [];
  if (filters.kinds.length > 0) where.push({ kind: { in: filters.kinds } });
  if (filters.parties.length > 0) where.push({ responsibleParty: { in: filters.parties } });
  if (filters.channels.length > 0) where.push({ source: { in: filters.channels } });
  if (filters.owners.length > 0) {
    const named = filters.owners.filter(Boolean);
    const unowned = filters.owners.includes("");
    where.push({ OR: [...(named.length > 0 ? [{ owner: { in: named } }] : []), ...(unowned ? [{ owner: null }] : [])] });
  }
  if (filters.createdFrom) where.push({ createdAt: { gte: startOfLocalDay(filters.createdFrom, timeZone) } });
  if (filters.createdTo) where.push({ createdAt: { lt: startOfLocalDay(filters.createdTo, timeZone, 1) } });
  const search = filters.search.trim();
  if (search) {
    const order = search.replace(/^#/, "");
    where.push({
      OR: spellings(db, search).flatMap((contains) => [
        ...(contains === search ? [{ orderName: { contains: order, ...caseless(db) } }] : []),
        { customerName: { contains, ...caseless(db) } },
        { customerEmail: { contains, ...caseless(db) } },
      ]),
    });
  }
  return where;
}

/** PostgreSQL compares without case when asked. SQLite's LIKE ignores the case of ASCII
 * letters only, so "ávila" would miss "Ávila": there the words are also tried as typed, in
 * lower case, in upper case and capitalised, which covers how names are written. */
function spellings(db: Database, search: string): string[] {
  if (isPostgres(db)) return [search];
  const capitalised = search.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_all, before: string, letter: string) => before + letter.toUpperCase());
  return [...new Set([search, search.toLowerCase(), search.toUpperCase(), capitalised])];
}

function caseless(db: Database) {
  return isPostgres(db) ? ({ mode: "insensitive" } as const) : {};
}

const SORT_COLUMN = { created: "createdAt", deadline: "responseDeadline" } as const;
type SortColumn = (typeof SORT_COLUMN)[keyof typeof SORT_COLUMN];

interface Cursor {
  /** The sort column's value (ISO instant) and the id that breaks ties. */
  value: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString("base64url");
}

function decodeCursor(text: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || typeof parsed[0] !== "string" || typeof parsed[1] !== "string") return null;
    if (Number.isNaN(Date.parse(parsed[0]))) return null;
    return { value: parsed[0], id: parsed[1] };
  } catch {
    return null;
  }
}

/** Rows strictly beyond the cursor in the given direction. Written as a range on the sort
 * column (which the index serves) minus the cursor's own ties, rather than as an OR, which
 * SQLite's planner cannot turn into an index range. */
function beyond(column: SortColumn, direction: "asc" | "desc", cursor: Cursor): Prisma.IncidentWhereInput {
  const value = new Date(cursor.value);
  return direction === "desc"
    ? { [column]: { lte: value }, NOT: { [column]: value, id: { gte: cursor.id } } }
    : { [column]: { gte: value }, NOT: { [column]: value, id: { lte: cursor.id } } };
}

/** The query a page runs, without running it (the index test explains this very query). */
export function inboxPageArgs(db: Database, shop: string, query: InboxQuery) {
  const [field, order] = query.sort.split(" ") as ["created" | "deadline", "asc" | "desc"];
  const column = SORT_COLUMN[field];
  const backwards = !query.after && Boolean(query.before);
  const cursorText = query.after ?? query.before ?? null;
  const cursor = cursorText ? decodeCursor(cursorText) : null;
  const direction = backwards ? (order === "asc" ? "desc" : "asc") : order;
  const where: Prisma.IncidentWhereInput = {
    AND: [{ shop }, tabWhere(query.tab, query.now), ...filterWhere(db, query.filters, query.timeZone), ...(cursor ? [beyond(column, direction, cursor)] : [])],
  };
  return {
    where,
    orderBy: [{ [column]: direction }, { id: direction }] as Prisma.IncidentOrderByWithRelationInput[],
    take: (query.take ?? PAGE_SIZE) + 1,
    select: ROW,
    meta: { column, backwards, hasCursor: cursor !== null },
  };
}

export async function inboxPage(db: Database, shop: string, query: InboxQuery): Promise<InboxPage> {
  const { meta, ...args } = inboxPageArgs(db, shop, query);
  const take = args.take - 1;
  const fetched = await db.incident.findMany(args);
  const more = fetched.length > take;
  const rows = fetched.slice(0, take);
  if (meta.backwards) rows.reverse();
  const cursorOf = (row: InboxRow | undefined) => (row ? encodeCursor({ value: row[meta.column].toISOString(), id: row.id }) : null);
  const hasNext = meta.backwards ? meta.hasCursor : more;
  const hasPrevious = meta.backwards ? more : meta.hasCursor;
  return { rows, next: hasNext ? cursorOf(rows.at(-1)) : null, previous: hasPrevious ? cursorOf(rows[0]) : null };
}

/** How many incidents each tab holds, before filters: the size of each queue. */
export async function inboxCounts(db: Database, shop: string, now: Date): Promise<Record<InboxTab, number>> {
  const counts = await Promise.all(INBOX_TABS.map((tab) => db.incident.count({ where: { AND: [{ shop }, tabWhere(tab, now)] } })));
  return Object.fromEntries(INBOX_TABS.map((tab, index) => [tab, counts[index] ?? 0])) as Record<InboxTab, number>;
}

/** The names incidents are assigned to, for the owner filter. */
export async function inboxOwners(db: Database, shop: string): Promise<string[]> {
  const groups = await db.incident.groupBy({ by: ["owner"], where: { shop, owner: { not: null } }, orderBy: { owner: "asc" }, take: 200 });
  return groups.flatMap((group) => (group.owner ? [group.owner] : []));
}
