// Shopify's webhook payloads (REST-shaped), validated with zod and normalised into the
// incident domain's vocabulary. Only the fields Amends reads are checked; the rest pass.
// Ids are read as strings (see json.ts) and GIDs preferred: numeric ids exceed 2^53.
import { z } from "zod";

import type {
  CancelReason,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  Gid,
  Money,
  OrderState,
} from "../incidents/model";
import { gid } from "../incidents/model";

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
    financial_status: z.string().nullish(),
    currency: z.string(),
    total_price: z.union([z.string(), z.number()]).transform(String),
    total_price_set: moneySet.nullish(),
    email: nullableString,
    customer: customer.nullish(),
    line_items: z.array(lineItem),
    fulfillments: z.array(fulfillmentPayload.partial({ order_id: true })).default([]),
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

export function normaliseFulfillment(
  payload: z.infer<typeof fulfillmentPayload> | z.infer<ReturnType<typeof fulfillmentPayload.partial>>,
  previous?: Fulfillment,
): Fulfillment {
  const shipmentStatus = eventStatus(payload.shipment_status) ?? previous?.shipmentStatus ?? null;
  const status = (payload.status ?? "").toUpperCase() as Fulfillment["status"];
  const trackingNumbers = payload.tracking_numbers ?? (payload.tracking_number ? [payload.tracking_number] : []);
  return {
    id: payload.admin_graphql_api_id ?? "",
    status: FULFILLMENT_STATUSES.includes(status) ? status : "PENDING",
    createdAt: payload.created_at ?? previous?.createdAt ?? new Date(0).toISOString(),
    trackingCompany: payload.tracking_company ?? previous?.trackingCompany ?? null,
    trackingNumbers: trackingNumbers.length ? trackingNumbers : (previous?.trackingNumbers ?? []),
    shipmentStatus,
    estimatedDeliveryAt: previous?.estimatedDeliveryAt ?? null,
    deliveredAt:
      previous?.deliveredAt ?? (shipmentStatus === "DELIVERED" ? (payload.updated_at ?? null) : null),
    events: previous?.events ?? [],
    lines: (payload.line_items ?? []).map((line) => ({ lineItemId: line.admin_graphql_api_id, quantity: line.quantity })),
    ...(payload.updated_at ? { updatedAt: payload.updated_at } : {}),
  };
}

/** The order as Amends keeps it. Fulfilment events already heard are carried over from
 * `previous`, since order payloads do not repeat them. */
export function normaliseOrder(payload: OrderPayload, previous?: OrderState): OrderState {
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
    fulfillments: payload.fulfillments.map((f) => {
      const known = previousFulfillments.get(f.admin_graphql_api_id ?? "");
      // A fulfilment Amends heard of more recently than this order copy stays as it is.
      if (known?.updatedAt && f.updated_at && Date.parse(known.updatedAt) > Date.parse(f.updated_at)) return known;
      return normaliseFulfillment(f, known);
    }),
    totalPrice: moneyOf(payload.total_price_set, payload.total_price, payload.currency),
  };
}

export function normaliseEvent(payload: FulfillmentEventPayload): FulfillmentEvent | null {
  const status = eventStatus(payload.status);
  if (!status) return null;
  return {
    id: payload.admin_graphql_api_id ?? gid("FulfillmentEvent", payload.id),
    status,
    happenedAt: payload.happened_at ?? payload.created_at,
    message: payload.message,
    estimatedDeliveryAt: payload.estimated_delivery_at,
  };
}

/** Applies a carrier event to the order's fulfilment: its latest status, estimate, delivery. */
export function applyEvent(order: OrderState, fulfillmentId: Gid, event: FulfillmentEvent): OrderState {
  return {
    ...order,
    fulfillments: order.fulfillments.map((f) => {
      if (f.id !== fulfillmentId || f.events.some((e) => e.id === event.id)) return f;
      const events = [...f.events, event].sort((a, b) => a.happenedAt.localeCompare(b.happenedAt));
      const latest = events[events.length - 1] ?? event;
      // The newest estimate by when the carrier made it, not by when its webhook arrived.
      const estimate = events.filter((e) => e.estimatedDeliveryAt).at(-1)?.estimatedDeliveryAt;
      return {
        ...f,
        events,
        shipmentStatus: latest.status,
        estimatedDeliveryAt: estimate ?? f.estimatedDeliveryAt,
        deliveredAt: event.status === "DELIVERED" ? event.happenedAt : f.deliveredAt,
      };
    }),
  };
}

/** Adds or replaces one fulfilment in the order's state. */
export function applyFulfillment(order: OrderState, payload: FulfillmentPayload): OrderState {
  const existing = order.fulfillments.find((f) => f.id === payload.admin_graphql_api_id);
  if (existing?.updatedAt && payload.updated_at && Date.parse(existing.updatedAt) > Date.parse(payload.updated_at)) {
    return order; // an older copy of this fulfilment
  }
  const next = normaliseFulfillment(payload, existing);
  const fulfilled = new Map<Gid, number>();
  const others = order.fulfillments.filter((f) => f.id !== next.id);
  for (const f of [...others, next]) {
    if (f.status === "CANCELLED" || f.status === "ERROR" || f.status === "FAILURE") continue;
    for (const line of f.lines) fulfilled.set(line.lineItemId, (fulfilled.get(line.lineItemId) ?? 0) + line.quantity);
  }
  return {
    ...order,
    fulfillments: [...others, next],
    // Order payloads carry fulfillable_quantity; between them, derive it from fulfilments.
    lines: order.lines.map((line) => ({
      ...line,
      unfulfilledQuantity: Math.max(0, line.quantity - (fulfilled.get(line.id) ?? 0)),
    })),
  };
}
