// Incidents and their timelines. One active incident per order and kind: a second finding
// of the same kind joins the first one's timeline instead of opening another.
import type { Database } from "../db.server";
import type { IncidentFinding, IncidentStatus, ResponsibleParty, RootCause } from "../incidents/model";
import { ACTIVE_STATUSES } from "../incidents/model";
import { isUniqueViolation } from "./order.server";

export function activeKey(shop: string, orderId: string, kind: string): string {
  return `${shop}|${orderId}|${kind}`;
}

export interface CustomerContact {
  email: string | null;
  name: string | null;
}

export type RecordedFinding = { incidentId: string; opened: boolean };

export async function recordFinding(
  db: Database,
  shop: string,
  finding: IncidentFinding,
  actor: string,
  contact: CustomerContact = { email: null, name: null },
  /** Where it came from: "detected" by Amends' rules, or a channel such as "order_page". */
  source = "detected",
): Promise<RecordedFinding> {
  const key = activeKey(shop, finding.orderId, finding.kind);
  const evidence = finding.evidence as object;
  // One incident per order and kind. Once the merchant or Amends has closed it, the same
  // finding again (the order's next update, a rule re-run) is history for its timeline, not a
  // new incident: reopening would remediate twice, and Amends' own order edits would loop.
  const closed = await db.incident.findFirst({
    where: { shop, orderId: finding.orderId, kind: finding.kind, activeKey: null },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (closed) {
    await addEvidence(db, closed.id, actor, finding.summary, evidence);
    return { incidentId: closed.id, opened: false };
  }
  try {
    const incident = await db.incident.create({
      data: {
        shop,
        kind: finding.kind,
        activeKey: key,
        orderId: finding.orderId,
        orderName: finding.orderName,
        customerId: finding.customerId,
        customerEmail: contact.email,
        customerName: contact.name,
        lines: finding.lines as unknown as object,
        evidence,
        responsibleParty: finding.responsibleParty,
        responseDeadline: new Date(finding.responseDeadline),
        source,
        events: { create: { type: "opened", actor, message: finding.summary, data: evidence } },
      },
      select: { id: true },
    });
    return { incidentId: incident.id, opened: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const existing = await db.incident.findUniqueOrThrow({ where: { activeKey: key }, select: { id: true } });
  await addEvidence(db, existing.id, actor, finding.summary, evidence);
  return { incidentId: existing.id, opened: false };
}

/** The same finding again (a rule re-run, an order update that changed nothing it looks at)
 * is not news: only evidence that differs from the latest joins the timeline. */
async function addEvidence(db: Database, incidentId: string, actor: string, summary: string, evidence: object) {
  const latest = await db.incidentEvent.findFirst({
    where: { incidentId, type: { in: ["opened", "evidence"] } },
    orderBy: { at: "desc" },
    select: { data: true },
  });
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
  await db.incidentEvent.create({
    data: {
      incidentId,
      type: entry.type,
      actor: entry.actor,
      message: entry.message,
      ...(entry.data === undefined ? {} : { data: entry.data as object }),
    },
  });
}

/** Active incidents of an order (to add what Shopify tells us about it to their timelines). */
export async function activeIncidentsForOrder(db: Database, shop: string, orderId: string) {
  return db.incident.findMany({
    where: { shop, orderId, status: { in: [...ACTIVE_STATUSES] } },
    select: { id: true, kind: true, status: true },
  });
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
      activeKey: active ? activeKey(incident.shop, incident.orderId, incident.kind) : null,
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
  responsibleParty: ResponsibleParty;
}

/** The merchant's own reading of an incident: who works it, why it happened, whose fault it
 * was. Each change goes on the timeline. */
export async function assignIncident(db: Database, incidentId: string, next: IncidentAssignment, actor: string): Promise<boolean> {
  const current = await db.incident.findUniqueOrThrow({
    where: { id: incidentId },
    select: { owner: true, rootCause: true, responsibleParty: true },
  });
  const changes = (Object.keys(next) as (keyof IncidentAssignment)[]).filter((field) => (current[field] ?? null) !== next[field]);
  if (changes.length === 0) return false;
  const labels: Record<keyof IncidentAssignment, string> = { owner: "owner", rootCause: "root cause", responsibleParty: "responsible party" };
  // Taxonomy values read as words; the owner's name is shown as typed.
  const shown = (field: keyof IncidentAssignment) => (field === "owner" ? next.owner : next[field]?.replaceAll("_", " ")) ?? "none";
  const message = changes.map((field) => `${labels[field]}: ${shown(field)}`).join(", ");
  await db.incident.update({
    where: { id: incidentId },
    data: {
      ...next,
      events: {
        create: {
          type: "assigned",
          actor,
          message: `Set ${message}.`,
          data: Object.fromEntries(changes.map((field) => [field, { from: current[field] ?? null, to: next[field] }])),
        },
      },
    },
  });
  return true;
}
