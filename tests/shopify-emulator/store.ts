// In-memory Shopify store state for many shops, and the domain operations (refund, cancel,
// draft order completion, fulfillment events...) that the GraphQL resolvers and tests call.
// Every change that Shopify would announce by webhook is emitted as a StoreEvent; the webhook
// sender (webhooks.ts) turns those into signed deliveries.
import type { ReturnRecord } from "./returns";
import type { WebhookTopic } from "../fixtures/webhooks";
import type { Clock } from "./util";
import { MoneyError, formatCents, gid, iso, parseGid, systemClock, toCents } from "./util";

export interface Address {
  firstName: string | null;
  lastName: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
  company: string | null;
}

export interface LocationRecord {
  id: string;
  name: string;
  /** ISO country of the location's address (FulfillmentOrderAssignedLocation.countryCode). */
  countryCode?: string;
}

export interface InventoryLevelRecord {
  locationId: string;
  available: number;
  updatedAt: number;
}

export interface VariantRecord {
  id: string;
  productId: string;
  title: string;
  sku: string | null;
  priceCents: number;
  inventoryItemId: string;
  levels: InventoryLevelRecord[];
  createdAt: number;
  updatedAt: number;
}

export interface ProductRecord {
  id: string;
  title: string;
  vendor: string;
  productType: string;
  variantIds: string[];
  createdAt: number;
}

export interface CustomerRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  note: string | null;
  address: Address | null;
  createdAt: number;
  updatedAt: number;
}

export interface LineItemRecord {
  id: string;
  variantId: string | null;
  productId: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  priceCents: number;
  requiresShipping: boolean;
  /** The location Shopify's order routing assigned the line's fulfilment order to; the first
   * location when unset. Inventory is committed there. */
  locationId?: string;
}

export interface ShippingLineRecord {
  id: string;
  title: string;
  priceCents: number;
}

export type TransactionKind = "SALE" | "REFUND" | "AUTHORIZATION" | "CAPTURE" | "VOID";

export interface TransactionRecord {
  id: string;
  orderId: string;
  kind: TransactionKind;
  status: "SUCCESS" | "PENDING" | "FAILURE";
  gateway: string;
  amountCents: number;
  parentId: string | null;
  createdAt: number;
}

export interface RefundLineItemRecord {
  id: string;
  lineItemId: string;
  quantity: number;
  restockType: "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK";
  subtotalCents: number;
}

export interface RefundRecord {
  id: string;
  orderId: string;
  note: string | null;
  createdAt: number;
  lineItems: RefundLineItemRecord[];
  shippingCents: number;
  transactionIds: string[];
  restock: boolean;
}

export type FulfillmentEventStatus =
  | "ATTEMPTED_DELIVERY"
  | "CARRIER_PICKED_UP"
  | "CONFIRMED"
  | "DELAYED"
  | "DELIVERED"
  | "FAILURE"
  | "IN_TRANSIT"
  | "LABEL_PRINTED"
  | "LABEL_PURCHASED"
  | "OUT_FOR_DELIVERY"
  | "READY_FOR_PICKUP";

export interface FulfillmentEventRecord {
  id: string;
  fulfillmentId: string;
  status: FulfillmentEventStatus;
  message: string | null;
  happenedAt: number;
  createdAt: number;
  estimatedDeliveryAt: number | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
}

export interface FulfillmentRecord {
  id: string;
  orderId: string;
  name: string;
  status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE";
  createdAt: number;
  updatedAt: number;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  lineItems: { id: string; lineItemId: string; quantity: number }[];
  events: FulfillmentEventRecord[];
  estimatedDeliveryAt: number | null;
  deliveredAt: number | null;
  inTransitAt: number | null;
  locationId: string | null;
}

export type CancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";

export interface OrderRecord {
  id: string;
  number: number;
  name: string;
  createdAt: number;
  processedAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: CancelReason | null;
  closedAt: number | null;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  /** Order-level discount (e.g. a draft order's appliedDiscount). */
  discountCents: number;
  discountCodes: string[];
  shippingAddress: Address | null;
  billingAddress: Address | null;
  fulfillments: FulfillmentRecord[];
  refunds: RefundRecord[];
  /** Returns opened with returnCreate (returns.ts). */
  returns: ReturnRecord[];
  transactions: TransactionRecord[];
  /** Payment not yet captured (draft completed with paymentPending). */
  paymentPending: boolean;
  test: boolean;
  sourceName: string;
}

export interface AppliedDiscountRecord {
  title: string | null;
  description: string;
  value: number;
  valueType: "PERCENTAGE" | "FIXED_AMOUNT";
}

export interface DraftOrderRecord {
  id: string;
  name: string;
  status: "OPEN" | "COMPLETED" | "INVOICE_SENT";
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  customerId: string | null;
  email: string | null;
  note: string | null;
  tags: string[];
  lineItems: LineItemRecord[];
  appliedDiscount: AppliedDiscountRecord | null;
  shippingLine: { title: string; priceCents: number } | null;
  shippingAddress: Address | null;
  orderId: string | null;
}

export interface DiscountRecord {
  id: string;
  /** DiscountCodeNode id */
  nodeId: string;
  title: string;
  code: string;
  codeId: string;
  startsAt: number;
  endsAt: number | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  customerIds: string[] | "ALL";
  value:
    | { kind: "percentage"; percentage: number }
    | { kind: "amount"; amountCents: number; appliesOnEachItem: boolean };
  tags: string[];
  createdAt: number;
}

export interface JobRecord {
  id: string;
  createdAt: number;
  /** On the store's clock: the job does not finish before this. */
  readyAt: number;
  done: boolean;
  /** Polls of job(id) seen so far; the job completes at the `pollsUntilDone`-th poll. */
  polls: number;
  /** The order a cancellation job is for. */
  orderId: string | null;
  run: () => void;
}

export interface IdempotencyRecord {
  fingerprint: string;
  result: unknown;
}

export interface ShopState {
  domain: string;
  id: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  /** ISO 3166-1 alpha-2 of the shop's address. */
  countryCode: string;
  /** The primary of the shop's locales ("es", "pt-BR"). */
  primaryLocale: string;
  accessTokens: Set<string>;
  locations: LocationRecord[];
  products: Map<string, ProductRecord>;
  variants: Map<string, VariantRecord>;
  customers: Map<string, CustomerRecord>;
  orders: Map<string, OrderRecord>;
  draftOrders: Map<string, DraftOrderRecord>;
  discounts: Map<string, DiscountRecord>;
  jobs: Map<string, JobRecord>;
  /** Keys of the `@idempotent` directive, per mutation name. */
  idempotency: Map<string, IdempotencyRecord>;
  nextOrderNumber: number;
  nextDraftNumber: number;
}

export interface StoreEvent {
  topic: WebhookTopic;
  shop: string;
  /** Record the payload is built from; webhooks.ts renders the REST-shaped body. */
  subject:
    | { kind: "order"; orderId: string }
    | { kind: "refund"; orderId: string; refundId: string }
    | { kind: "fulfillment"; orderId: string; fulfillmentId: string }
    | { kind: "fulfillmentEvent"; orderId: string; fulfillmentId: string; eventId: string }
    | { kind: "inventoryLevel"; variantId: string; locationId: string }
    | { kind: "shop" }
    | { kind: "raw"; payload: Record<string, unknown> };
  triggeredAt: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

export class EmulatorError extends Error {}

export interface ShopInput {
  domain: string;
  name?: string;
  email?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  countryCode?: string;
  primaryLocale?: string;
  accessToken?: string;
}

export interface ProductInput {
  title: string;
  vendor?: string;
  productType?: string;
  variants: {
    title?: string;
    sku?: string | null;
    price: string | number;
    available?: number | Record<string, number>;
  }[];
}

export interface CustomerInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  tags?: string[];
  note?: string | null;
  address?: Partial<Address> | null;
  createdAt?: number;
}

export interface OrderLineInput {
  variantId?: string;
  title?: string;
  sku?: string | null;
  price?: string | number;
  quantity: number;
  requiresShipping?: boolean;
  /** The location the line's fulfilment order is assigned to (default: the first). */
  locationId?: string;
}

export interface OrderInput {
  customerId?: string | null;
  email?: string | null;
  lineItems: OrderLineInput[];
  shippingLine?: { title: string; price: string | number } | null;
  discount?: string | number;
  discountCodes?: string[];
  createdAt?: number;
  tags?: string[];
  note?: string | null;
  shippingAddress?: Partial<Address> | null;
  paymentPending?: boolean;
  gateway?: string;
  test?: boolean;
  sourceName?: string;
  /** Skip inventory decrement (seeding). */
  keepInventory?: boolean;
}

export interface FulfillmentInput {
  lineItems?: { lineItemId: string; quantity: number }[];
  trackingCompany?: string | null;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  createdAt?: number;
  estimatedDeliveryAt?: number | null;
  status?: FulfillmentRecord["status"];
}

export interface FulfillmentEventInput {
  status: FulfillmentEventStatus;
  happenedAt?: number;
  message?: string | null;
  estimatedDeliveryAt?: number | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  zip?: string | null;
}

export interface RefundInputLine {
  lineItemId: string;
  quantity: number;
  restockType?: RefundLineItemRecord["restockType"];
}

export interface RefundRequest {
  orderId: string;
  note?: string | null;
  refundLineItems?: RefundInputLine[];
  shipping?: { amount?: string | number | null; fullRefund?: boolean | null } | null;
  transactions?: {
    amount: string | number;
    gateway: string;
    kind: string;
    orderId: string;
    parentId?: string | null;
  }[];
  allowOverRefunding?: boolean;
}

export interface MutationOptions {
  /** Do not emit webhooks (seeding). */
  silent?: boolean;
}

const EMPTY_ADDRESS: Address = {
  firstName: null,
  lastName: null,
  address1: null,
  address2: null,
  city: null,
  province: null,
  provinceCode: null,
  country: null,
  countryCode: null,
  zip: null,
  phone: null,
  company: null,
};

export function makeAddress(input: Partial<Address> | null | undefined): Address | null {
  return input ? { ...EMPTY_ADDRESS, ...input } : null;
}

export interface StoreOptions {
  clock?: Clock;
  /** job(id) polls before an async job (orderCancel) reports done; 1 = the first poll. */
  jobPollsUntilDone?: number;
  /** How long an orderCancel job runs on `clock` (default DEFAULT_CANCEL_JOB_MS). */
  cancelJobMs?: number;
}

/**
 * How long orderCancel's job runs by default. Shopify's changelog ("The orderCancel mutation
 * now returns a structured jobResult", 2026-10): "Order cancellations run asynchronously" — the
 * mutation answers with a job that is not done; the cancellation, restock and refund happen
 * when it runs. Shopify publishes no duration; a few seconds (payment refunds included) is what
 * the issue that asked for this measured, so the default is 3 s on the store's clock.
 */
export const DEFAULT_CANCEL_JOB_MS = 3_000;

export class EmulatorStore {
  readonly clock: Clock;
  readonly jobPollsUntilDone: number;
  readonly cancelJobMs: number;
  private shops = new Map<string, ShopState>();
  private listeners = new Set<StoreListener>();
  // Ids are global across shops, like Shopify's.
  private nextId = 1_000_001;

  constructor(options: StoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.jobPollsUntilDone = options.jobPollsUntilDone ?? 1;
    this.cancelJobMs = options.cancelJobMs ?? DEFAULT_CANCEL_JOB_MS;
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  newId(type: string): string {
    return gid(type, this.nextId++);
  }

  now(): number {
    return this.clock.now();
  }

  onEvent(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: Omit<StoreEvent, "triggeredAt">, options?: MutationOptions): void {
    if (options?.silent) return;
    const full: StoreEvent = { ...event, triggeredAt: this.now() };
    for (const listener of this.listeners) listener(full);
  }

  /** Drops every shop (listeners stay). */
  reset(): void {
    this.shops.clear();
  }

  /** The merchant edits the shop's profile in Shopify admin: shop/update follows. */
  updateShop(
    domain: string,
    changes: Partial<Pick<ShopState, "name" | "email" | "currencyCode" | "ianaTimezone" | "countryCode" | "primaryLocale">>,
    options?: MutationOptions,
  ): ShopState {
    const shop = this.shop(domain);
    Object.assign(shop, changes);
    this.emit({ topic: "shop/update", shop: domain, subject: { kind: "shop" } }, options);
    return shop;
  }

  createShop(input: ShopInput): ShopState {
    if (this.shops.has(input.domain))
      throw new EmulatorError(`Shop ${input.domain} already exists`);
    const shop: ShopState = {
      domain: input.domain,
      id: this.newId("Shop"),
      name: input.name ?? input.domain.replace(/\.myshopify\.com$/, ""),
      email: input.email ?? `owner@${input.domain}`,
      currencyCode: input.currencyCode ?? "USD",
      ianaTimezone: input.ianaTimezone ?? "America/New_York",
      countryCode: input.countryCode ?? "US",
      primaryLocale: input.primaryLocale ?? "en",
      accessTokens: new Set(input.accessToken ? [input.accessToken] : []),
      locations: [],
      products: new Map(),
      variants: new Map(),
      customers: new Map(),
      orders: new Map(),
      draftOrders: new Map(),
      discounts: new Map(),
      jobs: new Map(),
      idempotency: new Map(),
      nextOrderNumber: 1001,
      nextDraftNumber: 1,
    };
    shop.locations.push({ id: this.newId("Location"), name: "Main Warehouse" });
    this.shops.set(input.domain, shop);
    return shop;
  }

  hasShop(domain: string): boolean {
    return this.shops.has(domain);
  }

  shop(domain: string): ShopState {
    const shop = this.shops.get(domain);
    if (!shop) throw new EmulatorError(`Unknown shop ${domain}`);
    return shop;
  }

  shopDomains(): string[] {
    return [...this.shops.keys()];
  }

  location(domain: string, id: string): LocationRecord {
    const location = this.shop(domain).locations.find((l) => l.id === id);
    if (!location) throw new EmulatorError(`Unknown location ${id}`);
    return location;
  }

  addLocation(domain: string, name: string): LocationRecord {
    const location = { id: this.newId("Location"), name };
    this.shop(domain).locations.push(location);
    return location;
  }

  // -------------------------------------------------------------------------------------------
  // Catalogue and customers

  addProduct(domain: string, input: ProductInput): ProductRecord {
    const shop = this.shop(domain);
    const now = this.now();
    const product: ProductRecord = {
      id: this.newId("Product"),
      title: input.title,
      vendor: input.vendor ?? shop.name,
      productType: input.productType ?? "",
      variantIds: [],
      createdAt: now,
    };
    for (const v of input.variants) {
      const levels = shop.locations.map((location, i) => ({
        locationId: location.id,
        available:
          typeof v.available === "object"
            ? (v.available[location.name] ?? 0)
            : i === 0
              ? (v.available ?? 0)
              : 0,
        updatedAt: now,
      }));
      const variant: VariantRecord = {
        id: this.newId("ProductVariant"),
        productId: product.id,
        title: v.title ?? "Default Title",
        sku: v.sku ?? null,
        priceCents: toCents(v.price, shop.currencyCode),
        inventoryItemId: this.newId("InventoryItem"),
        levels,
        createdAt: now,
        updatedAt: now,
      };
      shop.variants.set(variant.id, variant);
      product.variantIds.push(variant.id);
    }
    shop.products.set(product.id, product);
    return product;
  }

  variant(domain: string, id: string): VariantRecord {
    const variant = this.shop(domain).variants.get(id);
    if (!variant) throw new EmulatorError(`Unknown variant ${id}`);
    return variant;
  }

  variantByInventoryItem(domain: string, inventoryItemId: string): VariantRecord | undefined {
    for (const v of this.shop(domain).variants.values())
      if (v.inventoryItemId === inventoryItemId) return v;
    return undefined;
  }

  /** Sets `available` at a location (default: the first) and emits inventory_levels/update. */
  setAvailable(
    domain: string,
    variantOrInventoryItemId: string,
    available: number,
    locationId?: string,
    options?: MutationOptions,
  ): InventoryLevelRecord {
    const shop = this.shop(domain);
    const variant =
      shop.variants.get(variantOrInventoryItemId) ??
      this.variantByInventoryItem(domain, variantOrInventoryItemId);
    if (!variant)
      throw new EmulatorError(`Unknown variant or inventory item ${variantOrInventoryItemId}`);
    const locId = locationId ?? shop.locations[0]?.id;
    const level = variant.levels.find((l) => l.locationId === locId);
    if (!level) throw new EmulatorError(`Variant ${variant.id} is not stocked at ${String(locId)}`);
    level.available = available;
    level.updatedAt = this.now();
    this.emit(
      {
        topic: "inventory_levels/update",
        shop: domain,
        subject: { kind: "inventoryLevel", variantId: variant.id, locationId: level.locationId },
      },
      options,
    );
    return level;
  }

  /** Puts `quantity` units of an order line back in stock where the line was committed: what
   * a refund's RETURN or CANCEL restock does, and what a return's RESTOCKED disposition does. */
  restockLine(domain: string, order: OrderRecord, lineItemId: string, quantity: number, options?: MutationOptions): void {
    const li = order.lineItems.find((x) => x.id === lineItemId);
    this.adjustAvailable(domain, li?.variantId ?? null, quantity, options, li?.locationId);
  }

  /** Moves `available` at the location (default: the first), where Shopify commits an order's
   * units: its fulfilment order's assigned location. */
  private adjustAvailable(
    domain: string,
    variantId: string | null,
    delta: number,
    options?: MutationOptions,
    locationId?: string,
  ): void {
    if (!variantId || delta === 0) return;
    const variant = this.shop(domain).variants.get(variantId);
    const level = variant?.levels.find((l) => l.locationId === locationId) ?? variant?.levels[0];
    if (!variant || !level) return;
    this.setAvailable(domain, variant.id, level.available + delta, level.locationId, options);
  }

  addCustomer(domain: string, input: CustomerInput): CustomerRecord {
    const shop = this.shop(domain);
    const now = input.createdAt ?? this.now();
    const customer: CustomerRecord = {
      id: this.newId("Customer"),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      tags: input.tags ?? [],
      note: input.note ?? null,
      address: makeAddress(input.address ?? null),
      createdAt: now,
      updatedAt: now,
    };
    shop.customers.set(customer.id, customer);
    return customer;
  }

  customer(domain: string, id: string): CustomerRecord {
    const customer = this.shop(domain).customers.get(id);
    if (!customer) throw new EmulatorError(`Unknown customer ${id}`);
    return customer;
  }

  customerOrders(domain: string, customerId: string): OrderRecord[] {
    return [...this.shop(domain).orders.values()].filter((o) => o.customerId === customerId);
  }

  // -------------------------------------------------------------------------------------------
  // Orders

  order(domain: string, id: string): OrderRecord {
    const order = this.shop(domain).orders.get(id);
    if (!order) throw new EmulatorError(`Unknown order ${id}`);
    return order;
  }

  findOrder(domain: string, id: string): OrderRecord | undefined {
    return this.shop(domain).orders.get(id);
  }

  private buildLineItems(domain: string, lines: OrderLineInput[]): LineItemRecord[] {
    const shop = this.shop(domain);
    return lines.map((line) => {
      const variant = line.variantId ? this.variant(domain, line.variantId) : undefined;
      const product = variant ? shop.products.get(variant.productId) : undefined;
      const title = line.title ?? product?.title;
      if (!title) throw new EmulatorError("A custom line item needs a title");
      const price = line.price !== undefined ? toCents(line.price, shop.currencyCode) : variant?.priceCents;
      if (price === undefined) throw new EmulatorError("A custom line item needs a price");
      return {
        id: this.newId("LineItem"),
        variantId: variant?.id ?? null,
        productId: product?.id ?? null,
        title,
        variantTitle: variant && variant.title !== "Default Title" ? variant.title : null,
        sku: line.sku ?? variant?.sku ?? null,
        vendor: product?.vendor ?? null,
        quantity: line.quantity,
        priceCents: price,
        requiresShipping: line.requiresShipping ?? true,
        ...(line.locationId ? { locationId: this.location(domain, line.locationId).id } : {}),
      };
    });
  }

  addOrder(domain: string, input: OrderInput, options?: MutationOptions): OrderRecord {
    const shop = this.shop(domain);
    const createdAt = input.createdAt ?? this.now();
    const customer = input.customerId ? this.customer(domain, input.customerId) : undefined;
    const number = shop.nextOrderNumber++;
    const order: OrderRecord = {
      id: this.newId("Order"),
      number,
      name: `#${number}`,
      createdAt,
      processedAt: createdAt,
      updatedAt: createdAt,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      customerId: customer?.id ?? null,
      email: input.email ?? customer?.email ?? null,
      phone: customer?.phone ?? null,
      note: input.note ?? null,
      tags: input.tags ?? [],
      lineItems: this.buildLineItems(domain, input.lineItems),
      shippingLines: input.shippingLine
        ? [
            {
              id: this.newId("ShippingLine"),
              title: input.shippingLine.title,
              priceCents: toCents(input.shippingLine.price, shop.currencyCode),
            },
          ]
        : [],
      discountCents: input.discount !== undefined ? toCents(input.discount, shop.currencyCode) : 0,
      discountCodes: input.discountCodes ?? [],
      shippingAddress: makeAddress(input.shippingAddress ?? customer?.address ?? null),
      billingAddress: makeAddress(input.shippingAddress ?? customer?.address ?? null),
      fulfillments: [],
      refunds: [],
      returns: [],
      transactions: [],
      paymentPending: input.paymentPending ?? false,
      test: input.test ?? false,
      sourceName: input.sourceName ?? "web",
    };
    const total = orderTotals(order).totalCents;
    if (!order.paymentPending && total > 0) {
      order.transactions.push({
        id: this.newId("OrderTransaction"),
        orderId: order.id,
        kind: "SALE",
        status: "SUCCESS",
        gateway: input.gateway ?? "shopify_payments",
        amountCents: total,
        parentId: null,
        createdAt,
      });
    }
    shop.orders.set(order.id, order);
    if (!input.keepInventory) {
      for (const li of order.lineItems)
        this.adjustAvailable(domain, li.variantId, -li.quantity, options, li.locationId);
    }
    this.emit(
      { topic: "orders/create", shop: domain, subject: { kind: "order", orderId: order.id } },
      options,
    );
    return order;
  }

  private touch(order: OrderRecord): void {
    order.updatedAt = Math.max(this.now(), order.updatedAt);
  }

  emitOrderUpdated(domain: string, order: OrderRecord, options?: MutationOptions): void {
    this.emit(
      { topic: "orders/updated", shop: domain, subject: { kind: "order", orderId: order.id } },
      options,
    );
  }

  updateOrder(
    domain: string,
    id: string,
    changes: {
      note?: string | null;
      tags?: string[];
      email?: string | null;
      shippingAddress?: Partial<Address> | null;
    },
    options?: MutationOptions,
  ): OrderRecord {
    const order = this.order(domain, id);
    if (changes.note !== undefined) order.note = changes.note;
    if (changes.tags !== undefined) order.tags = dedupeTags(changes.tags);
    if (changes.email !== undefined) order.email = changes.email;
    if (changes.shippingAddress !== undefined)
      order.shippingAddress = makeAddress(changes.shippingAddress);
    this.touch(order);
    this.emitOrderUpdated(domain, order, options);
    return order;
  }

  addTags(
    domain: string,
    id: string,
    tags: string[],
    options?: MutationOptions,
  ): OrderRecord | CustomerRecord {
    const shop = this.shop(domain);
    const order = shop.orders.get(id);
    if (order) {
      order.tags = dedupeTags([...order.tags, ...tags]);
      this.touch(order);
      this.emitOrderUpdated(domain, order, options);
      return order;
    }
    const customer = shop.customers.get(id);
    if (customer) {
      customer.tags = dedupeTags([...customer.tags, ...tags]);
      customer.updatedAt = this.now();
      return customer;
    }
    throw new EmulatorError(`Unknown taggable resource ${id}`);
  }

  // -------------------------------------------------------------------------------------------
  // Fulfillments

  addFulfillment(
    domain: string,
    orderId: string,
    input: FulfillmentInput = {},
    options?: MutationOptions,
  ): FulfillmentRecord {
    const order = this.order(domain, orderId);
    const createdAt = input.createdAt ?? this.now();
    const lines =
      input.lineItems ??
      order.lineItems
        .map((li) => ({
          lineItemId: li.id,
          quantity: lineItemState(order, li).unfulfilledQuantity,
        }))
        .filter((l) => l.quantity > 0);
    for (const l of lines) {
      const li = order.lineItems.find((x) => x.id === l.lineItemId);
      if (!li) throw new EmulatorError(`Line item ${l.lineItemId} is not on ${order.name}`);
      if (l.quantity > lineItemState(order, li).unfulfilledQuantity) {
        throw new EmulatorError(`Cannot fulfill ${l.quantity} of ${li.title} on ${order.name}`);
      }
    }
    const fulfillment: FulfillmentRecord = {
      id: this.newId("Fulfillment"),
      orderId,
      name: `${order.name}.${order.fulfillments.length + 1}`,
      status: input.status ?? "SUCCESS",
      createdAt,
      updatedAt: createdAt,
      trackingCompany: input.trackingCompany ?? null,
      trackingNumber: input.trackingNumber ?? null,
      trackingUrl:
        input.trackingUrl ??
        trackingUrlFor(input.trackingCompany ?? null, input.trackingNumber ?? null),
      lineItems: lines.map((l) => ({
        id: this.newId("FulfillmentLineItem"),
        lineItemId: l.lineItemId,
        quantity: l.quantity,
      })),
      events: [],
      estimatedDeliveryAt: input.estimatedDeliveryAt ?? null,
      deliveredAt: null,
      inTransitAt: null,
      locationId: this.shop(domain).locations[0]?.id ?? null,
    };
    order.fulfillments.push(fulfillment);
    this.touch(order);
    this.emit(
      {
        topic: "fulfillments/create",
        shop: domain,
        subject: { kind: "fulfillment", orderId, fulfillmentId: fulfillment.id },
      },
      options,
    );
    this.emitOrderUpdated(domain, order, options);
    return fulfillment;
  }

  fulfillment(
    domain: string,
    fulfillmentId: string,
  ): { order: OrderRecord; fulfillment: FulfillmentRecord } {
    for (const order of this.shop(domain).orders.values()) {
      const fulfillment = order.fulfillments.find((f) => f.id === fulfillmentId);
      if (fulfillment) return { order, fulfillment };
    }
    throw new EmulatorError(`Unknown fulfillment ${fulfillmentId}`);
  }

  /** A carrier tracking event: emits fulfillment_events/create and fulfillments/update. */
  addFulfillmentEvent(
    domain: string,
    fulfillmentId: string,
    input: FulfillmentEventInput,
    options?: MutationOptions,
  ): FulfillmentEventRecord {
    const { order, fulfillment } = this.fulfillment(domain, fulfillmentId);
    const happenedAt = input.happenedAt ?? this.now();
    const event: FulfillmentEventRecord = {
      id: this.newId("FulfillmentEvent"),
      fulfillmentId,
      status: input.status,
      message: input.message ?? null,
      happenedAt,
      createdAt: Math.max(happenedAt, this.now()),
      estimatedDeliveryAt: input.estimatedDeliveryAt ?? null,
      city: input.city ?? null,
      province: input.province ?? null,
      country: input.country ?? null,
      zip: input.zip ?? null,
    };
    fulfillment.events.push(event);
    fulfillment.events.sort((a, b) => a.happenedAt - b.happenedAt);
    if (event.estimatedDeliveryAt !== null)
      fulfillment.estimatedDeliveryAt = event.estimatedDeliveryAt;
    if (event.status === "IN_TRANSIT" && fulfillment.inTransitAt === null)
      fulfillment.inTransitAt = happenedAt;
    if (event.status === "DELIVERED") fulfillment.deliveredAt = happenedAt;
    fulfillment.updatedAt = Math.max(fulfillment.updatedAt, this.now());
    this.touch(order);
    this.emit(
      {
        topic: "fulfillment_events/create",
        shop: domain,
        subject: { kind: "fulfillmentEvent", orderId: order.id, fulfillmentId, eventId: event.id },
      },
      options,
    );
    this.emit(
      {
        topic: "fulfillments/update",
        shop: domain,
        subject: { kind: "fulfillment", orderId: order.id, fulfillmentId },
      },
      options,
    );
    return event;
  }

  // -------------------------------------------------------------------------------------------
  // Refunds

  /**
   * Validates and applies a refund like Shopify: money moves only through `transactions`;
   * quantities and amounts beyond what is refundable are user errors and nothing is applied.
   */
  createRefund(
    domain: string,
    input: RefundRequest,
    options?: MutationOptions,
  ): { refund: RefundRecord } | { userErrors: UserError[] } {
    const order = this.findOrder(domain, input.orderId);
    if (!order) return { userErrors: [{ field: ["orderId"], message: "Order does not exist" }] };
    const cur = this.shop(domain).currencyCode;
    const errors: UserError[] = [];
    const lines: RefundLineItemRecord[] = [];
    const lineInputs = input.refundLineItems ?? [];
    lineInputs.forEach((line, i) => {
      const li = order.lineItems.find((x) => x.id === line.lineItemId);
      if (!li) {
        errors.push({
          field: ["refundLineItems", String(i), "lineItemId"],
          message: "Line item does not exist",
        });
        return;
      }
      const already = lineInputs
        .slice(0, i)
        .filter((x) => x.lineItemId === li.id)
        .reduce((s, x) => s + x.quantity, 0);
      const refundable = lineItemState(order, li).refundableQuantity - already;
      if (line.quantity <= 0) {
        errors.push({
          field: ["refundLineItems", String(i), "quantity"],
          message: "Quantity must be greater than 0",
        });
      } else if (line.quantity > refundable) {
        errors.push({
          field: ["refundLineItems", String(i), "quantity"],
          message: `Quantity cannot refund more items than were purchased (${refundable} refundable for ${li.title})`,
        });
      }
      lines.push({
        id: this.newId("RefundLineItem"),
        lineItemId: li.id,
        quantity: line.quantity,
        restockType: line.restockType ?? "NO_RESTOCK",
        subtotalCents: li.priceCents * line.quantity,
      });
    });

    const totals = orderTotals(order);
    let shippingCents = 0;
    if (input.shipping) {
      const remaining = totals.shippingCents - totals.refundedShippingCents;
      shippingCents = input.shipping.fullRefund
        ? remaining
        : input.shipping.amount !== undefined && input.shipping.amount !== null
          ? toCents(input.shipping.amount, cur)
          : 0;
      if (shippingCents > remaining) {
        errors.push({
          field: ["shipping", "amount"],
          message: `Shipping refund amount cannot exceed the refundable shipping amount of ${formatCents(remaining, cur)}`,
        });
      }
    }

    const txInputs = input.transactions ?? [];
    let amountCents = 0;
    txInputs.forEach((tx, i) => {
      if (tx.kind !== "REFUND") {
        errors.push({
          field: ["transactions", String(i), "kind"],
          message: "Transaction kind must be refund",
        });
      }
      if (tx.orderId !== order.id) {
        errors.push({
          field: ["transactions", String(i), "orderId"],
          message: "Transaction order does not match",
        });
      }
      if (tx.parentId && !order.transactions.some((t) => t.id === tx.parentId)) {
        errors.push({
          field: ["transactions", String(i), "parentId"],
          message: "Parent transaction does not exist",
        });
      }
      let cents = 0;
      try {
        cents = toCents(tx.amount, cur);
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        errors.push({ field: ["transactions", String(i), "amount"], message: error.message });
        return;
      }
      if (cents <= 0)
        errors.push({
          field: ["transactions", String(i), "amount"],
          message: "Amount must be greater than 0",
        });
      amountCents += cents;
    });
    const refundableCents = totals.receivedCents - totals.refundedCents;
    if (amountCents > refundableCents && !input.allowOverRefunding) {
      errors.push({
        field: ["transactions"],
        message: `Refund amount ${formatCents(amountCents, cur)} is greater than the refundable amount of ${formatCents(refundableCents, cur)}`,
      });
    }
    if (lines.length === 0 && txInputs.length === 0 && shippingCents === 0) {
      errors.push({
        field: null,
        message: "Refund must include line items, shipping or transactions",
      });
    }
    if (errors.length > 0) return { userErrors: errors };

    const now = this.now();
    const refund: RefundRecord = {
      id: this.newId("Refund"),
      orderId: order.id,
      note: input.note ?? null,
      createdAt: now,
      lineItems: lines,
      shippingCents,
      transactionIds: [],
      restock: lines.some((l) => l.restockType !== "NO_RESTOCK"),
    };
    for (const tx of txInputs) {
      const record: TransactionRecord = {
        id: this.newId("OrderTransaction"),
        orderId: order.id,
        kind: "REFUND",
        status: "SUCCESS",
        gateway: tx.gateway,
        amountCents: toCents(tx.amount, cur),
        parentId: tx.parentId ?? null,
        createdAt: now,
      };
      order.transactions.push(record);
      refund.transactionIds.push(record.id);
    }
    order.refunds.push(refund);
    for (const l of lines) {
      if (
        l.restockType === "RETURN" ||
        l.restockType === "CANCEL" ||
        l.restockType === "LEGACY_RESTOCK"
      ) {
        this.restockLine(domain, order, l.lineItemId, l.quantity, options);
      }
    }
    this.touch(order);
    this.emit(
      {
        topic: "refunds/create",
        shop: domain,
        subject: { kind: "refund", orderId: order.id, refundId: refund.id },
      },
      options,
    );
    this.emitOrderUpdated(domain, order, options);
    return { refund };
  }

  // -------------------------------------------------------------------------------------------
  // Cancel (asynchronous, via a Job)

  cancelOrder(
    domain: string,
    input: {
      orderId: string;
      reason: CancelReason;
      restock: boolean;
      refund: boolean;
      staffNote?: string | null;
    },
    options?: MutationOptions,
  ): { job: JobRecord } | { userErrors: UserError[] } {
    const order = this.findOrder(domain, input.orderId);
    if (!order)
      return {
        userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }],
      };
    this.runDueJobs(domain);
    if (order.cancelledAt !== null) {
      return {
        userErrors: [
          { field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" },
        ],
      };
    }
    // Stricter than anything Shopify documents, on purpose: a second cancellation while the
    // first one's job runs is refused, so an app that lost the first answer must wait for the
    // order to show the cancellation rather than count on a second job.
    const running = [...this.shop(domain).jobs.values()].some((j) => !j.done && j.orderId === order.id);
    if (running) {
      return {
        userErrors: [
          { field: ["orderId"], message: "Order is already being cancelled", code: "INVALID" },
        ],
      };
    }
    const job = this.createJob(domain, () => this.applyCancel(domain, order.id, input, options), {
      orderId: order.id,
      runsForMs: this.cancelJobMs,
    });
    return { job };
  }

  private applyCancel(
    domain: string,
    orderId: string,
    input: { reason: CancelReason; restock: boolean; refund: boolean; staffNote?: string | null },
    options?: MutationOptions,
  ): void {
    const order = this.order(domain, orderId);
    if (order.cancelledAt !== null) return;
    const now = this.now();
    // Mark cancelled first so the refund's webhooks already show the cancellation.
    order.cancelledAt = now;
    order.cancelReason = input.reason;
    order.closedAt = now;
    if (input.refund) {
      // shopify.dev, orderCancel: the refund gives back "the amount paid by the customer", so
      // the shipping goes back with the items.
      const totals = orderTotals(order);
      const remaining = totals.receivedCents - totals.refundedCents;
      const sale = order.transactions.find((t) => t.kind === "SALE");
      const refundLines: RefundInputLine[] = order.lineItems
        .map((li) => ({
          lineItemId: li.id,
          quantity: lineItemState(order, li).refundableQuantity,
          restockType: input.restock ? ("CANCEL" as const) : ("NO_RESTOCK" as const),
        }))
        .filter((l) => l.quantity > 0);
      if (remaining > 0 || refundLines.length > 0) {
        this.createRefund(
          domain,
          {
            orderId,
            note: input.staffNote ?? "Order cancelled",
            refundLineItems: refundLines,
            shipping: { fullRefund: true },
            transactions:
              remaining > 0 && sale
                ? [
                    {
                      amount: formatCents(remaining, this.shop(domain).currencyCode),
                      gateway: sale.gateway,
                      kind: "REFUND",
                      orderId,
                      parentId: sale.id,
                    },
                  ]
                : [],
          },
          options,
        );
      }
    } else if (input.restock) {
      for (const li of order.lineItems)
        this.adjustAvailable(
          domain,
          li.variantId,
          lineItemState(order, li).unfulfilledQuantity,
          options,
          li.locationId,
        );
    }
    this.touch(order);
    this.emit(
      { topic: "orders/cancelled", shop: domain, subject: { kind: "order", orderId } },
      options,
    );
  }

  createJob(domain: string, run: () => void, options: { orderId?: string; runsForMs?: number } = {}): JobRecord {
    const createdAt = this.now();
    const job: JobRecord = {
      id: this.newId("Job"),
      createdAt,
      readyAt: createdAt + (options.runsForMs ?? 0),
      done: false,
      polls: 0,
      orderId: options.orderId ?? null,
      run,
    };
    this.shop(domain).jobs.set(job.id, job);
    return job;
  }

  /** Runs a pending job now (also what a `job(id)` poll does after `jobPollsUntilDone` polls). */
  completeJob(domain: string, jobId: string): JobRecord {
    const job = this.shop(domain).jobs.get(jobId);
    if (!job) throw new EmulatorError(`Unknown job ${jobId}`);
    if (!job.done) {
      job.done = true;
      job.run();
    }
    return job;
  }

  completeAllJobs(domain?: string): void {
    for (const d of domain ? [domain] : this.shopDomains()) {
      for (const job of this.shop(d).jobs.values()) if (!job.done) this.completeJob(d, job.id);
    }
  }

  /** A job finishes once its time has come and it was polled `jobPollsUntilDone` times. */
  pollJob(domain: string, jobId: string): JobRecord | undefined {
    const job = this.shop(domain).jobs.get(jobId);
    if (!job) return undefined;
    job.polls += 1;
    if (!job.done && job.polls >= this.jobPollsUntilDone && this.now() >= job.readyAt) this.completeJob(domain, jobId);
    return job;
  }

  /** Jobs whose time has come run whether or not anyone polls them, as Shopify's do: an app
   * that lost a job's id still sees the order cancelled. */
  runDueJobs(domain: string): void {
    if (!this.hasShop(domain)) return;
    const now = this.now();
    for (const job of this.shop(domain).jobs.values()) {
      if (!job.done && now >= job.readyAt) this.completeJob(domain, job.id);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Draft orders

  createDraftOrder(
    domain: string,
    input: {
      lineItems: OrderLineInput[];
      customerId?: string | null;
      email?: string | null;
      note?: string | null;
      tags?: string[];
      appliedDiscount?: AppliedDiscountRecord | null;
      shippingLine?: { title: string; price: string | number } | null;
      shippingAddress?: Partial<Address> | null;
    },
  ): DraftOrderRecord {
    const shop = this.shop(domain);
    const customer = input.customerId ? this.customer(domain, input.customerId) : undefined;
    const now = this.now();
    const draft: DraftOrderRecord = {
      id: this.newId("DraftOrder"),
      name: `#D${shop.nextDraftNumber++}`,
      status: "OPEN",
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      customerId: customer?.id ?? null,
      email: input.email ?? customer?.email ?? null,
      note: input.note ?? null,
      tags: dedupeTags(input.tags ?? []),
      lineItems: this.buildLineItems(domain, input.lineItems),
      appliedDiscount: input.appliedDiscount ?? null,
      shippingLine: input.shippingLine
        ? { title: input.shippingLine.title, priceCents: toCents(input.shippingLine.price, shop.currencyCode) }
        : null,
      shippingAddress: makeAddress(input.shippingAddress ?? customer?.address ?? null),
      orderId: null,
    };
    shop.draftOrders.set(draft.id, draft);
    return draft;
  }

  completeDraftOrder(
    domain: string,
    draftId: string,
    paymentPending: boolean,
    options?: MutationOptions,
  ): { draft: DraftOrderRecord; order: OrderRecord } | { userErrors: UserError[] } {
    const draft = this.shop(domain).draftOrders.get(draftId);
    if (!draft) return { userErrors: [{ field: ["id"], message: "Draft order does not exist" }] };
    if (draft.status === "COMPLETED") {
      return { userErrors: [{ field: ["id"], message: "This order has been paid" }] };
    }
    const cur = this.shop(domain).currencyCode;
    const totals = draftTotals(draft, cur);
    const order = this.addOrder(
      domain,
      {
        customerId: draft.customerId,
        email: draft.email,
        note: draft.note,
        tags: draft.tags,
        shippingAddress: draft.shippingAddress,
        lineItems: draft.lineItems.map((li) => ({
          variantId: li.variantId ?? undefined,
          title: li.title,
          sku: li.sku,
          price: formatCents(li.priceCents, cur),
          quantity: li.quantity,
          requiresShipping: li.requiresShipping,
        })),
        shippingLine: draft.shippingLine
          ? { title: draft.shippingLine.title, price: formatCents(draft.shippingLine.priceCents, cur) }
          : null,
        discount: formatCents(totals.discountCents, cur),
        paymentPending,
        sourceName: "shopify_draft_order",
        gateway: "manual",
      },
      options,
    );
    draft.status = "COMPLETED";
    draft.completedAt = this.now();
    draft.updatedAt = this.now();
    draft.orderId = order.id;
    return { draft, order };
  }

  // -------------------------------------------------------------------------------------------
  // Discounts

  discountByCode(domain: string, code: string): DiscountRecord | undefined {
    const wanted = code.toLowerCase();
    for (const d of this.shop(domain).discounts.values())
      if (d.code.toLowerCase() === wanted) return d;
    return undefined;
  }

  createDiscount(
    domain: string,
    input: Omit<DiscountRecord, "id" | "nodeId" | "codeId" | "createdAt">,
  ): DiscountRecord {
    const idNum = this.newId("DiscountCodeNode");
    const n = parseGid(idNum)?.id ?? 0;
    const discount: DiscountRecord = {
      ...input,
      id: gid("DiscountCodeBasic", n),
      nodeId: idNum,
      codeId: this.newId("DiscountRedeemCode"),
      createdAt: this.now(),
    };
    this.shop(domain).discounts.set(discount.nodeId, discount);
    return discount;
  }
}

// ---------------------------------------------------------------------------------------------
// Derived state (pure functions of records)

export function dedupeTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const t of tags.map((x) => x.trim()).filter(Boolean)) if (!out.includes(t)) out.push(t);
  return out;
}

export interface LineItemState {
  refundedQuantity: number;
  fulfilledQuantity: number;
  currentQuantity: number;
  refundableQuantity: number;
  unfulfilledQuantity: number;
}

export function lineItemState(order: OrderRecord, li: LineItemRecord): LineItemState {
  const refundedQuantity = order.refunds
    .flatMap((r) => r.lineItems)
    .filter((l) => l.lineItemId === li.id)
    .reduce((s, l) => s + l.quantity, 0);
  const fulfilledQuantity = order.fulfillments
    .filter((f) => f.status === "SUCCESS")
    .flatMap((f) => f.lineItems)
    .filter((l) => l.lineItemId === li.id)
    .reduce((s, l) => s + l.quantity, 0);
  const currentQuantity = li.quantity - refundedQuantity;
  return {
    refundedQuantity,
    fulfilledQuantity,
    currentQuantity,
    refundableQuantity: li.quantity - refundedQuantity,
    unfulfilledQuantity: Math.max(0, currentQuantity - fulfilledQuantity),
  };
}

export interface OrderTotals {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  totalCents: number;
  receivedCents: number;
  refundedCents: number;
  refundedShippingCents: number;
  currentTotalCents: number;
}

export function orderTotals(order: OrderRecord): OrderTotals {
  const subtotalCents = order.lineItems.reduce((s, li) => s + li.priceCents * li.quantity, 0);
  const shippingCents = order.shippingLines.reduce((s, l) => s + l.priceCents, 0);
  const discountCents = Math.min(order.discountCents, subtotalCents);
  const totalCents = subtotalCents - discountCents + shippingCents;
  const sum = (kind: TransactionKind) =>
    order.transactions
      .filter((t) => t.kind === kind && t.status === "SUCCESS")
      .reduce((s, t) => s + t.amountCents, 0);
  const refundedCents = sum("REFUND");
  const refundedShippingCents = order.refunds.reduce((s, r) => s + r.shippingCents, 0);
  const removedCents = order.refunds
    .flatMap((r) => r.lineItems)
    .reduce((s, l) => s + l.subtotalCents, 0);
  return {
    subtotalCents,
    discountCents,
    shippingCents,
    totalCents,
    receivedCents: sum("SALE") + sum("CAPTURE"),
    refundedCents,
    refundedShippingCents,
    currentTotalCents: Math.max(0, totalCents - removedCents - refundedShippingCents),
  };
}

export type FinancialStatus = "PENDING" | "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED";

export function financialStatus(order: OrderRecord): FinancialStatus {
  const t = orderTotals(order);
  if (order.paymentPending && t.receivedCents === 0)
    return order.cancelledAt !== null ? "VOIDED" : "PENDING";
  if (t.refundedCents > 0 && t.refundedCents >= t.receivedCents) return "REFUNDED";
  if (t.refundedCents > 0) return "PARTIALLY_REFUNDED";
  return "PAID";
}

export type FulfillmentStatusDisplay =
  "FULFILLED" | "PARTIALLY_FULFILLED" | "UNFULFILLED" | "RESTOCKED";

export function fulfillmentStatus(order: OrderRecord): FulfillmentStatusDisplay {
  const states = order.lineItems
    .filter((li) => li.requiresShipping)
    .map((li) => lineItemState(order, li));
  const fulfilled = states.reduce((s, x) => s + x.fulfilledQuantity, 0);
  const unfulfilled = states.reduce((s, x) => s + x.unfulfilledQuantity, 0);
  if (fulfilled === 0 && unfulfilled === 0 && order.cancelledAt !== null) return "RESTOCKED";
  if (unfulfilled === 0 && fulfilled > 0) return "FULFILLED";
  if (fulfilled > 0) return "PARTIALLY_FULFILLED";
  return "UNFULFILLED";
}

export function fulfillmentDisplayStatus(f: FulfillmentRecord): string {
  if (f.status === "CANCELLED") return "CANCELED";
  if (f.status === "FAILURE" || f.status === "ERROR") return "FAILURE";
  const last = f.events[f.events.length - 1];
  return last ? last.status : "FULFILLED";
}

export function draftTotals(draft: DraftOrderRecord, currencyCode: string): {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  totalCents: number;
} {
  const subtotalCents = draft.lineItems.reduce((s, li) => s + li.priceCents * li.quantity, 0);
  const d = draft.appliedDiscount;
  const discountCents = !d
    ? 0
    : d.valueType === "PERCENTAGE"
      ? Math.round((subtotalCents * Math.min(100, Math.max(0, d.value))) / 100)
      : Math.min(subtotalCents, toCents(d.value, currencyCode));
  const shippingCents = draft.shippingLine?.priceCents ?? 0;
  return {
    subtotalCents,
    discountCents,
    shippingCents,
    totalCents: subtotalCents - discountCents + shippingCents,
  };
}

export function trackingUrlFor(company: string | null, number: string | null): string | null {
  if (!number) return null;
  switch (company) {
    case "UPS":
      return `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=${number}`;
    case "DHL Express":
    case "DHL":
      return `https://www.dhl.com/en/express/tracking.html?AWB=${number}`;
    case "FedEx":
      return `https://www.fedex.com/fedextrack/?trknbr=${number}`;
    case "USPS":
      return `https://tools.usps.com/go/TrackConfirmAction?tLabels=${number}`;
    default:
      return null;
  }
}

export { iso };
