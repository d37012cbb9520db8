// Webhook deliveries the merchant should know about: those Amends could not act on.
import type { Database } from "../db.server";

export async function deliveriesNeedingAttention(db: Database, shop: string, take = 20) {
  return db.webhookDelivery.findMany({
    where: { shop, status: { in: ["invalid", "failed"] } },
    orderBy: { receivedAt: "desc" },
    take,
    select: { id: true, topic: true, status: true, error: true, receivedAt: true, eventId: true },
  });
}

/** The deliveries the merchant can replay: those that failed after every retry. */
export async function failedDeliveries(db: Database, shop: string, take = 50) {
  return db.webhookDelivery.findMany({
    where: { shop, status: "failed" },
    orderBy: { receivedAt: "desc" },
    take,
    select: { id: true, topic: true, error: true, attempts: true, receivedAt: true, processedAt: true },
  });
}

/** Deliveries that failed at least once and wait to be tried again (or were replayed): the
 * merchant sees they are not acted on yet, and when the next try is. */
export async function deliveriesBeingRetried(db: Database, shop: string, take = 50) {
  return db.webhookDelivery.findMany({
    where: { shop, status: { in: ["received", "processing"] }, error: { not: null } },
    orderBy: { receivedAt: "desc" },
    take,
    select: { id: true, topic: true, error: true, attempts: true, receivedAt: true, nextAttemptAt: true },
  });
}

/**
 * Puts a failed delivery back in line, for the processor to act on it as it does any delivery
 * (the same duplicate and staleness guards, a fresh set of retries). Only from `failed`: a
 * second click, or a replay already under way, changes nothing. True when it was put back.
 */
export async function replayDelivery(db: Database, shop: string, id: string): Promise<boolean> {
  const replayed = await db.webhookDelivery.updateMany({
    where: { id, shop, status: "failed" },
    data: { status: "received", attempts: 0, nextAttemptAt: null, claimedAt: null, processedAt: null },
  });
  return replayed.count === 1;
}

/** When the longest-waiting delivery that is due to be acted on became due, if that was before
 * `before`; null when none has waited that long. One waiting for its retry is not due yet. */
export async function oldestOverdueDelivery(db: Database, before: Date): Promise<Date | null> {
  const row = await db.webhookDelivery.findFirst({
    where: {
      status: "received",
      OR: [{ nextAttemptAt: null, receivedAt: { lt: before } }, { nextAttemptAt: { lt: before } }],
    },
    orderBy: { receivedAt: "asc" },
    select: { receivedAt: true, nextAttemptAt: true },
  });
  if (!row) return null;
  return row.nextAttemptAt && row.nextAttemptAt > row.receivedAt ? row.nextAttemptAt : row.receivedAt;
}

/** Every status a delivery ends in; only these are ever pruned (one waiting is never lost).
 * `redacted`: never acted on, customers/redact erased it while it waited (compliance.server.ts).
 * `duplicate`: a copy of an event another delivery holds (WebhookEvent), never acted on. */
export const FINISHED_STATUSES = ["processed", "redacted", "invalid", "failed", "duplicate"] as const;

/** Ids of up to `take` finished deliveries received before `before`, oldest first. */
export async function finishedDeliveriesBefore(db: Database, before: Date, take: number): Promise<string[]> {
  const rows = await db.webhookDelivery.findMany({
    where: { status: { in: [...FINISHED_STATUSES] }, receivedAt: { lt: before } },
    orderBy: { receivedAt: "asc" },
    take,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** Deletes the deliveries, and with them the events they hold: a copy arriving later is acted on. */
export async function deleteDeliveries(db: Database, ids: string[]): Promise<number> {
  const deleted = await db.webhookDelivery.deleteMany({ where: { id: { in: ids } } });
  return deleted.count;
}
