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
