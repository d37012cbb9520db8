// Incidents and their timelines. One active incident per order and kind — per parcel for the
// parcel kinds, whose kind escalates (exception → late → lost): a second finding joins the
// first one's timeline instead of opening another.
import type { Database } from "../db.server";
import { PARCEL_KINDS, escalates, escalationMessage, isParcelKind, parcelOf, problemSubject } from "../incidents/detection";
import type { IncidentFinding, IncidentStatus, RootCause } from "../incidents/model";
import { ACTIVE_STATUSES } from "../incidents/model";
import { partyName, responseDeadline } from "../incidents/parties";
import { isUniqueViolation } from "./order.server";
import { partyResponseHours, responsibleParties } from "./parties.server";
import { detectionSettings } from "./shop.server";
import { newId } from "./ids.server";
import { execute, executeAll, queryRows, sql } from "./sql.server";

/** `subject`: the kind, or "parcel:<fulfilment>" for parcel kinds (problemSubject). */
export function activeKey(shop: string, orderId: string, subject: string): string {
  return `${shop}|${orderId}|${subject}`;
}

/** The key an incident holds while it is active. */
export function activeKeyOf(incident: { shop: string; orderId: string; kind: string; evidence: unknown }): string {
  return activeKey(incident.shop, incident.orderId, problemSubject(incident.kind, incident.evidence));
}

export interface CustomerContact {
  email: string | null;
  name: string | null;
}

/** `escalated`: an existing parcel incident took the finding's worse kind and is open again for
 * the policy to look at (automatic remediation treats it like a newly opened one). */
export type RecordedFinding = { incidentId: string; opened: boolean; escalated: boolean };

type Held = { id: string; kind: string; status: string; evidence: unknown };
const HELD = { id: true, kind: true, status: true, evidence: true } as const;

export async function recordFinding(
  db: Database,
  shop: string,
  finding: IncidentFinding,
  actor: string,
  contact: CustomerContact = { email: null, name: null },
  /** Where it came from: "detected" by Amends' rules, or a channel such as "order_page". */
  source = "detected",
): Promise<RecordedFinding> {
  const key = activeKey(shop, finding.orderId, problemSubject(finding.kind, finding.evidence));
  const evidence = finding.evidence as object;
  const active = await activeIncident(db, key);
  if (active) return join(db, active, finding, actor, key);
  // Once the merchant or Amends has closed it, the same finding again (the order's next update,
  // a rule re-run) is history for its timeline, not a new incident: reopening would remediate
  // twice, and Amends' own order edits would loop. Worse news about a parcel is the exception.
  const closed = await closedIncidentFor(db, shop, finding);
  if (closed) return join(db, closed, finding, actor, key);
  // The deadline follows the party the finding blames, when the merchant gave it its own
  // response time; otherwise the rules' (the shop's default response time).
  const partyHours = await partyResponseHours(db, shop, finding.responsibleParty);
  const deadline = partyHours === null ? new Date(finding.responseDeadline) : responseDeadline(new Date(), partyHours, 0);
  try {
    // The incident and its first event, in one transaction. Plain SQL: Prisma's nested create
    // cost ~3 ms of CPU each, as much as a dozen deliveries' own work (bench/processing.ts).
    const id = newId();
    const now = new Date();
    const evidenceJson = JSON.stringify(evidence);
    await executeAll(db, [
      sql`INSERT INTO "Incident" ("id", "shop", "kind", "status", "activeKey", "orderId", "orderName", "customerId", "customerEmail",
        "customerName", "lines", "evidence", "responsibleParty", "responseDeadline", "source", "createdAt", "updatedAt")
      VALUES (${id}, ${shop}, ${finding.kind}, 'open', ${key}, ${finding.orderId}, ${finding.orderName}, ${finding.customerId}, ${contact.email},
        ${contact.name}, ${JSON.stringify(finding.lines)}, ${evidenceJson}, ${finding.responsibleParty}, ${deadline}, ${source}, ${now}, ${now})`,
      insertEvent(id, now, { type: "opened", actor, message: finding.summary, data: evidence }),
    ]);
    return { incidentId: id, opened: true, escalated: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const existing = await db.incident.findUniqueOrThrow({ where: { activeKey: key }, select: HELD });
  return join(db, existing, finding, actor, key);
}

/** The incident holding the key. Plain SQL (sql.server.ts): asked for every finding, and the
 * processor records one for many deliveries. */
async function activeIncident(db: Database, key: string): Promise<Held | null> {
  const rows = await queryRows(db, sql`SELECT "id", "kind", "status", "evidence" FROM "Incident" WHERE "activeKey" = ${key}`, { evidence: "json" });
  return (rows[0] as Held | undefined) ?? null;
}

async function closedIncidentFor(db: Database, shop: string, finding: IncidentFinding): Promise<Held | null> {
  // Plain SQL for the reason activeIncident gives: asked for every finding with no active
  // incident. The order's incidents are few; the kinds are picked here.
  const parcel = parcelOf(finding.kind, finding.evidence);
  const rows = (await queryRows(
    db,
    sql`SELECT "id", "kind", "status", "evidence" FROM "Incident"
    WHERE "shop" = ${shop} AND "orderId" = ${finding.orderId} AND "activeKey" IS NULL
    ORDER BY "createdAt" DESC`,
    { evidence: "json" },
  )) as Held[];
  if (!parcel) return rows.find((incident) => incident.kind === finding.kind) ?? null;
  const parcelKinds: readonly string[] = PARCEL_KINDS;
  return rows.find((incident) => parcelKinds.includes(incident.kind) && parcelOf(incident.kind, incident.evidence) === parcel) ?? null;
}

/** The finding joins the incident's timeline; worse news about its parcel escalates its kind. */
async function join(db: Database, incident: Held, finding: IncidentFinding, actor: string, key: string): Promise<RecordedFinding> {
  const evidence = finding.evidence as object;
  const unchanged = { incidentId: incident.id, opened: false, escalated: false };
  if (!isParcelKind(incident.kind) || !escalates(incident.kind, finding.kind)) {
    await addEvidence(db, incident.id, actor, finding.summary, evidence);
    return unchanged;
  }
  const words = escalationMessage(incident.kind, finding);
  // A plan under way was chosen for the earlier problem and is finished as chosen; a dismissed
  // incident was the merchant's decision. The news goes on the timeline; nothing else changes.
  if (incident.status === "remediating" || incident.status === "dismissed") {
    const why = incident.status === "remediating" ? "the remedies under way are finished as chosen" : "you dismissed this incident";
    await addEvidence(db, incident.id, actor, `${words} Amends does not change the incident: ${why}.`, evidence);
    return unchanged;
  }
  const previous = (incident.evidence ?? {}) as { escalatedFrom?: unknown };
  const escalatedFrom = [...(Array.isArray(previous.escalatedFrom) ? previous.escalatedFrom : []), incident.kind];
  const reopened = incident.status !== "open";
  try {
    // Compare-and-set on kind and status: of two deliveries escalating at once, one does.
    const moved = await db.incident.updateMany({
      where: { id: incident.id, kind: incident.kind, status: incident.status },
      data: {
        kind: finding.kind,
        status: "open",
        activeKey: key,
        resolvedAt: null,
        lines: finding.lines as unknown as object,
        evidence: { ...evidence, escalatedFrom },
        responseDeadline: new Date(finding.responseDeadline),
      },
    });
    if (moved.count === 0) {
      await addEvidence(db, incident.id, actor, finding.summary, evidence);
      return unchanged;
    }
  } catch (error) {
    // Reopening a closed incident while another one holds the key (a race): join that one.
    if (!isUniqueViolation(error)) throw error;
    const active = await db.incident.findUniqueOrThrow({ where: { activeKey: key }, select: HELD });
    return join(db, active, finding, actor, key);
  }
  const again =
    incident.status === "resolved"
      ? " Open again for the worse problem; remedies already given are not given twice."
      : incident.status === "awaiting_approval"
        ? " The proposal that waited for your approval was for the earlier problem; the policy looks at it again."
        : "";
  await addEvent(db, incident.id, { type: "evidence", actor, message: `${words}${again}`, data: evidence });
  if (reopened) {
    await addEvent(db, incident.id, { type: "status", actor, message: "Open again: the parcel's problem escalated.", data: { from: incident.status, to: "open" } });
  }
  return { incidentId: incident.id, opened: false, escalated: true };
}

/** The same finding again (a rule re-run, an order update that changed nothing it looks at)
 * is not news: only evidence that differs from the latest joins the timeline. */
async function addEvidence(db: Database, incidentId: string, actor: string, summary: string, evidence: object) {
  // Plain SQL for the reason activeIncident gives.
  const [latest] = await queryRows(
    db,
    sql`SELECT "data" FROM "IncidentEvent" WHERE "incidentId" = ${incidentId} AND "type" IN ('opened', 'evidence')
    ORDER BY "at" DESC LIMIT 1`,
    { data: "json" },
  );
  if (canonicalJson(latest?.data ?? null) !== canonicalJson(evidence)) {
    await addEvent(db, incidentId, { type: "evidence", actor, message: summary, data: evidence });
  }
}

export interface TimelineEntry {
  type: string;
  actor: string;
  message: string;
  data?: unknown;
}

export async function addEvent(db: Database, incidentId: string, entry: TimelineEntry): Promise<void> {
  // Plain SQL, for the reason recordFinding gives: carrier news and refunds add one each.
  await execute(db, insertEvent(incidentId, new Date(), entry));
}

/** An event for the timeline (data undefined or null: none, as Prisma writes it). */
function insertEvent(incidentId: string, at: Date, entry: TimelineEntry) {
  const data = entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data);
  return sql`INSERT INTO "IncidentEvent" ("id", "incidentId", "at", "type", "actor", "message", "data")
    VALUES (${newId(at.getTime())}, ${incidentId}, ${at}, ${entry.type}, ${entry.actor}, ${entry.message}, ${data})`;
}

/** The shop's oversell risks still open or awaiting the merchant's approval, oldest first. Plain
 * SQL, for the reason activeIncidentsForOrder gives: asked for each stock level Shopify sends
 * below zero, or back at or above it. */
export async function unresolvedOversellRisks(db: Database, shop: string): Promise<{ id: string; orderId: string; evidence: unknown }[]> {
  const rows = await queryRows(
    db,
    sql`SELECT "id", "orderId", "evidence" FROM "Incident"
    WHERE "shop" = ${shop} AND "kind" = 'oversell_risk' AND "status" IN ('open', 'awaiting_approval')
    ORDER BY "createdAt", "id"`,
    { evidence: "json" },
  );
  return rows as unknown as { id: string; orderId: string; evidence: unknown }[];
}

/** Active incidents of an order (to add what Shopify tells us about it to their timelines). */
export async function activeIncidentsForOrder(db: Database, shop: string, orderId: string): Promise<{ id: string; kind: string; status: string }[]> {
  // Plain SQL (sql.server.ts): asked for nearly every fulfilment and refund webhook; Prisma's
  // query compile would cost several times the read. The order's incidents are few.
  const incidents = await queryRows(
    db,
    sql`SELECT "id", "kind", "status" FROM "Incident" WHERE "shop" = ${shop} AND "orderId" = ${orderId}
    ORDER BY "createdAt", "id"`,
    {},
  );
  return (incidents as unknown as { id: string; kind: string; status: string }[]).filter((incident) =>
    (ACTIVE_STATUSES as readonly string[]).includes(incident.status),
  );
}

export async function setStatus(
  db: Database,
  incidentId: string,
  status: IncidentStatus,
  actor: string,
  message: string,
): Promise<void> {
  const active = (ACTIVE_STATUSES as readonly string[]).includes(status);
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  await db.incident.update({
    where: { id: incidentId },
    data: {
      status,
      activeKey: active ? activeKeyOf(incident) : null,
      resolvedAt: active ? null : new Date(),
      events: { create: { type: "status", actor, message, data: { from: incident.status, to: status } } },
    },
  });
}

export async function countOpenIncidents(db: Database, shop: string): Promise<number> {
  return db.incident.count({ where: { shop, status: { in: [...ACTIVE_STATUSES] } } });
}

export async function listIncidents(db: Database, shop: string, take = 50) {
  return db.incident.findMany({
    where: { shop },
    orderBy: [{ createdAt: "desc" }],
    take,
    select: {
      id: true,
      kind: true,
      status: true,
      orderName: true,
      customerName: true,
      responsibleParty: true,
      responseDeadline: true,
      createdAt: true,
    },
  });
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the order they were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface IncidentAssignment {
  owner: string | null;
  rootCause: RootCause | null;
  /** A key of the shop's responsible parties (responsibleParties), or "unknown". */
  responsibleParty: string;
}

/** The merchant's own reading of an incident: who works it, why it happened, whose fault it
 * was. Fields left out stay as they are (the inbox sets one for many incidents). Each change
 * goes on the timeline; a new responsible party brings its response time, so the deadline
 * follows it (counted from when the incident opened). */
export async function assignIncident(db: Database, incidentId: string, next: Partial<IncidentAssignment>, actor: string): Promise<boolean> {
  const current = await db.incident.findUniqueOrThrow({
    where: { id: incidentId },
    select: { shop: true, owner: true, rootCause: true, responsibleParty: true, createdAt: true, responseDeadline: true },
  });
  const changes = (Object.keys(next) as (keyof IncidentAssignment)[]).filter((field) => (current[field] ?? null) !== next[field]);
  if (changes.length === 0) return false;
  const parties = await responsibleParties(db, current.shop);
  const labels: Record<keyof IncidentAssignment, string> = { owner: "owner", rootCause: "root cause", responsibleParty: "responsible party" };
  // Taxonomy values read as words; the owner's name is shown as typed, the party by its name.
  const shown = (field: keyof IncidentAssignment) =>
    (field === "owner" ? next.owner : field === "responsibleParty" ? partyName(parties, next.responsibleParty ?? "unknown") : next[field]?.replaceAll("_", " ")) ??
    "none";
  let message = `Set ${changes.map((field) => `${labels[field]}: ${shown(field)}`).join(", ")}.`;
  const data: Record<string, unknown> = Object.fromEntries(changes.map((field) => [field, { from: current[field] ?? null, to: next[field] }]));
  let deadline: Date | undefined;
  const party = parties.find((p) => p.key === next.responsibleParty);
  const before = parties.find((p) => p.key === current.responsibleParty);
  // Between two parties without response times of their own, the rules' deadline stands.
  if (changes.includes("responsibleParty") && (party?.responseHours ?? before?.responseHours ?? null) !== null) {
    const { responseHours } = await detectionSettings(db, current.shop);
    deadline = responseDeadline(current.createdAt, party?.responseHours ?? null, responseHours);
    if (deadline.getTime() !== current.responseDeadline.getTime()) {
      const hours = party?.responseHours ?? responseHours;
      message += ` Respond within ${hours} hours of opening${party?.responseHours ? `, ${party.name}'s response time` : ", the shop's default"}.`;
      data.responseDeadline = { from: current.responseDeadline.toISOString(), to: deadline.toISOString() };
    }
  }
  await db.incident.update({
    where: { id: incidentId },
    data: {
      ...next,
      ...(deadline ? { responseDeadline: deadline } : {}),
      events: { create: { type: "assigned", actor, message, data: data as object } },
    },
  });
  return true;
}
