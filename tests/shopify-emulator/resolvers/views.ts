// Views: store records rendered as Admin GraphQL objects. Only fields listed here resolve; any
// other field the app selects fails loudly (see core.ts).
import type {
  Address,
  CustomerRecord,
  DiscountRecord,
  DraftOrderRecord,
  FulfillmentEventRecord,
  FulfillmentRecord,
  JobRecord,
  LineItemRecord,
  LocationRecord,
  OrderRecord,
  RefundRecord,
  ShopState,
  TransactionRecord,
  VariantRecord,
} from "../store";
import {
  draftTotals,
  financialStatus,
  fulfillmentDisplayStatus,
  fulfillmentStatus,
  lineItemState,
  orderTotals,
} from "../store";
import { formatCents, iso, legacyId, toCents } from "../util";
import type { Args, ResolverContext, View } from "./core";
import { connection, money, moneyBag } from "./core";
import { orderReturns } from "../returns";

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function firstArg(args: Args): number | undefined {
  return typeof args.first === "number" ? args.first : undefined;
}

function limit<T>(items: T[], args: Args): T[] {
  const first = firstArg(args);
  return first === undefined ? items : items.slice(0, first);
}

export function shopView(shop: ShopState): View {
  return {
    __typename: "Shop",
    id: shop.id,
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    myshopifyDomain: shop.domain,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    url: `https://${shop.domain}`,
    shopAddress: {
      __typename: "ShopAddress",
      id: `gid://shopify/ShopAddress/${shop.id.split("/").pop() ?? ""}`,
      countryCodeV2: shop.countryCode,
      countryCode: shop.countryCode,
    },
  };
}

/** shopLocales: the emulator's shops have one locale, their primary, published. */
export function shopLocalesView(shop: ShopState): View[] {
  return [{ __typename: "ShopLocale", locale: shop.primaryLocale, name: shop.primaryLocale, primary: true, published: true }];
}

export function addressView(a: Address | null, id: string): View | null {
  if (!a) return null;
  const name = [a.firstName, a.lastName].filter(Boolean).join(" ") || null;
  return {
    __typename: "MailingAddress",
    id,
    firstName: a.firstName,
    lastName: a.lastName,
    name,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    country: a.country,
    countryCodeV2: a.countryCode,
    zip: a.zip,
    phone: a.phone,
    company: a.company,
    formattedArea:
      [a.city, a.provinceCode ?? a.province, a.country].filter(Boolean).join(", ") || null,
  };
}

export function customerView(ctx: ResolverContext, c: CustomerRecord): View {
  const cur = ctx.shop.currencyCode;
  const orders = () => ctx.store.customerOrders(ctx.domain, c.id);
  return {
    __typename: "Customer",
    id: c.id,
    legacyResourceId: String(legacyId(c.id)),
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || "",
    email: c.email,
    phone: c.phone,
    note: c.note,
    tags: c.tags,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    locale: "en",
    verifiedEmail: true,
    defaultEmailAddress: c.email
      ? { __typename: "CustomerEmailAddress", emailAddress: c.email }
      : null,
    defaultAddress: () => addressView(c.address, `${c.id}-address`),
    numberOfOrders: () => String(orders().length),
    amountSpent: () => {
      const cents = orders().reduce((s, o) => {
        const t = orderTotals(o);
        return s + t.receivedCents - t.refundedCents;
      }, 0);
      return money(cents, cur);
    },
    lastOrder: () => {
      const list = orders().sort((a, b) => b.createdAt - a.createdAt);
      return list[0] ? orderView(ctx, list[0]) : null;
    },
    orders: (args: Args) =>
      connection(
        "OrderConnection",
        orders().sort((a, b) => a.createdAt - b.createdAt),
        args,
        (o) => orderView(ctx, o),
      ),
  };
}

export function locationView(l: LocationRecord): View {
  return {
    __typename: "Location",
    id: l.id,
    name: l.name,
    isActive: true,
    legacyResourceId: String(legacyId(l.id)),
  };
}

export function inventoryLevelView(
  ctx: ResolverContext,
  v: VariantRecord,
  locationId: string,
): View {
  const level = v.levels.find((l) => l.locationId === locationId);
  const location = ctx.shop.locations.find((l) => l.id === locationId);
  if (!level || !location) throw new Error(`No inventory level for ${v.id} at ${locationId}`);
  const levelId = `gid://shopify/InventoryLevel/${legacyId(location.id)}?inventory_item_id=${legacyId(v.inventoryItemId)}`;
  return {
    __typename: "InventoryLevel",
    id: levelId,
    isActive: true,
    updatedAt: iso(level.updatedAt),
    location: locationView(location),
    item: () => inventoryItemView(ctx, v),
    quantities: (args: Args) => {
      const names = Array.isArray(args.names)
        ? args.names.filter((n): n is string => typeof n === "string")
        : [];
      return names.map((name) => {
        // The emulator tracks one quantity; "on_hand" mirrors "available" (nothing committed).
        if (name !== "available" && name !== "on_hand") {
          throw new Error(`Inventory quantity name "${name}" is not implemented by the emulator`);
        }
        return {
          __typename: "InventoryQuantity",
          id: `gid://shopify/InventoryQuantity/${legacyId(location.id)}?inventory_item_id=${legacyId(v.inventoryItemId)}&name=${name}`,
          name,
          quantity: level.available,
          updatedAt: iso(level.updatedAt),
        };
      });
    },
  };
}

export function inventoryItemView(ctx: ResolverContext, v: VariantRecord): View {
  return {
    __typename: "InventoryItem",
    id: v.inventoryItemId,
    legacyResourceId: String(legacyId(v.inventoryItemId)),
    sku: v.sku,
    tracked: true,
    requiresShipping: true,
    variant: () => variantView(ctx, v),
    inventoryLevels: (args: Args) =>
      connection(
        "InventoryLevelConnection",
        v.levels.map((l) => ({ id: l.locationId })),
        args,
        (l) => inventoryLevelView(ctx, v, l.id),
      ),
    inventoryLevel: (args: Args) =>
      v.levels.some((l) => l.locationId === args.locationId)
        ? inventoryLevelView(ctx, v, String(args.locationId))
        : null,
  };
}

export function productView(ctx: ResolverContext, productId: string): View | null {
  const p = ctx.shop.products.get(productId);
  if (!p) return null;
  return {
    __typename: "Product",
    id: p.id,
    legacyResourceId: String(legacyId(p.id)),
    title: p.title,
    vendor: p.vendor,
    productType: p.productType,
    handle: p.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
    totalInventory: () =>
      p.variantIds.reduce(
        (s, id) =>
          s + (ctx.shop.variants.get(id)?.levels.reduce((a, l) => a + l.available, 0) ?? 0),
        0,
      ),
    variants: (args: Args) =>
      connection(
        "ProductVariantConnection",
        p.variantIds
          .map((id) => ctx.shop.variants.get(id))
          .filter((v): v is VariantRecord => v !== undefined),
        args,
        (v) => variantView(ctx, v),
      ),
  };
}

export function variantView(ctx: ResolverContext, v: VariantRecord): View {
  const product = ctx.shop.products.get(v.productId);
  return {
    __typename: "ProductVariant",
    id: v.id,
    legacyResourceId: String(legacyId(v.id)),
    title: v.title,
    displayName: `${product?.title ?? ""} - ${v.title}`,
    sku: v.sku,
    price: formatCents(v.priceCents, ctx.shop.currencyCode),
    createdAt: iso(v.createdAt),
    updatedAt: iso(v.updatedAt),
    inventoryQuantity: v.levels.reduce((s, l) => s + l.available, 0),
    availableForSale: v.levels.some((l) => l.available > 0),
    product: () => productView(ctx, v.productId),
    inventoryItem: () => inventoryItemView(ctx, v),
  };
}

export function transactionView(
  ctx: ResolverContext,
  order: OrderRecord,
  t: TransactionRecord,
): View {
  const cur = ctx.shop.currencyCode;
  return {
    __typename: "OrderTransaction",
    id: t.id,
    kind: t.kind,
    status: t.status,
    gateway: t.gateway,
    formattedGateway: t.gateway === "shopify_payments" ? "Shopify Payments" : t.gateway,
    test: order.test,
    manualPaymentGateway: t.gateway === "manual",
    createdAt: iso(t.createdAt),
    processedAt: iso(t.createdAt),
    amountSet: moneyBag(t.amountCents, cur),
    parentTransaction: () => {
      const parent = order.transactions.find((x) => x.id === t.parentId);
      return parent ? transactionView(ctx, order, parent) : null;
    },
    order: () => orderView(ctx, order),
    maximumRefundableV2: () => {
      if (t.kind !== "SALE" && t.kind !== "CAPTURE") return null;
      const refunded = order.transactions
        .filter((x) => x.kind === "REFUND" && x.parentId === t.id)
        .reduce((s, x) => s + x.amountCents, 0);
      return money(Math.max(0, t.amountCents - refunded), cur);
    },
  };
}

export function lineItemView(ctx: ResolverContext, order: OrderRecord, li: LineItemRecord): View {
  const cur = ctx.shop.currencyCode;
  const state = () => lineItemState(order, li);
  const variant = li.variantId ? ctx.shop.variants.get(li.variantId) : undefined;
  return {
    __typename: "LineItem",
    id: li.id,
    title: li.title,
    name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
    variantTitle: li.variantTitle,
    sku: li.sku,
    vendor: li.vendor,
    quantity: li.quantity,
    requiresShipping: li.requiresShipping,
    isGiftCard: false,
    taxable: true,
    restockable: li.variantId !== null,
    currentQuantity: () => state().currentQuantity,
    refundableQuantity: () => state().refundableQuantity,
    unfulfilledQuantity: () => state().unfulfilledQuantity,
    nonFulfillableQuantity: () => state().refundedQuantity,
    originalUnitPriceSet: moneyBag(li.priceCents, cur),
    discountedUnitPriceSet: moneyBag(li.priceCents, cur),
    originalTotalSet: moneyBag(li.priceCents * li.quantity, cur),
    discountedTotalSet: () => moneyBag(li.priceCents * li.quantity, cur),
    totalDiscountSet: moneyBag(0, cur),
    unfulfilledOriginalTotalSet: () => moneyBag(li.priceCents * state().unfulfilledQuantity, cur),
    variant: variant ? () => variantView(ctx, variant) : null,
    product: li.productId ? () => productView(ctx, li.productId ?? "") : null,
  };
}

export function fulfillmentEventView(e: FulfillmentEventRecord): View {
  return {
    __typename: "FulfillmentEvent",
    id: e.id,
    status: e.status,
    message: e.message,
    happenedAt: iso(e.happenedAt),
    createdAt: iso(e.createdAt),
    estimatedDeliveryAt: isoOrNull(e.estimatedDeliveryAt),
    city: e.city,
    province: e.province,
    country: e.country,
    zip: e.zip,
    address1: null,
    latitude: null,
    longitude: null,
  };
}

export function fulfillmentView(
  ctx: ResolverContext,
  order: OrderRecord,
  f: FulfillmentRecord,
): View {
  const cur = ctx.shop.currencyCode;
  return {
    __typename: "Fulfillment",
    id: f.id,
    legacyResourceId: String(legacyId(f.id)),
    name: f.name,
    status: f.status,
    createdAt: iso(f.createdAt),
    updatedAt: iso(f.updatedAt),
    displayStatus: fulfillmentDisplayStatus(f),
    estimatedDeliveryAt: isoOrNull(f.estimatedDeliveryAt),
    deliveredAt: isoOrNull(f.deliveredAt),
    inTransitAt: isoOrNull(f.inTransitAt),
    requiresShipping: true,
    totalQuantity: f.lineItems.reduce((s, l) => s + l.quantity, 0),
    trackingInfo: (args: Args) =>
      limit(
        f.trackingNumber || f.trackingCompany
          ? [
              {
                __typename: "FulfillmentTrackingInfo",
                company: f.trackingCompany,
                number: f.trackingNumber,
                url: f.trackingUrl,
              },
            ]
          : [],
        args,
      ),
    events: (args: Args) =>
      connection("FulfillmentEventConnection", f.events, args, fulfillmentEventView),
    fulfillmentLineItems: (args: Args) =>
      connection("FulfillmentLineItemConnection", f.lineItems, args, (fl) => {
        const li = order.lineItems.find((x) => x.id === fl.lineItemId);
        if (!li) throw new Error(`Dangling fulfillment line item ${fl.id}`);
        return {
          __typename: "FulfillmentLineItem",
          id: fl.id,
          quantity: fl.quantity,
          lineItem: lineItemView(ctx, order, li),
          originalTotalSet: moneyBag(li.priceCents * fl.quantity, cur),
          discountedTotalSet: moneyBag(li.priceCents * fl.quantity, cur),
        };
      }),
    location: () => {
      const loc = ctx.shop.locations.find((l) => l.id === f.locationId);
      return loc ? locationView(loc) : null;
    },
    order: () => orderView(ctx, order),
  };
}

export function refundView(ctx: ResolverContext, order: OrderRecord, r: RefundRecord): View {
  const cur = ctx.shop.currencyCode;
  const transactions = order.transactions.filter((t) => r.transactionIds.includes(t.id));
  return {
    __typename: "Refund",
    id: r.id,
    legacyResourceId: String(legacyId(r.id)),
    note: r.note,
    createdAt: iso(r.createdAt),
    processedAt: iso(r.createdAt),
    updatedAt: iso(r.createdAt),
    totalRefundedSet: moneyBag(
      transactions.reduce((s, t) => s + t.amountCents, 0),
      cur,
    ),
    order: () => orderView(ctx, order),
    refundLineItems: (args: Args) =>
      connection("RefundLineItemConnection", r.lineItems, args, (rl) =>
        refundLineItemView(ctx, order, rl),
      ),
    transactions: (args: Args) =>
      connection("OrderTransactionConnection", transactions, args, (t) =>
        transactionView(ctx, order, t),
      ),
  };
}

function refundLineItemView(
  ctx: ResolverContext,
  order: OrderRecord,
  rl: {
    id: string;
    lineItemId: string;
    quantity: number;
    restockType: string;
    subtotalCents: number;
  },
): View {
  const cur = ctx.shop.currencyCode;
  const li = order.lineItems.find((x) => x.id === rl.lineItemId);
  if (!li) throw new Error(`Dangling refund line item ${rl.id}`);
  return {
    __typename: "RefundLineItem",
    id: rl.id,
    quantity: rl.quantity,
    restockType: rl.restockType,
    restocked: rl.restockType !== "NO_RESTOCK",
    lineItem: lineItemView(ctx, order, li),
    priceSet: moneyBag(li.priceCents, cur),
    subtotalSet: moneyBag(rl.subtotalCents, cur),
    totalTaxSet: moneyBag(0, cur),
  };
}

function suggestedRefundView(ctx: ResolverContext, order: OrderRecord, args: Args): View {
  const cur = ctx.shop.currencyCode;
  const totals = orderTotals(order);
  const full = args.suggestFullRefund === true;
  const requested = Array.isArray(args.refundLineItems) ? args.refundLineItems : [];
  const lines: {
    id: string;
    lineItemId: string;
    quantity: number;
    restockType: string;
    subtotalCents: number;
  }[] = [];
  if (full) {
    for (const li of order.lineItems) {
      const q = lineItemState(order, li).refundableQuantity;
      if (q > 0)
        lines.push({
          id: `${li.id}-suggested`,
          lineItemId: li.id,
          quantity: q,
          restockType: "NO_RESTOCK",
          subtotalCents: q * li.priceCents,
        });
    }
  } else {
    for (const raw of requested) {
      const r = raw as { lineItemId?: unknown; quantity?: unknown; restockType?: unknown };
      const li = order.lineItems.find((x) => x.id === r.lineItemId);
      if (!li || typeof r.quantity !== "number") continue;
      // Shopify clamps suggestions to what is still refundable.
      const q = Math.min(r.quantity, lineItemState(order, li).refundableQuantity);
      if (q > 0) {
        lines.push({
          id: `${li.id}-suggested`,
          lineItemId: li.id,
          quantity: q,
          restockType: typeof r.restockType === "string" ? r.restockType : "NO_RESTOCK",
          subtotalCents: q * li.priceCents,
        });
      }
    }
  }
  const subtotalCents = lines.reduce((s, l) => s + l.subtotalCents, 0);
  const shippingRemaining = totals.shippingCents - totals.refundedShippingCents;
  const shippingCents =
    full || args.refundShipping === true
      ? shippingRemaining
      : typeof args.shippingAmount === "string" || typeof args.shippingAmount === "number"
        ? Math.min(shippingRemaining, toCents(args.shippingAmount, cur))
        : 0;
  const maxRefundable = Math.max(0, totals.receivedCents - totals.refundedCents);
  // A 100%-discounted or already-refunded order suggests no more money than was received.
  const amount = Math.min(maxRefundable, subtotalCents + shippingCents);
  const sale = order.transactions.find((t) => t.kind === "SALE" || t.kind === "CAPTURE");
  return {
    __typename: "SuggestedRefund",
    amountSet: moneyBag(amount, cur),
    subtotalSet: moneyBag(subtotalCents, cur),
    discountedSubtotalSet: moneyBag(subtotalCents, cur),
    maximumRefundableSet: moneyBag(maxRefundable, cur),
    totalTaxSet: moneyBag(0, cur),
    totalDutiesSet: moneyBag(0, cur),
    totalCartDiscountAmountSet: moneyBag(0, cur),
    refundDuties: [],
    refundLineItems: lines.map((l) => refundLineItemView(ctx, order, l)),
    shipping: {
      __typename: "ShippingRefund",
      amountSet: moneyBag(shippingCents, cur),
      maximumRefundableSet: moneyBag(shippingRemaining, cur),
      taxSet: moneyBag(0, cur),
    },
    suggestedTransactions:
      sale && amount > 0
        ? [
            {
              __typename: "SuggestedOrderTransaction",
              kind: "SUGGESTED_REFUND",
              gateway: sale.gateway,
              formattedGateway: sale.gateway,
              accountNumber: null,
              amountSet: moneyBag(amount, cur),
              maximumRefundableSet: moneyBag(maxRefundable, cur),
              parentTransaction: transactionView(ctx, order, sale),
            },
          ]
        : [],
  };
}

export function orderView(ctx: ResolverContext, o: OrderRecord): View {
  const cur = ctx.shop.currencyCode;
  const totals = () => orderTotals(o);
  const customer = o.customerId ? ctx.shop.customers.get(o.customerId) : undefined;
  return {
    __typename: "Order",
    id: o.id,
    legacyResourceId: String(legacyId(o.id)),
    name: o.name,
    number: o.number,
    createdAt: iso(o.createdAt),
    processedAt: iso(o.processedAt),
    updatedAt: iso(o.updatedAt),
    cancelledAt: isoOrNull(o.cancelledAt),
    cancelReason: o.cancelReason,
    closedAt: isoOrNull(o.closedAt),
    closed: o.closedAt !== null,
    confirmed: true,
    test: o.test,
    sourceName: o.sourceName,
    email: o.email,
    phone: o.phone,
    note: o.note,
    tags: [...o.tags],
    currencyCode: cur,
    presentmentCurrencyCode: cur,
    discountCodes: o.discountCodes,
    discountCode: o.discountCodes[0] ?? null,
    displayFinancialStatus: () => financialStatus(o),
    displayFulfillmentStatus: () => fulfillmentStatus(o),
    fullyPaid: () => !o.paymentPending,
    unpaid: () => o.paymentPending && totals().receivedCents === 0,
    refundable: () => totals().receivedCents - totals().refundedCents > 0,
    requiresShipping: o.lineItems.some((li) => li.requiresShipping),
    customer: customer ? () => customerView(ctx, customer) : null,
    shippingAddress: () => addressView(o.shippingAddress, `${o.id}-shipping`),
    billingAddress: () => addressView(o.billingAddress, `${o.id}-billing`),
    lineItems: (args: Args) =>
      connection("LineItemConnection", o.lineItems, args, (li) => lineItemView(ctx, o, li)),
    returns: orderReturns(ctx, o),
    subtotalPriceSet: () => moneyBag(totals().subtotalCents - totals().discountCents, cur),
    totalDiscountsSet: () => moneyBag(totals().discountCents, cur),
    totalShippingPriceSet: () => moneyBag(totals().shippingCents, cur),
    totalTaxSet: () => moneyBag(0, cur),
    totalPriceSet: () => moneyBag(totals().totalCents, cur),
    originalTotalPriceSet: () => moneyBag(totals().totalCents, cur),
    currentTotalPriceSet: () => moneyBag(totals().currentTotalCents, cur),
    totalReceivedSet: () => moneyBag(totals().receivedCents, cur),
    totalRefundedSet: () => moneyBag(totals().refundedCents, cur),
    totalRefundedShippingSet: () => moneyBag(totals().refundedShippingCents, cur),
    netPaymentSet: () => moneyBag(totals().receivedCents - totals().refundedCents, cur),
    totalOutstandingSet: () =>
      moneyBag(o.paymentPending ? totals().totalCents - totals().receivedCents : 0, cur),
    shippingLine: () => {
      const l = o.shippingLines[0];
      return l ? shippingLineView(l.id, l.title, l.priceCents, cur) : null;
    },
    shippingLines: (args: Args) =>
      connection("ShippingLineConnection", o.shippingLines, args, (l) =>
        shippingLineView(l.id, l.title, l.priceCents, cur),
      ),
    transactions: (args: Args) =>
      limit(o.transactions, args).map((t) => transactionView(ctx, o, t)),
    refunds: (args: Args) => limit(o.refunds, args).map((r) => refundView(ctx, o, r)),
    fulfillments: (args: Args) =>
      limit(o.fulfillments, args).map((f) => fulfillmentView(ctx, o, f)),
    fulfillmentOrders: (args: Args) =>
      connection("FulfillmentOrderConnection", fulfillmentOrderGroups(ctx, o), args, (group) =>
        fulfillmentOrderView(ctx, o, group),
      ),
    suggestedRefund: (args: Args) => suggestedRefundView(ctx, o, args),
  };
}

function shippingLineView(id: string, title: string, cents: number, cur: string): View {
  return {
    __typename: "ShippingLine",
    id,
    title,
    code: title,
    source: "shopify",
    custom: false,
    isRemoved: false,
    originalPriceSet: moneyBag(cents, cur),
    discountedPriceSet: moneyBag(cents, cur),
    currentDiscountedPriceSet: moneyBag(cents, cur),
  };
}

interface FulfillmentOrderGroup {
  id: string;
  location: LocationRecord;
  lineItems: LineItemRecord[];
}

/**
 * One fulfillment order per location the order's lines are assigned to (the first location
 * unless a line says otherwise), as Shopify's order routing splits an order ("FulfillmentOrder":
 * "a group of one or more items in an order that are to be fulfilled from the same location").
 * Ids are derived from the order's, so they are stable.
 */
function fulfillmentOrderGroups(ctx: ResolverContext, o: OrderRecord): FulfillmentOrderGroup[] {
  const first = ctx.shop.locations[0];
  const groups: FulfillmentOrderGroup[] = [];
  for (const li of o.lineItems) {
    const location = ctx.shop.locations.find((l) => l.id === li.locationId) ?? first;
    if (!location) continue;
    let group = groups.find((g) => g.location.id === location.id);
    if (!group) {
      const n = groups.length;
      group = { id: `gid://shopify/FulfillmentOrder/${legacyId(o.id)}${n === 0 ? "" : `0${n}`}`, location, lineItems: [] };
      groups.push(group);
    }
    group.lineItems.push(li);
  }
  return groups;
}

function fulfillmentOrderView(ctx: ResolverContext, o: OrderRecord, group: FulfillmentOrderGroup): View {
  const remaining = group.lineItems.map((li) => ({ li, state: lineItemState(o, li) }));
  const open = remaining.reduce((s, x) => s + x.state.unfulfilledQuantity, 0);
  const done = remaining.reduce((s, x) => s + x.state.fulfilledQuantity, 0);
  const id = group.id;
  return {
    __typename: "FulfillmentOrder",
    id,
    orderId: o.id,
    orderName: o.name,
    orderProcessedAt: iso(o.processedAt),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    status:
      o.cancelledAt !== null
        ? "CANCELLED"
        : open === 0
          ? "CLOSED"
          : done > 0
            ? "IN_PROGRESS"
            : "OPEN",
    requestStatus: "UNSUBMITTED",
    assignedLocation: {
      __typename: "FulfillmentOrderAssignedLocation",
      name: group.location.name,
      // Non-null in the schema: a location without a country is not guessed at.
      countryCode: () => {
        if (!group.location.countryCode) throw new Error(`Location ${group.location.id} has no country in the emulator`);
        return group.location.countryCode;
      },
      address1: null,
      address2: null,
      city: null,
      province: null,
      zip: null,
      phone: null,
      location: locationView(group.location),
    },
    order: () => orderView(ctx, o),
    lineItems: (args: Args) =>
      connection(
        "FulfillmentOrderLineItemConnection",
        remaining.map((x) => ({ id: `${id}-${legacyId(x.li.id)}`, ...x })),
        args,
        (x) => ({
          __typename: "FulfillmentOrderLineItem",
          id: `gid://shopify/FulfillmentOrderLineItem/${legacyId(x.li.id)}`,
          totalQuantity: x.li.quantity,
          remainingQuantity: x.state.unfulfilledQuantity,
          sku: x.li.sku,
          productTitle: x.li.title,
          variantTitle: x.li.variantTitle,
          requiresShipping: x.li.requiresShipping,
          lineItem: lineItemView(ctx, o, x.li),
        }),
      ),
  };
}

export function jobView(ctx: ResolverContext, job: JobRecord): View {
  return { __typename: "Job", id: job.id, done: job.done, query: {} };
}

export function draftOrderView(ctx: ResolverContext, d: DraftOrderRecord): View {
  const cur = ctx.shop.currencyCode;
  const totals = draftTotals(d, cur);
  const customer = d.customerId ? ctx.shop.customers.get(d.customerId) : undefined;
  return {
    __typename: "DraftOrder",
    id: d.id,
    legacyResourceId: String(legacyId(d.id)),
    name: d.name,
    status: d.status,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    completedAt: isoOrNull(d.completedAt),
    email: d.email,
    note2: d.note,
    tags: d.tags,
    currencyCode: cur,
    ready: true,
    invoiceUrl: `https://${ctx.shop.domain}/invoices/${legacyId(d.id)}`,
    customer: customer ? () => customerView(ctx, customer) : null,
    shippingAddress: () => addressView(d.shippingAddress, `${d.id}-shipping`),
    subtotalPriceSet: moneyBag(totals.subtotalCents - totals.discountCents, cur),
    totalLineItemsPriceSet: moneyBag(totals.subtotalCents, cur),
    totalDiscountsSet: moneyBag(totals.discountCents, cur),
    totalShippingPriceSet: moneyBag(totals.shippingCents, cur),
    totalTaxSet: moneyBag(0, cur),
    totalPriceSet: moneyBag(totals.totalCents, cur),
    totalQuantityOfLineItems: d.lineItems.reduce((s, li) => s + li.quantity, 0),
    appliedDiscount: d.appliedDiscount
      ? {
          __typename: "DraftOrderAppliedDiscount",
          title: d.appliedDiscount.title,
          description: d.appliedDiscount.description,
          value: d.appliedDiscount.value,
          valueType: d.appliedDiscount.valueType,
          amountSet: moneyBag(totals.discountCents, cur),
        }
      : null,
    shippingLine: d.shippingLine
      ? shippingLineView(
          `${d.id}-shipping-line`,
          d.shippingLine.title,
          d.shippingLine.priceCents,
          cur,
        )
      : null,
    lineItems: (args: Args) =>
      connection("DraftOrderLineItemConnection", d.lineItems, args, (li) => ({
        __typename: "DraftOrderLineItem",
        id: li.id.replace("/LineItem/", "/DraftOrderLineItem/"),
        title: li.title,
        name: li.title,
        sku: li.sku,
        quantity: li.quantity,
        custom: li.variantId === null,
        requiresShipping: li.requiresShipping,
        originalUnitPriceSet: moneyBag(li.priceCents, cur),
        originalTotalSet: moneyBag(li.priceCents * li.quantity, cur),
        variant: li.variantId
          ? () => variantView(ctx, ctx.store.variant(ctx.domain, li.variantId ?? ""))
          : null,
      })),
    order: () => {
      const order = d.orderId ? ctx.shop.orders.get(d.orderId) : undefined;
      return order ? orderView(ctx, order) : null;
    },
  };
}

export function discountNodeView(ctx: ResolverContext, d: DiscountRecord): View {
  const cur = ctx.shop.currencyCode;
  const now = ctx.store.now();
  const status =
    d.startsAt > now ? "SCHEDULED" : d.endsAt !== null && d.endsAt <= now ? "EXPIRED" : "ACTIVE";
  const value =
    d.value.kind === "percentage"
      ? { __typename: "DiscountPercentage", percentage: d.value.percentage }
      : {
          __typename: "DiscountAmount",
          amount: money(d.value.amountCents, cur),
          appliesOnEachItem: d.value.appliesOnEachItem,
        };
  const summary =
    d.value.kind === "percentage"
      ? `${Math.round(d.value.percentage * 100)}% off entire order`
      : `${formatCents(d.value.amountCents, cur)} ${cur} off entire order`;
  const basic: View = {
    __typename: "DiscountCodeBasic",
    title: d.title,
    status,
    summary,
    shortSummary: summary,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.createdAt),
    startsAt: iso(d.startsAt),
    endsAt: isoOrNull(d.endsAt),
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    asyncUsageCount: 0,
    tags: d.tags,
    discountClasses: ["ORDER"],
    customerGets: {
      __typename: "DiscountCustomerGets",
      appliesOnOneTimePurchase: true,
      appliesOnSubscription: false,
      value,
      items: { __typename: "AllDiscountItems", allItems: true },
    },
    context:
      d.customerIds === "ALL"
        ? { __typename: "DiscountBuyerSelectionAll", all: "ALL" }
        : {
            __typename: "DiscountCustomers",
            customers: () =>
              (d.customerIds === "ALL" ? [] : d.customerIds)
                .map((id) => ctx.shop.customers.get(id))
                .filter((c): c is CustomerRecord => c !== undefined)
                .map((c) => customerView(ctx, c)),
          },
    codes: (args: Args) =>
      connection("DiscountRedeemCodeConnection", [{ id: d.codeId }], args, () => ({
        __typename: "DiscountRedeemCode",
        id: d.codeId,
        code: d.code,
        asyncUsageCount: 0,
      })),
  };
  return { __typename: "DiscountCodeNode", id: d.nodeId, codeDiscount: basic };
}
