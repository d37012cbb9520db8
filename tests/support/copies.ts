// What the webhook handlers make of an order's copies, without the database: the same pure
// functions (app/webhooks/payloads.ts), folded over copies in a given order. The reference the
// ordering tests hold Amends' stored state to: the copies in the order Shopify made them.
import type { CopyVersion, OrderState } from "../../app/incidents/model";
import { gid } from "../../app/incidents/model";
import { parseShopifyJson } from "../../app/webhooks/json";
import {
  applyEvent,
  applyFulfillment,
  applyOrderCopy,
  fulfillmentEventPayload,
  fulfillmentPayload,
  normaliseEvent,
  orderPayload,
} from "../../app/webhooks/payloads";

export interface Copy {
  topic: string;
  body: string;
  /** X-Shopify-Triggered-At; null for a delivery without it. */
  triggeredAt: Date | null;
}

export type Held = { state: OrderState; copyVersion: CopyVersion | null } | null;

/** Topics whose copies make an order's state. */
export const ORDER_TOPICS = /^(orders|fulfillments|fulfillment_events)\//;

const parsed = new Map<string, unknown>();

/** A copy's body read as the handlers read it (once: the same copy comes many times). */
function read<T>(copy: Copy, schema: { parse(raw: unknown): T }): T {
  const key = `${copy.topic} ${copy.body}`;
  const known = parsed.get(key) as T | undefined;
  if (known) return known;
  const payload = schema.parse(parseShopifyJson(copy.body));
  parsed.set(key, payload);
  return payload;
}

/** The order a copy is about. */
export function orderOf(copy: Copy): string {
  if (copy.topic.startsWith("orders/")) return read(copy, orderPayload).admin_graphql_api_id;
  if (copy.topic.startsWith("fulfillments/")) return gid("Order", read(copy, fulfillmentPayload).order_id);
  return gid("Order", read(copy, fulfillmentEventPayload).order_id);
}

/** What the handlers do with one copy of an order, a fulfilment or a carrier event. */
export function applyCopy(held: Held, copy: Copy): Held {
  if (copy.topic.startsWith("orders/")) return applyOrderCopy(held, read(copy, orderPayload), copy.triggeredAt, copy.body) ?? held;
  const placeholder = (id: string): OrderState => ({
    id,
    name: "",
    createdAt: new Date(0).toISOString(),
    paidAt: null,
    cancelledAt: null,
    cancelReason: null,
    customer: null,
    lines: [],
    fulfillments: [],
    totalPrice: { amount: "0.00", currencyCode: "EUR" },
  });
  const orderId = orderOf(copy);
  const state = held?.state ?? placeholder(orderId);
  const copyVersion = held?.copyVersion ?? null;
  if (copy.topic.startsWith("fulfillments/")) {
    return { state: applyFulfillment(state, read(copy, fulfillmentPayload), copy.triggeredAt, copy.body), copyVersion };
  }
  const payload = read(copy, fulfillmentEventPayload);
  const event = normaliseEvent(payload, copy.triggeredAt, copy.body);
  if (!event) return held;
  return { state: applyEvent(state, gid("Fulfillment", payload.fulfillment_id), event), copyVersion };
}

/** A small, seeded generator (mulberry32): the same shuffles on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
