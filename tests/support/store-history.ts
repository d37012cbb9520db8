// A seeded shop's past as Shopify would have announced it, oldest first: each order's creation,
// its fulfilments and their carrier events, at the times they happened. Emitted one by one on
// the emulator's store (at each item's time), it replays the store's history as webhooks.
import type { SeededShop, StoreEvent } from "../shopify-emulator";

export type HistoryItem = { at: number; event: Omit<StoreEvent, "triggeredAt"> };

export function storeHistory(seeded: SeededShop): HistoryItem[] {
  const shop = seeded.shop;
  const items: HistoryItem[] = [];
  for (const order of seeded.orders) {
    items.push({ at: order.createdAt, event: { topic: "orders/create", shop, subject: { kind: "order", orderId: order.id } } });
    for (const f of order.fulfillments) {
      const fulfillment = { orderId: order.id, fulfillmentId: f.id };
      items.push({ at: f.createdAt, event: { topic: "fulfillments/create", shop, subject: { kind: "fulfillment", ...fulfillment } } });
      for (const e of f.events) {
        items.push({
          at: e.happenedAt,
          event: { topic: "fulfillment_events/create", shop, subject: { kind: "fulfillmentEvent", ...fulfillment, eventId: e.id } },
        });
      }
    }
  }
  return items.sort((a, b) => a.at - b.at);
}
