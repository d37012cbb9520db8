// Where the intake stores every copy of an event (tests/delivery-copies.test.ts): checks that
// the processor acted on each event once.
import type { Database } from "../../app/db.server";

/**
 * Every delivery of the shop is finished, and each event was acted on once: of its copies
 * (the intake stores them all) exactly one is processed — the one that holds the event — and
 * every other is marked a duplicate.
 */
export async function eventsActedOnOnce(db: Database, shop: string): Promise<{ statuses: string[]; twice: string[]; unheld: string[] }> {
  const deliveries = await db.webhookDelivery.findMany({ where: { shop }, select: { id: true, topic: true, eventId: true, status: true } });
  const held = new Set((await db.webhookEvent.findMany({ where: { delivery: { shop } }, select: { deliveryId: true } })).map((e) => e.deliveryId));
  const actedOn = new Map<string, number>();
  const unheld: string[] = [];
  for (const d of deliveries) {
    if (d.status === "duplicate") continue;
    const key = `${d.topic} ${d.eventId}`;
    actedOn.set(key, (actedOn.get(key) ?? 0) + 1);
    if (!held.has(d.id)) unheld.push(key);
  }
  return {
    statuses: [...new Set(deliveries.map((d) => d.status))].sort(),
    twice: [...actedOn].filter(([, n]) => n !== 1).map(([key]) => key),
    unheld,
  };
}
