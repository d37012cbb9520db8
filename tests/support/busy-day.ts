// A flash-sale day on several shops, as the webhooks Shopify would send: each shop's three
// weeks of history (orders, fulfilments, carrier events) and then a busy day on the emulator's
// store — orders that draw stock below zero (inventory levels), inventory cancellations, parcels
// shipped and their carrier news (some delayed), refunds. Every webhook is rendered and signed
// by the emulator's sender but not sent: the caller stores them (the intake) and processes them.
// Used by bench/processing.ts (~30,000 deliveries) and tests/batch-processing.test.ts (a few hundred).
import type { DeliveryRecord, ManualClock, RunningEmulator, SeededShop } from "../shopify-emulator";
import { seedDemoShop } from "../shopify-emulator";
import { rng } from "../shopify-emulator/util";
import { storeHistory } from "./store-history";

export interface BusyDayOptions {
  shops: number;
  /** Orders in each shop's seeded history. */
  historyOrders: number;
  /** Orders each shop takes on the day. */
  saleOrders: number;
  seed?: number;
  /** The day's morning, 08:00 (the seeded history ends there). */
  morning: number;
  tokenFor: (shop: string) => string;
}

export interface BusyDay {
  shops: SeededShop[];
  /** In the order Shopify sent them. */
  deliveries: DeliveryRecord[];
}

const MINUTE = 60_000;

export function shopName(i: number): string {
  return `flash-sale-${i + 1}.myshopify.com`;
}

export function playBusyDay(emu: RunningEmulator, clock: ManualClock, options: BusyDayOptions): BusyDay {
  const r = rng(options.seed ?? 7);
  emu.webhooks.configure({ appUrl: null }); // rendered and recorded, not sent
  const first = emu.webhooks.deliveries.length;
  const shops: SeededShop[] = [];
  for (let i = 0; i < options.shops; i++) {
    const domain = shopName(i);
    clock.set(options.morning);
    const seeded = seedDemoShop(emu.store, {
      shop: { domain, accessToken: options.tokenFor(domain), ianaTimezone: "UTC" },
      now: options.morning,
      seed: (options.seed ?? 7) * 100 + i,
      orders: options.historyOrders,
    });
    shops.push(seeded);
    for (const { at, event } of storeHistory(seeded)) {
      clock.set(at);
      emu.store.emit(event);
    }
  }
  // The day: the shops' events interleave, a few seconds apart.
  const step = Math.max(1, Math.floor((10 * 60 * MINUTE) / Math.max(1, options.saleOrders)));
  const s = emu.store;
  for (let n = 0; n < options.saleOrders; n++) {
    for (const seeded of shops) {
      const domain = seeded.shop;
      clock.set(options.morning + n * step + shops.indexOf(seeded) * 1000);
      const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(r() * list.length)];
      // The flash sale's two hot items sell past their stock: levels go below zero (each such
      // level makes Amends ask Shopify where the waiting orders can be served from).
      const hot = seeded.variants.slice(0, 2);
      const variant = r() < 0.1 ? pick(hot) : pick(seeded.variants);
      const customer = pick(seeded.customers);
      if (!variant) continue;
      const order = s.addOrder(domain, { customerId: customer?.id ?? null, lineItems: [{ variantId: variant.id, quantity: r() < 0.8 ? 1 : 2 }] });
      const roll = r();
      if (roll < 0.06) {
        // The warehouse cannot find it: cancelled for inventory.
        clock.advance(200);
        s.cancelOrder(domain, { orderId: order.id, reason: "INVENTORY", restock: true, refund: true });
        s.completeAllJobs(domain);
      } else if (roll < 0.5) {
        clock.advance(400);
        const parcel = s.addFulfillment(domain, order.id, { trackingCompany: "SEUR", trackingNumber: `SEUR${n}${domain.length}` });
        clock.advance(300);
        s.addFulfillmentEvent(domain, parcel.id, { status: "IN_TRANSIT", estimatedDeliveryAt: clock.now() + 3 * 86_400_000 });
        if (r() < 0.15) {
          clock.advance(300);
          s.addFulfillmentEvent(domain, parcel.id, { status: "DELAYED", message: "Retraso por el temporal" });
        }
      } else if (roll < 0.56) {
        const sale = order.transactions.find((t) => t.kind === "SALE");
        if (sale) {
          clock.advance(500);
          s.createRefund(domain, {
            orderId: order.id,
            note: "Descuento de cortesía",
            transactions: [{ amount: "1.00", gateway: sale.gateway, kind: "REFUND", orderId: order.id, parentId: sale.id }],
          });
        }
      } else if (roll < 0.6) {
        // Restocked: a count brings a hot item back above zero.
        clock.advance(100);
        const level = variant.levels[0];
        if (level) s.setAvailable(domain, variant.id, Math.max(level.available, 0) + 5);
      }
    }
  }
  return { shops, deliveries: emu.webhooks.deliveries.slice(first).filter((d) => d.state === "skipped") };
}
