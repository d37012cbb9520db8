// REST-shaped webhook bodies rendered from emulator records. Each starts from Shopify's
// documented example payload (fixtures module) so fields the emulator does not model keep
// Shopify's documented shape, and every id the app keys on is the emulator's real one.
import type {
  AddressWebhook,
  CustomerWebhook,
  FulfillmentEventWebhook,
  FulfillmentWebhook,
  InventoryLevelWebhook,
  LineItemWebhook,
  MoneySet,
  OrderWebhook,
  RefundWebhook,
  ShopUpdateWebhook,
  TransactionWebhook,
} from "../fixtures/webhooks";
import {
  documentedPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  inventoryLevelPayload,
  orderPayload,
  refundPayload,
} from "../fixtures/webhooks";
import type {
  Address,
  CustomerRecord,
  EmulatorStore,
  FulfillmentRecord,
  LineItemRecord,
  OrderRecord,
  RefundRecord,
  ShopState,
  StoreEvent,
  TransactionRecord,
} from "./store";
import { financialStatus, fulfillmentDisplayStatus, lineItemState, orderTotals } from "./store";
import { formatCents, legacyId } from "./util";

/**
 * A REST payload's timestamp. Shopify writes them to the second ("2026-11-20T10:00:00-05:00"):
 * two changes in one second carry the same updated_at, which is why apps must order copies by
 * X-Shopify-Triggered-At first (shopify.dev, "About webhooks"). The emulator is no more precise.
 */
function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function moneySet(cents: number, currency: string): MoneySet {
  const m = { amount: formatCents(cents, currency), currency_code: currency };
  return { shop_money: m, presentment_money: { ...m } };
}

function addressPayload(a: Address | null): AddressWebhook | null {
  if (!a) return null;
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    province_code: a.provinceCode,
    country: a.country,
    country_code: a.countryCode,
    zip: a.zip,
    phone: a.phone,
    company: a.company,
    latitude: null,
    longitude: null,
  };
}

function customerPayload(c: CustomerRecord, currency: string): CustomerWebhook {
  return {
    id: legacyId(c.id),
    admin_graphql_api_id: c.id,
    first_name: c.firstName,
    last_name: c.lastName,
    email: c.email,
    phone: c.phone,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    state: "enabled",
    note: c.note,
    verified_email: true,
    tax_exempt: false,
    currency,
    tags: c.tags.join(", "),
    default_address: c.address
      ? { ...addressPayload(c.address), customer_id: legacyId(c.id), default: true }
      : null,
  };
}

function lineItemPayload(
  order: OrderRecord,
  li: LineItemRecord,
  currency: string,
): LineItemWebhook {
  const state = lineItemState(order, li);
  return {
    id: legacyId(li.id),
    admin_graphql_api_id: li.id,
    variant_id: li.variantId ? legacyId(li.variantId) : null,
    product_id: li.productId ? legacyId(li.productId) : null,
    title: li.title,
    name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
    variant_title: li.variantTitle,
    vendor: li.vendor,
    sku: li.sku,
    quantity: li.quantity,
    current_quantity: state.currentQuantity,
    fulfillable_quantity: state.unfulfilledQuantity,
    fulfillment_status:
      state.fulfilledQuantity === 0
        ? null
        : state.unfulfilledQuantity === 0
          ? "fulfilled"
          : "partial",
    fulfillment_service: "manual",
    price: formatCents(li.priceCents, currency),
    price_set: moneySet(li.priceCents, currency),
    total_discount: formatCents(0, currency),
    total_discount_set: moneySet(0, currency),
    requires_shipping: li.requiresShipping,
    product_exists: li.productId !== null,
    gift_card: false,
    taxable: true,
    grams: 0,
    properties: [],
    tax_lines: [],
    duties: [],
    discount_allocations: [],
    attributed_staffs: [],
  };
}

function transactionPayload(t: TransactionRecord, currency: string): TransactionWebhook {
  return {
    id: legacyId(t.id),
    admin_graphql_api_id: t.id,
    order_id: legacyId(t.orderId),
    kind: t.kind.toLowerCase(),
    gateway: t.gateway,
    status: t.status.toLowerCase(),
    amount: formatCents(t.amountCents, currency),
    currency,
    created_at: iso(t.createdAt),
    processed_at: iso(t.createdAt),
    parent_id: t.parentId ? legacyId(t.parentId) : null,
    test: false,
  };
}

export function renderFulfillment(
  shop: ShopState,
  order: OrderRecord,
  f: FulfillmentRecord,
): FulfillmentWebhook {
  const cur = shop.currencyCode;
  const last = f.events[f.events.length - 1];
  const base = fulfillmentPayload();
  return {
    ...base,
    id: legacyId(f.id),
    admin_graphql_api_id: f.id,
    order_id: legacyId(order.id),
    name: f.name,
    status: f.status.toLowerCase(),
    shipment_status: last ? last.status.toLowerCase() : null,
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
    tracking_company: f.trackingCompany,
    tracking_number: f.trackingNumber,
    tracking_numbers: f.trackingNumber ? [f.trackingNumber] : [],
    tracking_url: f.trackingUrl,
    tracking_urls: f.trackingUrl ? [f.trackingUrl] : [],
    email: order.email,
    destination: addressPayload(order.shippingAddress),
    location_id: f.locationId ? legacyId(f.locationId) : null,
    line_items: f.lineItems.map((fl) => {
      const li = order.lineItems.find((x) => x.id === fl.lineItemId);
      if (!li) throw new Error(`Dangling fulfillment line ${fl.id}`);
      return { ...lineItemPayload(order, li, cur), quantity: fl.quantity };
    }),
    display_status: fulfillmentDisplayStatus(f).toLowerCase(),
  };
}

export function renderRefund(shop: ShopState, order: OrderRecord, r: RefundRecord): RefundWebhook {
  const cur = shop.currencyCode;
  const base = refundPayload();
  return {
    ...base,
    id: legacyId(r.id),
    admin_graphql_api_id: r.id,
    order_id: legacyId(order.id),
    created_at: iso(r.createdAt),
    processed_at: iso(r.createdAt),
    note: r.note,
    restock: r.restock,
    user_id: null,
    refund_line_items: r.lineItems.map((rl) => {
      const li = order.lineItems.find((x) => x.id === rl.lineItemId);
      if (!li) throw new Error(`Dangling refund line ${rl.id}`);
      return {
        id: legacyId(rl.id),
        line_item_id: legacyId(li.id),
        quantity: rl.quantity,
        restock_type: rl.restockType.toLowerCase(),
        location_id: null,
        subtotal: rl.subtotalCents / 100,
        subtotal_set: moneySet(rl.subtotalCents, cur),
        total_tax: 0,
        total_tax_set: moneySet(0, cur),
        line_item: lineItemPayload(order, li, cur),
      };
    }),
    transactions: order.transactions
      .filter((t) => r.transactionIds.includes(t.id))
      .map((t) => transactionPayload(t, cur)),
    order_adjustments: [],
    refund_shipping_lines:
      r.shippingCents > 0
        ? [
            {
              id: legacyId(r.id),
              shipping_line_id: order.shippingLines[0] ? legacyId(order.shippingLines[0].id) : null,
              subtotal_amount_set: moneySet(r.shippingCents, cur),
            },
          ]
        : [],
  };
}

export function renderOrder(shop: ShopState, order: OrderRecord): OrderWebhook {
  const cur = shop.currencyCode;
  const t = orderTotals(order);
  const customer = order.customerId ? shop.customers.get(order.customerId) : undefined;
  const fin = financialStatus(order).toLowerCase();
  const states = order.lineItems.map((li) => lineItemState(order, li));
  const fulfilled = states.reduce((s, x) => s + x.fulfilledQuantity, 0);
  const unfulfilled = states.reduce((s, x) => s + x.unfulfilledQuantity, 0);
  const base = orderPayload();
  return {
    ...base,
    id: legacyId(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    number: order.number - 1000,
    order_number: order.number,
    email: order.email,
    contact_email: order.email,
    phone: order.phone,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
    processed_at: iso(order.processedAt),
    cancelled_at: order.cancelledAt === null ? null : iso(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: order.closedAt === null ? null : iso(order.closedAt),
    financial_status: fin,
    fulfillment_status: fulfilled === 0 ? null : unfulfilled === 0 ? "fulfilled" : "partial",
    currency: cur,
    presentment_currency: cur,
    total_price: formatCents(t.totalCents, cur),
    total_price_set: moneySet(t.totalCents, cur),
    subtotal_price: formatCents(t.subtotalCents - t.discountCents, cur),
    subtotal_price_set: moneySet(t.subtotalCents - t.discountCents, cur),
    total_line_items_price: formatCents(t.subtotalCents, cur),
    total_line_items_price_set: moneySet(t.subtotalCents, cur),
    total_discounts: formatCents(t.discountCents, cur),
    total_discounts_set: moneySet(t.discountCents, cur),
    total_shipping_price_set: moneySet(t.shippingCents, cur),
    current_total_price: formatCents(t.currentTotalCents, cur),
    current_total_price_set: moneySet(t.currentTotalCents, cur),
    current_subtotal_price: formatCents(t.subtotalCents - t.discountCents, cur),
    current_subtotal_price_set: moneySet(t.subtotalCents - t.discountCents, cur),
    current_total_discounts: formatCents(t.discountCents, cur),
    current_total_discounts_set: moneySet(t.discountCents, cur),
    current_total_tax: formatCents(0, cur),
    current_total_tax_set: moneySet(0, cur),
    total_tax: formatCents(0, cur),
    total_tax_set: moneySet(0, cur),
    total_outstanding: formatCents(order.paymentPending ? t.totalCents - t.receivedCents : 0, cur),
    tags: order.tags.join(", "),
    note: order.note,
    test: order.test,
    source_name: order.sourceName,
    discount_codes: order.discountCodes.map((code) => ({
      code,
      amount: formatCents(t.discountCents, cur),
      type: "fixed_amount",
    })),
    discount_applications: [],
    payment_gateway_names: [...new Set(order.transactions.map((x) => x.gateway))],
    order_status_url: `https://${shop.domain}/${legacyId(shop.id)}/orders/${legacyId(order.id)}/authenticate?key=emulator`,
    customer: customer ? customerPayload(customer, cur) : null,
    shipping_address: addressPayload(order.shippingAddress),
    billing_address: addressPayload(order.billingAddress),
    line_items: order.lineItems.map((li) => lineItemPayload(order, li, cur)),
    fulfillments: order.fulfillments.map((f) => renderFulfillment(shop, order, f)),
    refunds: order.refunds.map((r) => renderRefund(shop, order, r)),
    shipping_lines: order.shippingLines.map((l) => ({
      id: legacyId(l.id),
      title: l.title,
      code: l.title,
      source: "shopify",
      price: formatCents(l.priceCents, cur),
      price_set: moneySet(l.priceCents, cur),
      discounted_price: formatCents(l.priceCents, cur),
      discounted_price_set: moneySet(l.priceCents, cur),
      carrier_identifier: null,
      requested_fulfillment_service_id: null,
      is_removed: false,
      phone: null,
      tax_lines: [],
      discount_allocations: [],
    })),
    returns: [],
    line_item_groups: [],
    payment_terms: null,
  };
}

/** shop/update's body: Shopify's documented shape with the shop's own profile. */
export function renderShop(shop: ShopState): ShopUpdateWebhook {
  return {
    ...documentedPayload("shop/update"),
    id: legacyId(shop.id),
    name: shop.name,
    email: shop.email,
    customer_email: shop.email,
    domain: shop.domain,
    myshopify_domain: shop.domain,
    country: shop.countryCode,
    country_code: shop.countryCode,
    currency: shop.currencyCode,
    enabled_presentment_currencies: [shop.currencyCode],
    iana_timezone: shop.ianaTimezone,
    primary_locale: shop.primaryLocale,
  };
}

/** The webhook body Shopify would send for a store event. */
export function renderEventPayload(
  store: EmulatorStore,
  event: StoreEvent,
): Record<string, unknown> {
  const shop = store.shop(event.shop);
  const s = event.subject;
  switch (s.kind) {
    case "raw":
      return s.payload;
    case "order":
      return renderOrder(shop, store.order(event.shop, s.orderId));
    case "refund": {
      const order = store.order(event.shop, s.orderId);
      const refund = order.refunds.find((r) => r.id === s.refundId);
      if (!refund) throw new Error(`Unknown refund ${s.refundId}`);
      return renderRefund(shop, order, refund);
    }
    case "fulfillment": {
      const { order, fulfillment } = store.fulfillment(event.shop, s.fulfillmentId);
      return renderFulfillment(shop, order, fulfillment);
    }
    case "fulfillmentEvent": {
      const { order, fulfillment } = store.fulfillment(event.shop, s.fulfillmentId);
      const e = fulfillment.events.find((x) => x.id === s.eventId);
      if (!e) throw new Error(`Unknown fulfillment event ${s.eventId}`);
      const payload: FulfillmentEventWebhook = {
        ...fulfillmentEventPayload(),
        id: legacyId(e.id),
        admin_graphql_api_id: e.id,
        fulfillment_id: legacyId(fulfillment.id),
        order_id: legacyId(order.id),
        shop_id: legacyId(shop.id),
        status: e.status.toLowerCase(),
        message: e.message,
        happened_at: iso(e.happenedAt),
        estimated_delivery_at: e.estimatedDeliveryAt === null ? null : iso(e.estimatedDeliveryAt),
        created_at: iso(e.createdAt),
        updated_at: iso(e.createdAt),
        city: e.city,
        province: e.province,
        country: e.country,
        zip: e.zip,
      };
      return payload;
    }
    case "shop":
      return renderShop(shop);
    case "inventoryLevel": {
      const variant = store.variant(event.shop, s.variantId);
      const level = variant.levels.find((l) => l.locationId === s.locationId);
      if (!level) throw new Error(`No level for ${variant.id} at ${s.locationId}`);
      const payload: InventoryLevelWebhook = {
        ...inventoryLevelPayload(),
        inventory_item_id: legacyId(variant.inventoryItemId),
        location_id: legacyId(level.locationId),
        available: level.available,
        updated_at: iso(level.updatedAt),
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${legacyId(level.locationId)}?inventory_item_id=${legacyId(variant.inventoryItemId)}`,
      };
      return payload;
    }
  }
}
