// Escalation: a public complaint, a threat to go to social media, a creator or VIP. Marking it
// is recorded on the timeline; the facts a calm team checks before answering are gathered here:
// was it our error, had we already offered a remedy before it escalated, and the customer's
// history with the store (Shopify's orders and spend, Amends' earlier incidents and remedies).
import type { Database } from "../db.server";
import { ACTIVE_STATUSES } from "../incidents/model";
import { remedyStateWords, sentence, statusWords } from "../incidents/words";
import { kindTitle } from "../remediation/policy";

/** Marks or unmarks the incident escalated; false when it already was (or was not). */
export async function setEscalation(
  db: Database,
  incidentId: string,
  next: { escalated: boolean; note: string | null },
  actor: string,
  now = new Date(),
): Promise<boolean> {
  // Only from the state it is in: two clicks record one change.
  const { count } = await db.incident.updateMany({
    where: { id: incidentId, escalatedAt: next.escalated ? null : { not: null } },
    data: next.escalated ? { escalatedAt: now, escalationNote: next.note } : { escalatedAt: null },
  });
  if (count === 0) return false;
  await db.incidentEvent.create({
    data: {
      incidentId,
      type: next.escalated ? "escalated" : "deescalated",
      actor,
      at: now,
      message: next.escalated ? `Marked escalated${next.note ? `: ${next.note}` : "."}` : `No longer escalated${next.note ? `: ${next.note}` : "."}`,
      data: { note: next.note },
    },
  });
  return true;
}

const OUR_PARTIES = new Set(["store", "warehouse"]);
// What the customer was offered or given: not the bookkeeping (order notes, e-mails queued).
const OFFER_EVENTS = new Set(["decision", "remedy", "message", "email_sent"]);

export interface EscalationFacts {
  ourError: string;
  /** What was offered or done before the incident was escalated, oldest first. */
  offeredBefore: { at: Date; text: string }[];
  previousIncidents: { id: string; orderName: string; kind: string; status: string; remedies: string[]; at: Date }[];
  /** "2 claims on 5 orders (40 %)" once Shopify's order count is known. */
  claimRate: string | null;
}

export async function escalationFacts(
  db: Database,
  incident: {
    id: string;
    shop: string;
    customerId: string | null;
    escalatedAt: Date | null;
    rootCause: string | null;
    responsibleParty: string;
    events: { at: Date; type: string; message: string; data: unknown }[];
  },
  orders: number | null,
  locale: string,
): Promise<EscalationFacts> {
  const party = incident.responsibleParty;
  const cause = incident.rootCause ? sentence(incident.rootCause).toLowerCase() : null;
  const ourError =
    party === "unknown"
      ? `Not known yet: no responsible party is set${cause ? ` (root cause: ${cause})` : ""}.`
      : OUR_PARTIES.has(party)
        ? `Yes: the ${party === "store" ? "store's" : "warehouse's"} own error${cause ? ` (${cause})` : ""}.`
        : `No: the ${party} was responsible${cause ? ` (${cause})` : ""}.`;
  const until = incident.escalatedAt ?? new Date(8.64e15);
  const offeredBefore = incident.events
    .filter((event) => event.at < until && OFFER_EVENTS.has(event.type))
    .filter((event) => event.type !== "decision" || (event.data as { outcome?: unknown } | null)?.outcome !== "none")
    .filter((event) => event.type !== "remedy" || (event.data as { action?: unknown } | null)?.action !== "annotate")
    .map((event) => ({ at: event.at, text: event.message }));

  const previous = incident.customerId
    ? await db.incident.findMany({
        where: { shop: incident.shop, customerId: incident.customerId, id: { not: incident.id } },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { id: true, orderName: true, kind: true, status: true, createdAt: true, remediations: { select: { action: true, status: true, amount: true, currencyCode: true } } },
      })
    : [];
  const money = (amount: string, currency: string) =>
    new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
  const previousIncidents = previous.map((p) => ({
    id: p.id,
    orderName: p.orderName,
    kind: kindTitle(p.kind),
    status: statusWords(p.status),
    at: p.createdAt,
    remedies: p.remediations
      .filter((r) => r.action !== "annotate" && r.action !== "message")
      .map((r) => `${remedyStateWords(r.action, r.status)}${r.amount && r.currencyCode ? ` (${money(r.amount, r.currencyCode)})` : ""}`),
  }));
  // Claims: this incident and the earlier ones the customer had (open ones count: they claimed).
  const claims = previous.length + 1;
  const open = previous.filter((p) => (ACTIVE_STATUSES as readonly string[]).includes(p.status)).length;
  const claimRate =
    orders && orders > 0
      ? `${claims} ${claims === 1 ? "claim" : "claims"} on ${orders} ${orders === 1 ? "order" : "orders"} (${new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(claims / orders)})${open ? `, ${open} other still open` : ""}`
      : null;
  return { ourError, offeredBefore, previousIncidents, claimRate };
}
