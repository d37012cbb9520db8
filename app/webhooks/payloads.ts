// Shopify's webhook payloads (REST-shaped), validated with zod and normalised into the
// incident domain's vocabulary. Only the fields Amends reads are checked; the rest pass.
// Ids are read as strings (see json.ts) and GIDs preferred: numeric ids exceed 2^53.
import { hash } from "node:crypto";

import { z } from "zod";

import type {
  CancelReason,
  CopyVersion,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  Gid,
  Money,
  OrderState,
} from "../incidents/model";
import { gid } from "../incidents/model";
import {
  compareEvents,
  fulfilmentRank,
  isNewerCopy,
  latestOf,
  orderProgress,
  shipmentOf,
  shipmentRank,
  timeOf,
} from "../incidents/ordering";

/**
 * A short digest of a copy's text (ordering.ts: only the last tie-break, so what matters is that
 * the same copy has the same digest everywhere, not that it is secret). The text is the body as
 * Shopify sent it where the copy is a whole body (no JSON.stringify of what was just parsed: a
 * 10 KB order took ~70 µs to write out again), and Node's SHA-1 rather than a hash written in
 * JavaScript (~10 µs for that order against ~30).
 */
function digestOf(text: string): string {
  return hash("sha1", text, "hex").slice(0, 16);
}

const id = z.union([z.string(), z.number()]).transform((value) => String(value));
const nullableString = z.string().nullish().transform((v) => v ?? null);
const money = z.object({ amount: z.union([z.string(), z.number()]).transform(String), currency_code: z.string() });
const moneySet = z.object({ shop_money: money }).passthrough();

const lineItem = z
  .object({
    id,
    admin_graphql_api_id: z.string(),
    variant_id: id.nullish(),
    title: z.string(),
    name: z.string().nullish(),
    sku: nullableString,
    quantity: z.number().int(),
    current_quantity: z.number().int().nullish(),
    fulfillable_quantity: z.number().int().nullish(),
    price: z.union([z.string(), z.number()]).transform(String),
    price_set: moneySet.nullish(),
  })
  .passthrough();

export const fulfillmentPayload = z
  .object({
    id,
    admin_graphql_api_id: z.string(),
    order_id: id,
    status: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    name: z.string().nullish(),
    tracking_company: nullableString,
    tracking_number: nullableString,
    tracking_numbers: z.array(z.string()).nullish(),
    shipment_status: nullableString,
    line_items: z.array(lineItem.partial({ title: true, price: true })).default([]),
  })
  .passthrough();
export type FulfillmentPayload = z.infer<typeof fulfillmentPayload>;

const customer = z
  .object({
    id,
    admin_graphql_api_id: z.string().nullish(),
    email: nullableString,
    first_name: nullableString,
    last_name: nullableString,
  })
  .passthrough();

export const orderPayload = z
  .object({
    id,
    admin_graphql_api_id: z.string(),
    name: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    processed_at: z.string().nullish(),
    cancelled_at: z.string().nullish(),
    cancel_reason: z.string().nullish(),
    closed_at: z.string().nullish(),
    financial_status: z.string().nullish(),
    currency: z.string(),
    total_price: z.union([z.string(), z.number()]).transform(String),
    total_price_set: moneySet.nullish(),
    email: nullableString,
    customer: customer.nullish(),
    line_items: z.array(lineItem),
    fulfillments: z.array(fulfillmentPayload.partial({ order_id: true })).default([]),
    refunds: z.array(z.object({ created_at: z.string().nullish() }).passthrough()).default([]),
  })
  .passthrough();
export type OrderPayload = z.infer<typeof orderPayload>;

export const fulfillmentEventPayload = z
  .object({
    id,
    admin_graphql_api_id: z.string().nullish(),
    fulfillment_id: id,
    order_id: id,
    status: z.string(),
    message: nullableString,
    happened_at: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    estimated_delivery_at: nullableString,
  })
  .passthrough();
export type FulfillmentEventPayload = z.infer<typeof fulfillmentEventPayload>;

export const inventoryLevelPayload = z
  .object({
    inventory_item_id: id,
    location_id: id,
    available: z.number().int().nullable(),
    updated_at: z.string().nullish(),
  })
  .passthrough();
export type InventoryLevelPayload = z.infer<typeof inventoryLevelPayload>;

export const refundPayload = z
  .object({
    id,
    admin_graphql_api_id: z.string(),
    order_id: id,
    created_at: z.string(),
    note: nullableString,
    refund_line_items: z
      .array(z.object({ line_item_id: id, quantity: z.number().int(), subtotal_set: moneySet.nullish() }).passthrough())
      .default([]),
    transactions: z
      .array(z.object({ kind: z.string(), status: z.string().nullish(), amount: z.union([z.string(), z.number()]).transform(String), currency: nullableString }).passthrough())
      .default([]),
  })
  .passthrough();
export type RefundPayload = z.infer<typeof refundPayload>;

export const scopesUpdatePayload = z
  .object({ previous: z.array(z.string()), current: z.array(z.string()), updated_at: z.string().nullish() })
  .passthrough();

const complianceCustomer = z
  .object({ id: id.nullish(), email: nullableString, phone: nullableString })
  .passthrough();

export const customerDataRequestPayload = z
  .object({
    shop_domain: z.string(),
    customer: complianceCustomer,
    orders_requested: z.array(id).default([]),
    data_request: z.object({ id }).passthrough().nullish(),
  })
  .passthrough();

export const customerRedactPayload = z
  .object({ shop_domain: z.string(), customer: complianceCustomer, orders_to_redact: z.array(id).default([]) })
  .passthrough();

export const shopRedactPayload = z.object({ shop_domain: z.string() }).passthrough();

/** shop/update: the REST shop resource. `iana_timezone` may be null (Shopify's own example
 * has it so), in which case the zone Amends holds is kept. */
export const shopUpdatePayload = z
  .object({
    name: z.string(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    iana_timezone: nullableString,
    country_code: nullableString,
    primary_locale: z.string().min(2),
    customer_email: nullableString,
    myshopify_domain: nullableString,
  })
  .passthrough();

const CANCEL_REASONS: readonly CancelReason[] = ["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"];
const EVENT_STATUSES: readonly FulfillmentEventStatus[] = [
  "LABEL_PRINTED",
  "LABEL_PURCHASED",
  "ATTEMPTED_DELIVERY",
  "READY_FOR_PICKUP",
  "PICKED_UP",
  "CONFIRMED",
  "IN_TRANSIT",
  "OUT_FOR_DELIVERY",
  "DELIVERED",
  "FAILURE",
  "DELAYED",
  "CARRIER_PICKED_UP",
];
const FULFILLMENT_STATUSES: readonly Fulfillment["status"][] = ["SUCCESS", "CANCELLED", "ERROR", "FAILURE", "OPEN", "PENDING"];

export function eventStatus(value: string | null | undefined): FulfillmentEventStatus | null {
  const upper = (value ?? "").toUpperCase() as FulfillmentEventStatus;
  return EVENT_STATUSES.includes(upper) ? upper : null;
}

function cancelReason(value: string | null | undefined): CancelReason | null {
  if (!value) return null;
  const upper = value.toUpperCase() as CancelReason;
  return CANCEL_REASONS.includes(upper) ? upper : "OTHER";
}

function moneyOf(set: z.infer<typeof moneySet> | null | undefined, amount: string, currency: string): Money {
  return set ? { amount: set.shop_money.amount, currencyCode: set.shop_money.currency_code } : { amount, currencyCode: currency };
}

const PAID = new Set(["paid", "partially_paid", "partially_refunded", "refunded", "authorized"]);

type FulfillmentCopy = z.infer<typeof fulfillmentPayload> | z.infer<ReturnType<typeof fulfillmentPayload.partial>>;

function fulfillmentStatus(payload: FulfillmentCopy): Fulfillment["status"] {
  const status = (payload.status ?? "").toUpperCase() as Fulfillment["status"];
  return FULFILLMENT_STATUSES.includes(status) ? status : "PENDING";
}

/**
 * Where a fulfilment copy stands (ordering.ts). `triggeredAt` is its delivery's
 * X-Shopify-Triggered-At — an order copy's for the fulfilments it carries: a payload is the
 * state at the time of its event.
 */
export function fulfillmentCopyVersion(payload: FulfillmentCopy, triggeredAt: Date | null, text: string): CopyVersion {
  return {
    triggeredAt: timeOf(triggeredAt),
    updatedAt: timeOf(payload.updated_at),
    occurredAt: latestOf([payload.created_at, payload.updated_at]),
    progress: [fulfilmentRank(fulfillmentStatus(payload)), shipmentRank(eventStatus(payload.shipment_status))],
    digest: digestOf(text),
  };
}

/**
 * A fulfilment copy merged into what Amends holds: its status, tracking and lines replace the
 * held ones only if the copy is newer; the shipment status it reports competes with the
 * carrier events heard (ordering.ts, shipmentOf); events are kept.
 */
export function normaliseFulfillment(payload: FulfillmentCopy, previous: Fulfillment | undefined, version: CopyVersion): Fulfillment {
  const shipmentStatus = eventStatus(payload.shipment_status);
  const trackingNumbers = payload.tracking_numbers ?? (payload.tracking_number ? [payload.tracking_number] : []);
  const copy = isNewerCopy(version, previous?.version);
  const base: Fulfillment =
    copy || !previous
      ? {
          id: payload.admin_graphql_api_id ?? previous?.id ?? "",
          status: fulfillmentStatus(payload),
          createdAt: payload.created_at ?? previous?.createdAt ?? new Date(0).toISOString(),
          trackingCompany: payload.tracking_company ?? previous?.trackingCompany ?? null,
          trackingNumbers: trackingNumbers.length ? trackingNumbers : (previous?.trackingNumbers ?? []),
          shipmentStatus: previous?.shipmentStatus ?? null,
          estimatedDeliveryAt: previous?.estimatedDeliveryAt ?? null,
          deliveredAt: previous?.deliveredAt ?? null,
          events: previous?.events ?? [],
          lines: (payload.line_items ?? []).map((line) => ({ lineItemId: line.admin_graphql_api_id, quantity: line.quantity })),
          ...(payload.updated_at ? { updatedAt: payload.updated_at } : {}),
          version,
          ...(previous?.reported ? { reported: previous.reported } : {}),
        }
      : previous;
  // The reported status is ranked by the status alone, as the events it competes with are.
  const reportedVersion = { ...version, progress: [shipmentRank(shipmentStatus)] };
  const reported =
    shipmentStatus && isNewerCopy(reportedVersion, base.reported?.version)
      ? { status: shipmentStatus, at: payload.updated_at ?? null, version: reportedVersion }
      : base.reported;
  if (!copy && reported === base.reported) return base;
  const next = { ...base, ...(reported ? { reported } : {}) };
  return { ...next, ...shipmentOf(next) };
}

/** Fulfilments in the order they were created (then by id), whatever order they were heard in. */
export function inOrder(fulfillments: Fulfillment[]): Fulfillment[] {
  const at = (f: Fulfillment) => timeOf(f.createdAt) ?? 0;
  return fulfillments.sort((a, b) => at(a) - at(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The order as Amends keeps it. Fulfilment events already heard are carried over from
 * `previous`, since order payloads do not repeat them. */
export function normaliseOrder(payload: OrderPayload, previous: OrderState | undefined, triggeredAt: Date | null): OrderState {
  const previousFulfillments = new Map(previous?.fulfillments.map((f) => [f.id, f]));
  const customerRecord = payload.customer;
  return {
    id: payload.admin_graphql_api_id,
    name: payload.name,
    createdAt: payload.created_at,
    paidAt: PAID.has(payload.financial_status ?? "") ? (payload.processed_at ?? payload.created_at) : null,
    cancelledAt: payload.cancelled_at ?? null,
    cancelReason: payload.cancelled_at ? cancelReason(payload.cancel_reason) : null,
    email: payload.email,
    customer: customerRecord
      ? {
          id: customerRecord.admin_graphql_api_id ?? gid("Customer", customerRecord.id),
          email: customerRecord.email ?? payload.email,
          firstName: customerRecord.first_name,
          lastName: customerRecord.last_name,
        }
      : null,
    lines: payload.line_items.map((line) => ({
      id: line.admin_graphql_api_id,
      variantId: line.variant_id ? gid("ProductVariant", line.variant_id) : null,
      title: line.title,
      sku: line.sku,
      // A cancel with restock sets current_quantity to 0; the cancelled items are still what
      // the customer ordered (and what a stock-out incident is about).
      quantity: payload.cancelled_at ? line.quantity : (line.current_quantity ?? line.quantity),
      unfulfilledQuantity: line.fulfillable_quantity ?? line.quantity,
      unitPrice: moneyOf(line.price_set, line.price, payload.currency),
    })),
    // Each fulfilment the copy carries is itself a copy: one Amends heard of more recently (by
    // its own webhook) stays as it is. One the copy does not carry is kept: none is deleted.
    fulfillments: inOrder([
      ...payload.fulfillments.map((f) =>
        normaliseFulfillment(f, previousFulfillments.get(f.admin_graphql_api_id ?? ""), fulfillmentCopyVersion(f, triggeredAt, JSON.stringify(f))),
      ),
      ...(previous?.fulfillments ?? []).filter((f) => !payload.fulfillments.some((c) => c.admin_graphql_api_id === f.id)),
    ]),
    totalPrice: moneyOf(payload.total_price_set, payload.total_price, payload.currency),
  };
}

/** Where an order copy stands (ordering.ts); `triggeredAt` is its delivery's X-Shopify-Triggered-At,
 * `body` its body as Shopify sent it. */
export function orderCopyVersion(payload: OrderPayload, triggeredAt: Date | null, body: string): CopyVersion {
  return {
    triggeredAt: timeOf(triggeredAt),
    updatedAt: timeOf(payload.updated_at),
    occurredAt: latestOf([
      payload.created_at,
      payload.processed_at,
      payload.cancelled_at,
      payload.closed_at,
      ...payload.refunds.map((r) => r.created_at),
      ...payload.fulfillments.flatMap((f) => [f.created_at, f.updated_at]),
    ]),
    progress: orderProgress({
      cancelled: Boolean(payload.cancelled_at),
      refunds: payload.refunds.length,
      fulfillments: payload.fulfillments.map((f) => ({ status: fulfillmentStatus(f), shipmentStatus: eventStatus(f.shipment_status) })),
      removedUnits: payload.line_items.reduce((sum, l) => sum + Math.max(0, l.quantity - (l.current_quantity ?? l.quantity)), 0),
    }),
    digest: digestOf(body),
  };
}

/**
 * An order copy applied to what Amends holds, or null when it is not newer than the copy held
 * (older, the same, or a tie Shopify's ordering settles against it): nothing is rolled back.
 */
export function applyOrderCopy(
  held: { state: OrderState; copyVersion: CopyVersion | null } | null,
  payload: OrderPayload,
  triggeredAt: Date | null,
  body: string,
): { state: OrderState; copyVersion: CopyVersion } | null {
  const copyVersion = orderCopyVersion(payload, triggeredAt, body);
  if (held && !isNewerCopy(copyVersion, held.copyVersion)) return null;
  return { state: normaliseOrder(payload, held?.state, triggeredAt), copyVersion };
}

/** A carrier event; `triggeredAt` is its delivery's X-Shopify-Triggered-At, `body` its body. */
export function normaliseEvent(payload: FulfillmentEventPayload, triggeredAt: Date | null, body: string): FulfillmentEvent | null {
  const status = eventStatus(payload.status);
  if (!status) return null;
  return {
    id: payload.admin_graphql_api_id ?? gid("FulfillmentEvent", payload.id),
    status,
    happenedAt: payload.happened_at ?? payload.created_at,
    message: payload.message,
    estimatedDeliveryAt: payload.estimated_delivery_at,
    version: {
      triggeredAt: timeOf(triggeredAt),
      updatedAt: timeOf(payload.updated_at),
      // When Shopify recorded it (a carrier may report an event that happened earlier): what a
      // fulfilment copy's own timestamps are compared with.
      occurredAt: latestOf([payload.created_at, payload.happened_at]),
      progress: [shipmentRank(status)],
      digest: digestOf(body),
    },
  };
}

/**
 * Applies a carrier event to the order's fulfilment: its latest status, estimate, delivery.
 * An event that outran its fulfilment's own webhook is kept on a placeholder fulfilment; the
 * same state when the event was heard already.
 */
export function applyEvent(order: OrderState, fulfillmentId: Gid, event: FulfillmentEvent): OrderState {
  const held = order.fulfillments.find((f) => f.id === fulfillmentId) ?? placeholder(fulfillmentId, event);
  if (held.events.some((e) => e.id === event.id)) return order;
  const next = { ...held, events: [...held.events, event].sort(compareEvents) };
  return {
    ...order,
    fulfillments: inOrder([...order.fulfillments.filter((f) => f.id !== fulfillmentId), { ...next, ...shipmentOf(next) }]),
  };
}

function placeholder(id: Gid, event: FulfillmentEvent): Fulfillment {
  return {
    id,
    status: "SUCCESS",
    createdAt: event.happenedAt,
    trackingCompany: null,
    trackingNumbers: [],
    shipmentStatus: null,
    estimatedDeliveryAt: null,
    deliveredAt: null,
    events: [],
    lines: [],
  };
}

/** Adds or replaces one fulfilment in the order's state (`body`: the delivery's, the copy's text);
 * the same state when the copy is older. */
export function applyFulfillment(order: OrderState, payload: FulfillmentPayload, triggeredAt: Date | null, body: string): OrderState {
  const existing = order.fulfillments.find((f) => f.id === payload.admin_graphql_api_id);
  const next = normaliseFulfillment(payload, existing, fulfillmentCopyVersion(payload, triggeredAt, body));
  if (next === existing) return order; // an older copy of this fulfilment
  const fulfillments = inOrder([...order.fulfillments.filter((f) => f.id !== next.id), next]);
  // Only a copy's lines and status change what is fulfilled; its shipment status does not.
  if (existing && next.version === existing.version) return { ...order, fulfillments };
  const fulfilled = new Map<Gid, number>();
  for (const f of fulfillments) {
    if (f.status === "CANCELLED" || f.status === "ERROR" || f.status === "FAILURE") continue;
    for (const line of f.lines) fulfilled.set(line.lineItemId, (fulfilled.get(line.lineItemId) ?? 0) + line.quantity);
  }
  return {
    ...order,
    fulfillments,
    // Order payloads carry fulfillable_quantity; between them, derive it from fulfilments.
    lines: order.lines.map((line) => ({
      ...line,
      unfulfilledQuantity: Math.max(0, line.quantity - (fulfilled.get(line.id) ?? 0)),
    })),
  };
}
