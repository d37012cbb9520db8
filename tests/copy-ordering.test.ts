// State never goes back in time, whatever order Shopify's copies arrive in. The emulator's store
// plays an order's life — placed, edited, cancelled; a parcel shipped, in transit, out for
// delivery, delivered — and renders every webhook Shopify would send for it. Those copies,
// duplicated and shuffled many times over (a fixed seed), are applied through the same pure
// functions the handlers use: every arrival order must end in the state the copies in their
// true order give, and that state must be the newest copy's. Same-second changes, copies without
// X-Shopify-Triggered-At and copies without updated_at are each played.
import { describe, expect, it } from "vitest";

import type { Copy, Held } from "./support/copies";
import { ORDER_TOPICS, applyCopy as apply, seededRandom as random, shuffle } from "./support/copies";
import type { StoreEvent } from "./shopify-emulator";
import { EmulatorStore, manualClock, renderEventPayload } from "./shopify-emulator";

const SHOP = "ordering.myshopify.com";
const START = Date.UTC(2026, 10, 20, 10);

interface Story {
  copies: Copy[];
  orderId: string;
  fulfillmentId: string | null;
}

/** One order's life in the emulator, `stepMs` apart, and every webhook it sends, in order. */
function play(kind: "cancelled" | "delivered", stepMs: number, options: { headers: boolean; dropUpdatedAt?: boolean }): Story {
  const clock = manualClock(START);
  const store = new EmulatorStore({ clock });
  store.createShop({ domain: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Madrid" });
  const product = store.addProduct(SHOP, { title: "Mug", variants: [{ price: "12.00", available: 5 }] });
  const copies: Copy[] = [];
  store.onEvent((event: StoreEvent) => {
    if (!ORDER_TOPICS.test(event.topic)) return; // stock levels, refunds: not the order's copies
    const payload = renderEventPayload(store, event);
    if (options.dropUpdatedAt && event.topic.startsWith("fulfillments/")) payload.updated_at = null;
    copies.push({ topic: event.topic, body: JSON.stringify(payload), triggeredAt: options.headers ? new Date(event.triggeredAt) : null });
  });
  const order = store.addOrder(SHOP, { email: "ada@example.com", lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 1 }] });
  let fulfillmentId: string | null = null;
  clock.advance(stepMs);
  store.updateOrder(SHOP, order.id, { note: "Gift wrap, please" });
  if (kind === "cancelled") {
    clock.advance(stepMs);
    store.cancelOrder(SHOP, { orderId: order.id, reason: "INVENTORY", restock: true, refund: true });
    store.completeAllJobs(SHOP);
  } else {
    clock.advance(stepMs);
    const parcel = store.addFulfillment(SHOP, order.id, { trackingCompany: "UPS", trackingNumber: "1ZORDER0001" });
    fulfillmentId = parcel.id;
    for (const status of ["IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"] as const) {
      clock.advance(stepMs);
      store.addFulfillmentEvent(SHOP, parcel.id, { status });
    }
  }
  return { copies, orderId: order.id, fulfillmentId };
}

const SCENARIOS = [
  { name: "a second apart, with X-Shopify-Triggered-At", stepMs: 60_000, headers: true },
  { name: "in one second, with X-Shopify-Triggered-At", stepMs: 150, headers: true },
  { name: "in one second, without X-Shopify-Triggered-At", stepMs: 150, headers: false },
  { name: "in one second, fulfilment copies without updated_at", stepMs: 150, headers: false, dropUpdatedAt: true },
  { name: "a minute apart, without triggered-at, fulfilment copies without updated_at", stepMs: 60_000, headers: false, dropUpdatedAt: true },
];

const PERMUTATIONS = 150;

describe.each(SCENARIOS)("copies $name, shuffled", ({ stepMs, headers, dropUpdatedAt }) => {
  it("a cancelled order stays cancelled: the state is the newest copy's in every arrival order", () => {
    const story = play("cancelled", stepMs, { headers, dropUpdatedAt });
    expect(story.copies.map((c) => c.topic)).toEqual(expect.arrayContaining(["orders/create", "orders/updated", "orders/cancelled"]));
    const inOrder = story.copies.reduce<Held>(apply, null);
    expect(inOrder?.state).toMatchObject({ id: story.orderId, cancelReason: "INVENTORY" });
    expect(inOrder?.state.cancelledAt).not.toBeNull();
    const next = random(12);
    const copies = [...story.copies, ...story.copies, ...story.copies];
    for (let run = 0; run < PERMUTATIONS; run++) {
      const final = shuffle(copies, next).reduce<Held>(apply, null);
      expect(final?.state, `arrival order #${run}`).toEqual(inOrder?.state);
    }
  });

  it("a delivered parcel stays delivered: the state is the newest copies' in every arrival order", () => {
    const story = play("delivered", stepMs, { headers, dropUpdatedAt });
    expect(new Set(story.copies.map((c) => c.topic))).toEqual(
      new Set(["orders/create", "orders/updated", "fulfillments/create", "fulfillments/update", "fulfillment_events/create"]),
    );
    const inOrder = story.copies.reduce<Held>(apply, null);
    const parcel = inOrder?.state.fulfillments.find((f) => f.id === story.fulfillmentId);
    expect(parcel).toMatchObject({ status: "SUCCESS", shipmentStatus: "DELIVERED", trackingNumbers: ["1ZORDER0001"] });
    expect(parcel?.deliveredAt).not.toBeNull();
    expect(parcel?.events.map((e) => e.status)).toEqual(["IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"]);
    expect(inOrder?.state.lines.map((l) => l.unfulfilledQuantity)).toEqual([0]);
    expect(inOrder?.state.name).not.toBe("");
    const next = random(34);
    const copies = [...story.copies, ...story.copies, ...story.copies];
    for (let run = 0; run < PERMUTATIONS; run++) {
      const final = shuffle(copies, next).reduce<Held>(apply, null);
      expect(final?.state, `arrival order #${run}`).toEqual(inOrder?.state);
    }
  });
});
