// State never goes back in time, whatever order Shopify's copies arrive in. The emulator's store
// plays an order's life — placed, edited, cancelled; a parcel shipped, in transit, out for
// delivery, delivered — and renders every webhook Shopify would send for it. Those copies,
// duplicated and shuffled many times over (a fixed seed), are applied through the same pure
// functions the handlers use: every arrival order must end in the state the copies in their
// true order give, and that state must be the newest copy's. Same-second changes, copies without
// X-Shopify-Triggered-At and copies without updated_at are each played.
import { describe, expect, it } from "vitest";

import type { CopyVersion, OrderState } from "../app/incidents/model";
import { parseShopifyJson } from "../app/webhooks/json";
import {
  applyEvent,
  applyFulfillment,
  applyOrderCopy,
  fulfillmentEventPayload,
  fulfillmentPayload,
  normaliseEvent,
  orderPayload,
} from "../app/webhooks/payloads";
import { gid } from "../app/incidents/model";
import type { StoreEvent } from "./shopify-emulator";
import { EmulatorStore, manualClock, renderEventPayload } from "./shopify-emulator";

const SHOP = "ordering.myshopify.com";
const START = Date.UTC(2026, 10, 20, 10);

interface Copy {
  topic: string;
  body: string;
  triggeredAt: Date | null;
}

type Held = { state: OrderState; copyVersion: CopyVersion | null } | null;

const parsed = new Map<string, unknown>();

/** A copy's body read as the handlers read it (once: the same copy comes many times). */
function read<T>(copy: Copy, schema: { parse(raw: unknown): T }): T {
  const known = parsed.get(copy.body) as T | undefined;
  if (known) return known;
  const payload = schema.parse(parseShopifyJson(copy.body));
  parsed.set(copy.body, payload);
  return payload;
}

/** What the handlers do with one copy, without the database. */
function apply(held: Held, copy: Copy): Held {
  if (copy.topic.startsWith("orders/")) {
    const applied = applyOrderCopy(held, read(copy, orderPayload), copy.triggeredAt);
    return applied ?? held;
  }
  const state: OrderState = held?.state ?? {
    id: "",
    name: "",
    createdAt: new Date(0).toISOString(),
    paidAt: null,
    cancelledAt: null,
    cancelReason: null,
    customer: null,
    lines: [],
    fulfillments: [],
    totalPrice: { amount: "0.00", currencyCode: "EUR" },
  };
  if (copy.topic.startsWith("fulfillments/")) {
    const payload = read(copy, fulfillmentPayload);
    return { state: applyFulfillment({ ...state, id: gid("Order", payload.order_id) }, payload, copy.triggeredAt), copyVersion: held?.copyVersion ?? null };
  }
  const payload = read(copy, fulfillmentEventPayload);
  const event = normaliseEvent(payload, copy.triggeredAt);
  if (!event) throw new Error(`unknown status ${payload.status}`);
  return { state: applyEvent({ ...state, id: gid("Order", payload.order_id) }, gid("Fulfillment", payload.fulfillment_id), event), copyVersion: held?.copyVersion ?? null };
}

/** A small, seeded generator (mulberry32): the same shuffles on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

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
    if (!/^(orders|fulfillments|fulfillment_events)\//.test(event.topic)) return; // stock levels, refunds: not the order's copies
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
