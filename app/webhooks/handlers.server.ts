// What each webhook topic does, once its delivery is stored. Every handler validates its
// payload (a ZodError marks the delivery invalid, with the reason, for the merchant to see),
// is idempotent (redeliveries and replays change nothing), and never rolls state back.
import type { Database } from "../db.server";
import {
  clearedOversellRisks,
  detectCarrierException,
  detectOversellRisk,
  detectStockOutCancellation,
  evaluateTimeRules,
  nextCheckAt,
} from "../incidents/detection";
import type { DetectionSettings, Gid, IncidentFinding, OrderState, ShopProfile } from "../incidents/model";
import type { Logger } from "../logger.server";
import { incidentsOpened } from "../metrics.server";
import { activeIncidentsForOrder, addEvent, recordFinding } from "../models/incident.server";
import { loadOrder, ordersWaitingFor, saveOrder } from "../models/order.server";
import { transitionIncident } from "../models/remediation.server";
import { detectionSettings, ensureShop, saveShopProfile } from "../models/shop.server";
import { formatMinor, formatMoney, toMinor } from "../remediation/policy/money";
import {
  applyEvent,
  applyFulfillment,
  customerDataRequestPayload,
  customerRedactPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  gid,
  inventoryLevelPayload,
  normaliseEvent,
  normaliseOrder,
  orderPayload,
  refundPayload,
  scopesUpdatePayload,
  shopRedactPayload,
  shopUpdatePayload,
} from "./payloads";
import { eraseCustomer, eraseShop, exportCustomerData } from "../models/compliance.server";

/** What a handler may ask Shopify (the Admin API, at the edge). */
export interface ShopifyLookups {
  /** The variant an inventory item belongs to, or null if Shopify does not know it. */
  variantForInventoryItem(shop: string, inventoryItemId: Gid): Promise<Gid | null>;
  /** The shop's profile, for a shop whose webhooks arrived before its install was recorded. */
  shopProfile(shop: string): Promise<ShopProfile>;
}

export interface HandlerContext {
  db: Database;
  shop: string;
  topic: string;
  /** X-Shopify-Triggered-At, or when the delivery was received. */
  triggeredAt: Date;
  now: Date;
  lookups: ShopifyLookups;
  log: Logger;
}

/** `opened`: incidents this delivery opened (not those it added evidence to), for the
 * automatic remediation that follows. */
export type HandlerResult = { outcome: "processed" | "stale"; incidents?: string[]; opened?: string[] };
type Handler = (ctx: HandlerContext, payload: unknown) => Promise<HandlerResult>;

async function openIncidents(
  ctx: HandlerContext,
  findings: IncidentFinding[],
  order: OrderState | null,
): Promise<{ incidents: string[]; opened: string[] }> {
  const ids: string[] = [];
  const opened: string[] = [];
  for (const finding of findings) {
    const contact = {
      email: order?.customer?.email ?? order?.email ?? null,
      name: [order?.customer?.firstName, order?.customer?.lastName].filter(Boolean).join(" ") || null,
    };
    const recorded = await recordFinding(ctx.db, ctx.shop, finding, `rule:${finding.kind}`, contact);
    if (recorded.opened) {
      incidentsOpened.inc({ kind: finding.kind });
      opened.push(recorded.incidentId);
    }
    ctx.log.info({ incidentId: recorded.incidentId, kind: finding.kind, opened: recorded.opened }, finding.summary);
    ids.push(recorded.incidentId);
  }
  return { incidents: ids, opened };
}

/**
 * Stores the order's new state (unless stale) and schedules its time rules. They run only in
 * the due sweep (app/scheduler/sweep.server.ts), never here: an order already overdue is due
 * now, and the sweep picks it up within the minute, after the carrier events and updates that
 * arrive alongside (a fulfilment is often followed by its events a moment later).
 */
async function storeOrder(
  ctx: HandlerContext,
  settings: DetectionSettings,
  state: OrderState,
  sourceUpdatedAt: Date,
): Promise<"stale" | "stored"> {
  const overdue = evaluateTimeRules(state, settings, ctx.now).length > 0;
  const dueAt = overdue ? ctx.now : nextCheckAt(state, settings, ctx.now);
  const outcome = await saveOrder(ctx.db, ctx.shop, state, sourceUpdatedAt, dueAt);
  return outcome === "stale" ? "stale" : "stored";
}

/** The shop's profile, read from Shopify once if Amends does not hold it yet. */
function knownShop(ctx: HandlerContext): Promise<ShopProfile> {
  return ensureShop(ctx.db, ctx.shop, () => ctx.lookups.shopProfile(ctx.shop));
}

const orders: Handler = async (ctx, raw) => {
  const payload = orderPayload.parse(raw);
  await knownShop(ctx);
  const settings = await detectionSettings(ctx.db, ctx.shop);
  const previous = await loadOrder(ctx.db, ctx.shop, payload.admin_graphql_api_id);
  const state = normaliseOrder(payload, previous?.state);
  const sourceUpdatedAt = new Date(payload.updated_at ?? ctx.triggeredAt);
  if ((await storeOrder(ctx, settings, state, sourceUpdatedAt)) === "stale") return { outcome: "stale" };
  const findings = [
    ...detectStockOutCancellation(state, settings, ctx.now),
    ...(await oversellFromKnownShortfalls(ctx, settings, state)),
  ];
  return { outcome: "processed", ...(await openIncidents(ctx, findings, state)) };
};

/**
 * Shopify sends the inventory level a sale drove below zero about when it sends the order, and
 * either may arrive first. A level heard before the order is kept (InventoryShortfall), and
 * each order that waits on that variant is checked against it when it arrives.
 */
async function oversellFromKnownShortfalls(
  ctx: HandlerContext,
  settings: DetectionSettings,
  order: OrderState,
): Promise<IncidentFinding[]> {
  if (order.cancelledAt) return [];
  const variants = [...new Set(order.lines.flatMap((l) => (l.variantId && l.unfulfilledQuantity > 0 ? [l.variantId] : [])))];
  if (variants.length === 0) return [];
  const shortfalls = await ctx.db.inventoryShortfall.findMany({ where: { shop: ctx.shop, variantId: { in: variants } } });
  const findings: IncidentFinding[] = [];
  for (const level of shortfalls) {
    const waiting = await ordersWaitingFor(ctx.db, ctx.shop, level.variantId);
    findings.push(
      ...detectOversellRisk(
        { variantId: level.variantId, locationId: level.locationId, available: level.available },
        waiting,
        settings,
        ctx.now,
      ).filter((finding) => finding.orderId === order.id),
    );
  }
  return findings;
}

/** The stored order a fulfilment belongs to; a fulfilment of an order Amends never heard
 * about starts a minimal record (its line items come with the next order update). */
async function orderForFulfillment(ctx: HandlerContext, orderId: Gid, name: string | null | undefined) {
  const stored = await loadOrder(ctx.db, ctx.shop, orderId);
  if (stored) return stored;
  const { currencyCode } = await knownShop(ctx);
  const state: OrderState = {
    id: orderId,
    name: (name ?? "").split(".")[0] || orderId,
    createdAt: ctx.triggeredAt.toISOString(),
    paidAt: null,
    cancelledAt: null,
    cancelReason: null,
    customer: null,
    lines: [],
    fulfillments: [],
    totalPrice: { amount: formatMinor(0, currencyCode), currencyCode },
  };
  return { state, sourceUpdatedAt: new Date(0), dueAt: null };
}

const fulfillments: Handler = async (ctx, raw) => {
  const payload = fulfillmentPayload.parse(raw);
  await knownShop(ctx);
  const settings = await detectionSettings(ctx.db, ctx.shop);
  const orderId = gid("Order", payload.order_id);
  const stored = await orderForFulfillment(ctx, orderId, payload.name);
  const state = applyFulfillment(stored.state, payload);
  if (state === stored.state) return { outcome: "stale" };
  // The order's own clock is kept: a fulfilment change is newer evidence, not a newer order.
  await storeOrder(ctx, settings, state, stored.sourceUpdatedAt);
  for (const incident of await activeIncidentsForOrder(ctx.db, ctx.shop, orderId)) {
    await addEvent(ctx.db, incident.id, {
      type: "fulfillment",
      actor: "shopify",
      message: `Fulfilment ${payload.name ?? ""} is ${payload.status}${payload.shipment_status ? ` (${payload.shipment_status})` : ""}`,
      data: { fulfillmentId: payload.admin_graphql_api_id, tracking: payload.tracking_numbers ?? [] },
    });
  }
  return { outcome: "processed" };
};

const fulfillmentEvents: Handler = async (ctx, raw) => {
  const payload = fulfillmentEventPayload.parse(raw);
  const event = normaliseEvent(payload);
  await knownShop(ctx);
  const settings = await detectionSettings(ctx.db, ctx.shop);
  const orderId = gid("Order", payload.order_id);
  const fulfillmentId = gid("Fulfillment", payload.fulfillment_id);
  const stored = await orderForFulfillment(ctx, orderId, null);
  if (!event) {
    ctx.log.warn({ status: payload.status }, "fulfilment event with a status Amends does not know; ignored");
    return { outcome: "processed" };
  }
  let state = stored.state;
  if (!state.fulfillments.some((f) => f.id === fulfillmentId)) {
    // The event outran its fulfilment's own webhook: keep it on a placeholder fulfilment.
    state = {
      ...state,
      fulfillments: [
        ...state.fulfillments,
        {
          id: fulfillmentId,
          status: "SUCCESS",
          createdAt: event.happenedAt,
          trackingCompany: null,
          trackingNumbers: [],
          shipmentStatus: null,
          estimatedDeliveryAt: null,
          deliveredAt: null,
          events: [],
          lines: [],
        },
      ],
    };
  }
  const next = applyEvent(state, fulfillmentId, event);
  await storeOrder(ctx, settings, next, stored.sourceUpdatedAt);
  const findings = detectCarrierException(next, fulfillmentId, event, settings, ctx.now);
  return { outcome: "processed", ...(await openIncidents(ctx, findings, next)) };
};

const inventoryLevels: Handler = async (ctx, raw) => {
  const payload = inventoryLevelPayload.parse(raw);
  const locationId = gid("Location", payload.location_id);
  const updatedAt = new Date(payload.updated_at ?? ctx.triggeredAt);
  if (payload.available === null || payload.available >= 0) {
    // Back in stock: forget the shortfall, unless what is stored is newer than this copy, and
    // close the oversell risks it had raised.
    const where = { shop: ctx.shop, inventoryItemId: gid("InventoryItem", payload.inventory_item_id), locationId, updatedAt: { lte: updatedAt } };
    const cleared = await ctx.db.inventoryShortfall.findMany({ where, select: { variantId: true } });
    await ctx.db.inventoryShortfall.deleteMany({ where });
    for (const { variantId } of cleared) {
      await clearOversellRisks(ctx, { variantId, locationId, available: payload.available ?? 0 }, new Set());
    }
    return { outcome: "processed" };
  }
  await knownShop(ctx);
  const settings = await detectionSettings(ctx.db, ctx.shop);
  const inventoryItemId = gid("InventoryItem", payload.inventory_item_id);
  const variantId = await ctx.lookups.variantForInventoryItem(ctx.shop, inventoryItemId);
  if (!variantId) return { outcome: "processed" };
  const key = { shop_variantId_locationId: { shop: ctx.shop, variantId, locationId } };
  const stored = await ctx.db.inventoryShortfall.findUnique({ where: key });
  if (stored && stored.updatedAt > updatedAt) return { outcome: "stale" };
  await ctx.db.inventoryShortfall.upsert({
    where: key,
    create: { shop: ctx.shop, variantId, inventoryItemId, locationId, available: payload.available, updatedAt },
    update: { available: payload.available, updatedAt },
  });
  const waiting = await ordersWaitingFor(ctx.db, ctx.shop, variantId);
  const findings = detectOversellRisk(
    { variantId, locationId, available: payload.available },
    waiting,
    settings,
    ctx.now,
  );
  await clearOversellRisks(ctx, { variantId, locationId, available: payload.available }, new Set(findings.map((f) => f.orderId)));
  const byId = new Map(waiting.map((o) => [o.id, o]));
  const result = { incidents: [] as string[], opened: [] as string[] };
  for (const finding of findings) {
    const recorded = await openIncidents(ctx, [finding], byId.get(finding.orderId) ?? null);
    result.incidents.push(...recorded.incidents);
    result.opened.push(...recorded.opened);
  }
  return { outcome: "processed", ...result };
};

/** Resolves the oversell risks the level no longer supports, open or waiting for the merchant's
 * approval: there is nothing left to warn the customer about. A risk already being remedied is
 * left to finish. */
async function clearOversellRisks(ctx: HandlerContext, level: { variantId: Gid; locationId: Gid; available: number }, stillShort: Set<Gid>) {
  const active = await ctx.db.incident.findMany({
    where: { shop: ctx.shop, kind: "oversell_risk", status: { in: ["open", "awaiting_approval"] } },
    select: { id: true, orderId: true, evidence: true },
  });
  const cleared = clearedOversellRisks(
    level,
    active.map((incident) => ({ incidentId: incident.id, orderId: incident.orderId, evidence: incident.evidence })),
    stillShort,
  );
  for (const risk of cleared) {
    await transitionIncident(ctx.db, {
      incidentId: risk.incidentId,
      from: ["open", "awaiting_approval"],
      to: "resolved",
      actor: "rule:oversell_risk",
      message: `No longer at risk: ${level.available} available at the location, so the order can be served.`,
      data: { available: level.available, variantId: level.variantId, locationId: level.locationId },
    });
  }
}

const refunds: Handler = async (ctx, raw) => {
  const payload = refundPayload.parse(raw);
  const orderId = gid("Order", payload.order_id);
  const refunded = payload.transactions.filter((t) => t.kind === "refund" && (t.status ?? "success") === "success");
  const profile = await knownShop(ctx);
  // Transactions carry their currency; one refund is paid out in one.
  const currencyCode = refunded.find((t) => t.currency)?.currency ?? profile.currencyCode;
  const minor = refunded.reduce((sum, t) => sum + toMinor(t.amount, t.currency ?? currencyCode), 0);
  const amount = formatMinor(minor, currencyCode);
  // Amends' own refunds are recorded with Shopify's refund id when the call returns.
  const byAmends = await ctx.db.remediation.findFirst({
    where: { shop: ctx.shop, shopifyId: payload.admin_graphql_api_id },
    select: { id: true },
  });
  for (const incident of await activeIncidentsForOrder(ctx.db, ctx.shop, orderId)) {
    await addEvent(ctx.db, incident.id, {
      type: "refund",
      actor: byAmends ? "amends" : "shopify",
      message: `${byAmends ? "Amends' refund confirmed by Shopify" : "Refunded in Shopify, outside Amends"}: ${formatMoney({ amount, currencyCode }, profile.primaryLocale)}`,
      data: {
        refundId: payload.admin_graphql_api_id,
        amount,
        currencyCode,
        lines: payload.refund_line_items.map((l) => ({ lineItemId: gid("LineItem", l.line_item_id), quantity: l.quantity })),
        note: payload.note,
      },
    });
  }
  return { outcome: "processed" };
};

const appUninstalled: Handler = async (ctx) => {
  // Sessions go (the token is dead); the shop's incidents stay until shop/redact, 48 hours on.
  await ctx.db.session.deleteMany({ where: { shop: ctx.shop } });
  await ctx.db.shop.updateMany({ where: { domain: ctx.shop }, data: { uninstalledAt: ctx.triggeredAt } });
  return { outcome: "processed" };
};

const scopesUpdate: Handler = async (ctx, raw) => {
  const payload = scopesUpdatePayload.parse(raw);
  await ctx.db.session.updateMany({ where: { shop: ctx.shop }, data: { scope: payload.current.join(",") } });
  return { outcome: "processed" };
};

const customersDataRequest: Handler = async (ctx, raw) => {
  const payload = customerDataRequestPayload.parse(raw);
  await exportCustomerData(ctx.db, ctx.shop, payload);
  return { outcome: "processed" };
};

const customersRedact: Handler = async (ctx, raw) => {
  const payload = customerRedactPayload.parse(raw);
  await eraseCustomer(ctx.db, ctx.shop, payload);
  return { outcome: "processed" };
};

const shopRedact: Handler = async (ctx, raw) => {
  shopRedactPayload.parse(raw);
  await eraseShop(ctx.db, ctx.shop);
  return { outcome: "processed" };
};

/** The merchant changed the shop in Shopify: its currency, zone, country, locale, name or
 * contact e-mail. A null zone in the payload keeps the one Amends holds. */
const shopUpdate: Handler = async (ctx, raw) => {
  const payload = shopUpdatePayload.parse(raw);
  const stored = await ctx.db.shop.findUnique({ where: { domain: ctx.shop }, select: { timeZone: true } });
  // Without a zone in the payload or in Amends, Shopify is asked once: never assumed UTC.
  const timeZone = payload.iana_timezone ?? stored?.timeZone ?? (await ctx.lookups.shopProfile(ctx.shop)).timeZone;
  await saveShopProfile(ctx.db, ctx.shop, {
    name: payload.name,
    currencyCode: payload.currency,
    timeZone,
    country: payload.country_code,
    primaryLocale: payload.primary_locale,
    email: payload.customer_email,
  });
  return { outcome: "processed" };
};

export const HANDLERS: Record<string, Handler> = {
  "orders/create": orders,
  "orders/updated": orders,
  "orders/cancelled": orders,
  "fulfillments/create": fulfillments,
  "fulfillments/update": fulfillments,
  "fulfillment_events/create": fulfillmentEvents,
  "inventory_levels/update": inventoryLevels,
  "refunds/create": refunds,
  "app/uninstalled": appUninstalled,
  "app/scopes_update": scopesUpdate,
  "customers/data_request": customersDataRequest,
  "customers/redact": customersRedact,
  "shop/redact": shopRedact,
  "shop/update": shopUpdate,
};
