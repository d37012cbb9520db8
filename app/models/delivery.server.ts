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

/** Every status a delivery ends in; only these are ever pruned (one waiting is never lost).
 * `redacted`: never acted on, customers/redact erased it while it waited (compliance.server.ts). */
export const FINISHED_STATUSES = ["processed", "redacted", "invalid", "failed"] as const;

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

export async function deleteDeliveries(db: Database, ids: string[]): Promise<number> {
  const deleted = await db.webhookDelivery.deleteMany({ where: { id: { in: ids } } });
  return deleted.count;
}
