// The business day the redelivery-storm tests replay (tests/storm.test.ts on the in-process
// worker, tests/jobs/pg-workers.test.ts on PostgreSQL's job queue): the store's history, then
// two new orders, one cancelled for inventory with a note in the same second, a parcel the
// carrier reports delayed, and a seeded parcel out for delivery and delivered within a second.
// Every webhook is rendered and recorded but none sent: the test sends them, as a storm.
import type { Database } from "../../app/db.server";
import { defaultPolicyFor } from "../../app/remediation/policy";
import { webhookHeaders } from "../fixtures/webhooks";
import type { Clock, DeliveryRecord, RunningEmulator, SeededShop } from "../shopify-emulator";
import { seededRandom, shuffle } from "./copies";
import { storeHistory } from "./store-history";

/** The day's time: hour, minute, milliseconds. */
export type DayTime = (hour: number, minute?: number, ms?: number) => number;

/**
 * Plays the history and the day up to 14:00 on `clock`, with webhooks recorded but not sent.
 * Returns the seeded order whose parcel was delivered (the storm test refunds part of it).
 */
export function playStormDay(
  emu: RunningEmulator,
  seeded: SeededShop,
  clock: Clock & { set(at: number): void },
  at: DayTime,
  { shop, trackingNumber }: { shop: string; trackingNumber: string },
): SeededShop["byState"]["inTransit"][number] {
  emu.webhooks.configure({ appUrl: null });
  for (const { at: when, event } of storeHistory(seeded)) {
    clock.set(when);
    emu.store.emit(event);
  }
  const s = emu.store;
  const [v, w] = seeded.variants.filter((variant) => (variant.levels[0]?.available ?? 0) >= 3);
  const [inTransit] = seeded.byState.inTransit;
  if (!v || !w || !inTransit?.fulfillments[0]) throw new Error("the seed has no stock or no parcel in transit");
  const customer = (i: number) => seeded.customers[i]?.id ?? null;
  clock.set(at(9));
  const n1 = s.addOrder(shop, { customerId: customer(0), lineItems: [{ variantId: v.id, quantity: 1 }] });
  clock.set(at(9, 30));
  const n2 = s.addOrder(shop, { customerId: customer(1), lineItems: [{ variantId: w.id, quantity: 2 }] });
  // 10:00 n2's units cannot be found: cancelled for inventory, and a note in the same second.
  clock.set(at(10));
  s.cancelOrder(shop, { orderId: n2.id, reason: "INVENTORY", restock: true, refund: false });
  s.completeAllJobs(shop);
  clock.set(at(10, 0, 400));
  s.updateOrder(shop, n2.id, { note: "Customer called about the cancellation" });
  // 11:00 n1 ships; 13:00 its carrier reports a delay.
  clock.set(at(11));
  const parcel = s.addFulfillment(shop, n1.id, { trackingCompany: "UPS", trackingNumber });
  clock.set(at(11, 30));
  s.addFulfillmentEvent(shop, parcel.id, { status: "IN_TRANSIT" });
  clock.set(at(13));
  s.addFulfillmentEvent(shop, parcel.id, { status: "DELAYED", message: "Weather delay at the hub" });
  // 14:00 a seeded parcel goes out for delivery and is delivered within one second.
  const seededParcel = inTransit.fulfillments[0];
  clock.set(at(14, 0, 100));
  s.addFulfillmentEvent(shop, seededParcel.id, { status: "OUT_FOR_DELIVERY" });
  clock.set(at(14, 0, 700));
  s.addFulfillmentEvent(shop, seededParcel.id, { status: "DELIVERED", message: "Delivered, front door" });
  return inTransit;
}

/** The merchant replaces a parcel the carrier reports trouble with, without being asked, and
 * caps what Amends may spend high enough for the day's parcels. */
export async function replaceTroubledParcels(db: Database, emu: RunningEmulator, shop: string): Promise<void> {
  const policy = defaultPolicyFor(emu.store.shop(shop).currencyCode);
  policy.caps = { maxPerIncident: "1000.00", maxPerCustomer12Months: "2000.00", maxPerDayStoreWide: "10000.00" };
  policy.kinds.carrier_exception = { ...policy.kinds.carrier_exception, mode: "automatic", remedies: [{ type: "message" }, { type: "replacement" }], alternatives: [], conditions: {}, messageTemplate: null };
  await db.shop.update({ where: { domain: shop }, data: { policy: policy as object } });
}

/** Copies of each webhook in a storm: Shopify's retries (same webhook id) and duplicates (another). */
export const STORM_COPIES = 5;
const STORM_SENDERS = 16;

/**
 * Every delivery of the day ×STORM_COPIES, shuffled with a fixed seed, 16 at a time, to the
 * intake at `url`; each retried until answered 200, as Shopify does. Returns how many were sent.
 */
export async function sendStorm(url: string, day: readonly DeliveryRecord[], secret: string): Promise<number> {
  const copies = shuffle(
    day.flatMap((record) =>
      Array.from({ length: STORM_COPIES }, (_, i) => ({ record, webhookId: i % 2 === 0 ? record.webhookId : `${record.webhookId}-${i}` })),
    ),
    seededRandom(2026),
  );
  let next = 0;
  const send = async () => {
    for (let item = copies[next++]; item; item = copies[next++]) {
      const { record, webhookId } = item;
      const headers = webhookHeaders({ topic: record.topic, shop: record.shop, body: record.body, secret, webhookId, eventId: record.eventId, triggeredAt: record.triggeredAt });
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${url}/webhooks`, { method: "POST", headers, body: record.body });
        await response.arrayBuffer();
        if (response.status === 200) break;
        if (attempt === 5) throw new Error(`${record.topic} refused ${attempt} times: ${response.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: STORM_SENDERS }, send));
  return copies.length;
}
