// What each webhook topic does, once its delivery is stored. Every handler validates its
// payload (a ZodError marks the delivery invalid, with the reason, for the merchant to see),
// is idempotent (redeliveries and replays change nothing), and never rolls state back.
import { z } from "zod";

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
import { gid } from "../incidents/model";
import type { Logger } from "../logger.server";
import { incidentsOpened } from "../metrics.server";
import { activeIncidentsForOrder, addEvent, recordFinding, unresolvedOversellRisks } from "../models/incident.server";
import type { StoredOrder } from "../models/order.server";
import { changeOrder, ordersWaitingFor, shortfallsFor } from "../models/order.server";
import { clearShortfalls, holdShortfall, shortfallsElsewhere } from "../models/shortfall.server";
import type { FulfilmentLocations, InventoryItemStock, ShopifyLookups } from "../shopify/lookups.server";
import { madeByAmends, transitionIncident } from "../models/remediation.server";
import type { ShopReads } from "../models/shop.server";
import { NotInstalledShop, saveShopProfile } from "../models/shop.server";
import { formatMinor, formatMoney, toMinor } from "../remediation/policy/money";
import {
  applyEvent,
  applyFulfillment,
  customerDataRequestPayload,
  customerRedactPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  inventoryLevelPayload,
  normaliseEvent,
  applyOrderCopy,
  orderPayload,
  refundPayload,
  scopesUpdatePayload,
  shopRedactPayload,
  shopUpdatePayload,
} from "./payloads";
import { eraseCustomer, eraseShop, exportCustomerData } from "../models/compliance.server";

export interface HandlerContext {
  db: Database;
  shop: string;
  topic: string;
  /** X-Shopify-Triggered-At, or when the delivery was received. */
  triggeredAt: Date;
  /** X-Shopify-Triggered-At as Shopify sent it; null when the delivery had none. Only this
   * places a copy in Shopify's ordering: when a delivery arrived says nothing about it. */
  shopifyTriggeredAt: Date | null;
  /** The body as Shopify sent it: a copy's text, for its digest (payloads.ts). */
  body: string;
  now: Date;
  lookups: ShopifyLookups;
  log: Logger;
  /** The shop rows this delivery's batch has read (install, profile, settings): each read once. */
  shops: ShopReads;
}

/** `opened`: incidents this delivery opened or escalated (not those it only added evidence to),
 * for the automatic remediation that follows. */
export type HandlerResult = { outcome: "processed" | "stale"; incidents?: string[]; opened?: string[] };
type Handler = (ctx: HandlerContext, payload: unknown) => Promise<HandlerResult>;

/** Records the findings; `orders` are the orders they are about (for the customer's contact). */
async function openIncidents(
  ctx: HandlerContext,
  findings: IncidentFinding[],
  orders: readonly OrderState[],
): Promise<{ incidents: string[]; opened: string[] }> {
  const ids: string[] = [];
  const opened: string[] = [];
  for (const finding of findings) {
    const order = orders.find((o) => o.id === finding.orderId);
    const contact = {
      email: order?.customer?.email ?? order?.email ?? null,
      name: [order?.customer?.firstName, order?.customer?.lastName].filter(Boolean).join(" ") || null,
    };
    const recorded = await recordFinding(ctx.db, ctx.shop, finding, `rule:${finding.kind}`, contact);
    if (recorded.opened) incidentsOpened.inc({ kind: finding.kind });
    if (recorded.opened || recorded.escalated) opened.push(recorded.incidentId);
    ctx.log.info({ incidentId: recorded.incidentId, kind: finding.kind, opened: recorded.opened }, finding.summary);
    ids.push(recorded.incidentId);
  }
  return { incidents: ids, opened };
}

/**
 * When the order's time rules next need a look. They run only in the due sweep
 * (app/scheduler/sweep.server.ts), never here: an order already overdue is due now, and the
 * sweep picks it up within the minute, after the carrier events and updates that arrive
 * alongside (a fulfilment is often followed by its events a moment later).
 */
function dueAt(ctx: HandlerContext, settings: DetectionSettings, state: OrderState): Date | null {
  const overdue = evaluateTimeRules(state, settings, ctx.now).length > 0;
  return overdue ? ctx.now : nextCheckAt(state, settings, ctx.now);
}

/** The shop's profile, read from Shopify once if Amends does not hold it yet. A webhook never
 * creates a shop that did not install Amends (the intake refuses those; this holds the line for
 * deliveries stored before it did). */
async function knownShop(ctx: HandlerContext): Promise<ShopProfile> {
  await installedShop(ctx);
  return ctx.shops.ensureProfile(ctx.shop, () => ctx.lookups.shopProfile(ctx.shop));
}

async function installedShop(ctx: HandlerContext): Promise<void> {
  if (!(await ctx.shops.isInstalled(ctx.shop))) throw new NotInstalledShop(ctx.shop);
}

/** The shop a compliance body names is the one acted on; it must be the delivery's. */
function shopNamed(ctx: HandlerContext, named: string): string {
  // A ZodError: the delivery is marked invalid with the reason, and nothing is erased.
  return z.literal(ctx.shop, { error: `the body names ${named}, not ${ctx.shop}` }).parse(named);
}

const orders: Handler = async (ctx, raw) => {
  const payload = orderPayload.parse(raw);
  await knownShop(ctx);
  const settings = await ctx.shops.detectionSettings(ctx.shop);
  let first = false;
  const saved = await changeOrder(ctx.db, ctx.shop, payload.admin_graphql_api_id, (stored) => {
    first = !isKnownOrder(stored);
    const applied = applyOrderCopy(stored, payload, ctx.shopifyTriggeredAt, ctx.body);
    if (!applied) return null; // not newer than the copy held: nothing is rolled back
    const sourceUpdatedAt = new Date(payload.updated_at ?? ctx.triggeredAt);
    return { state: applied.state, dueAt: dueAt(ctx, settings, applied.state), copy: { version: applied.copyVersion, sourceUpdatedAt } };
  });
  const state = saved.state;
  if (saved.outcome === "unchanged" || !state) return { outcome: "stale" };
  const oversell = await oversellFromKnownShortfalls(ctx, settings, state);
  const findings = [
    ...detectStockOutCancellation(state, settings, ctx.now),
    ...oversell.findings,
    ...(first ? carrierNewsHeldBefore(state, settings, ctx.now) : []),
  ];
  return { outcome: "processed", ...(await openIncidents(ctx, findings, [state, ...oversell.orders])) };
};

/**
 * Whether Amends holds the order itself, not only a record started by a fulfilment or a
 * carrier event that outran it (no order copy, no lines; older rows have lines and no copy).
 */
function isKnownOrder(stored: StoredOrder | null): boolean {
  return stored !== null && (stored.copyVersion !== null || stored.state.lines.length > 0);
}

/** Carrier trouble heard before the order itself: judged now that the order is known, the
 * parcel's latest exception each. */
function carrierNewsHeldBefore(state: OrderState, settings: DetectionSettings, now: Date): IncidentFinding[] {
  return state.fulfillments.flatMap((f) => {
    const latest = f.events.filter((e) => detectCarrierException(state, f.id, e, settings, now).length > 0).at(-1);
    return latest ? detectCarrierException(state, f.id, latest, settings, now) : [];
  });
}

/**
 * Shopify sends the inventory level a sale drove below zero about when it sends the order, and
 * either may arrive first. A level heard before the order is kept (InventoryShortfall), and
 * each order that waits on that variant is checked against it when it arrives.
 */
async function oversellFromKnownShortfalls(
  ctx: HandlerContext,
  settings: DetectionSettings,
  order: OrderState,
): Promise<{ findings: IncidentFinding[]; orders: OrderState[] }> {
  const none = { findings: [], orders: [] };
  if (order.cancelledAt) return none;
  const variants = [...new Set(order.lines.flatMap((l) => (l.variantId && l.unfulfilledQuantity > 0 ? [l.variantId] : [])))];
  if (variants.length === 0) return none;
  const shortfalls = await shortfallsFor(ctx.db, ctx.shop, variants);
  const found: { findings: IncidentFinding[]; orders: OrderState[] } = { findings: [], orders: [] };
  for (const level of shortfalls) {
    const waiting = await ordersWaitingFor(ctx.db, ctx.shop, level.variantId);
    const judged = await judgeOversell(ctx, settings, level, waiting, null, order.id);
    if (!judged) continue;
    // The level was judged before this order was known: the shortfall now falls on it (served
    // from the location or from another one) rather than on older orders, or, when it is
    // served from another location, on older orders that location can no longer serve.
    found.findings.push(...judged.findings);
    found.orders.push(...waiting);
    await clearOversellRisks(ctx, level, judged, `the units short at the location now fall on ${order.name}, placed later`);
  }
  return found;
}

type ShortLevel = { variantId: Gid; inventoryItemId: Gid; locationId: Gid; available: number };

/** Orders asked about per round when looking for where waiting orders can be fulfilled from. */
const LOCATIONS_PER_ROUND = 25;

/**
 * The oversell risks of a level below zero. Judged at the level's location first; only if an
 * order is short there and another location has units to spare does Amends ask Shopify where
 * the waiting orders can be fulfilled from (their fulfilment orders' assigned locations), newest
 * first, until they account for the shortfall. With `only`, null when that order is not short
 * even at the location alone: its arrival changes nothing.
 */
async function judgeOversell(
  ctx: HandlerContext,
  settings: DetectionSettings,
  level: ShortLevel,
  waiting: OrderState[],
  known: InventoryItemStock | null,
  only: Gid | null = null,
): Promise<Judged | null> {
  const alone = detectOversellRisk(level, waiting, settings, ctx.now);
  if (only !== null && !alone.some((finding) => finding.orderId === only)) return null;
  const asIs = { findings: alone, coveredElsewhere: new Set<Gid>() };
  if (alone.length === 0) return asIs;
  const stock = known ?? (await ctx.lookups.inventoryItemStock(ctx.shop, level.inventoryItemId));
  if (!stock?.levels.some((l) => l.locationId !== level.locationId && l.available > 0)) return asIs;
  const locationsByOrder: FulfilmentLocations = new Map();
  let units = 0;
  for (let i = 0; i < waiting.length && units < -level.available; i += LOCATIONS_PER_ROUND) {
    const round = waiting.slice(i, i + LOCATIONS_PER_ROUND);
    const found = await ctx.lookups.fulfilmentLocations(ctx.shop, round.map((o) => o.id));
    for (const order of round) {
      const locations = found.get(order.id);
      if (locations) locationsByOrder.set(order.id, locations);
      if (!locations || locations.includes(level.locationId)) units += waitingUnits(order, level.variantId);
    }
  }
  const findings = detectOversellRisk(level, waiting, settings, ctx.now, { levels: stock.levels, locationsByOrder });
  const short = new Set(findings.map((finding) => finding.orderId));
  return { findings, coveredElsewhere: new Set(alone.map((f) => f.orderId).filter((id) => !short.has(id))) };
}

/** `coveredElsewhere`: orders short at the location that other locations can serve. */
type Judged = { findings: IncidentFinding[]; coveredElsewhere: Set<Gid> };

function waitingUnits(order: OrderState, variantId: Gid): number {
  return order.lines.reduce((sum, line) => sum + (line.variantId === variantId ? line.unfulfilledQuantity : 0), 0);
}

/** A minimal record for an order Amends has not heard of, which a fulfilment or a carrier
 * event starts (its line items come with the order's own copy). */
async function unheardOrder(ctx: HandlerContext, orderId: Gid, name: string | null | undefined): Promise<OrderState> {
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
  return state;
}

const fulfillments: Handler = async (ctx, raw) => {
  const payload = fulfillmentPayload.parse(raw);
  await knownShop(ctx);
  const settings = await ctx.shops.detectionSettings(ctx.shop);
  const orderId = gid("Order", payload.order_id);
  // The order copy held is kept: a fulfilment change is newer evidence, not a newer order.
  const saved = await changeOrder(ctx.db, ctx.shop, orderId, async (stored) => {
    const held = stored?.state ?? (await unheardOrder(ctx, orderId, payload.name));
    const state = applyFulfillment(held, payload, ctx.shopifyTriggeredAt, ctx.body);
    return state === held ? null : { state, dueAt: dueAt(ctx, settings, state) };
  });
  if (saved.outcome === "unchanged") return { outcome: "stale" };
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
  const event = normaliseEvent(payload, ctx.shopifyTriggeredAt, ctx.body);
  await knownShop(ctx);
  const settings = await ctx.shops.detectionSettings(ctx.shop);
  const orderId = gid("Order", payload.order_id);
  const fulfillmentId = gid("Fulfillment", payload.fulfillment_id);
  if (!event) {
    ctx.log.warn({ status: payload.status }, "fulfilment event with a status Amends does not know; ignored");
    return { outcome: "processed" };
  }
  let known = false;
  const saved = await changeOrder(ctx.db, ctx.shop, orderId, async (stored) => {
    known = isKnownOrder(stored);
    const held = stored?.state ?? (await unheardOrder(ctx, orderId, null));
    const next = applyEvent(held, fulfillmentId, event);
    return next === held ? null : { state: next, dueAt: dueAt(ctx, settings, next) };
  });
  const next = saved.state;
  if (!next) return { outcome: "stale" };
  // Trouble with a parcel of an order Amends has not heard of yet is kept as evidence and judged
  // when the order arrives: an incident needs the order's name, customer and lines.
  if (!known) return { outcome: "processed" };
  const findings = detectCarrierException(next, fulfillmentId, event, settings, ctx.now);
  return { outcome: "processed", ...(await openIncidents(ctx, findings, [next])) };
};

const inventoryLevels: Handler = async (ctx, raw) => {
  const payload = inventoryLevelPayload.parse(raw);
  const locationId = gid("Location", payload.location_id);
  const updatedAt = new Date(payload.updated_at ?? ctx.triggeredAt);
  if (payload.available === null || payload.available >= 0) {
    // Back in stock: forget the shortfall, unless what is stored is newer than this copy, and
    // close the oversell risks it had raised.
    const inventoryItemId = gid("InventoryItem", payload.inventory_item_id);
    const cleared = await clearShortfalls(ctx.db, ctx.shop, inventoryItemId, locationId, updatedAt);
    for (const variantId of cleared) {
      await clearOversellRisks(ctx, { variantId, locationId, available: payload.available ?? 0 }, { findings: [], coveredElsewhere: new Set() });
    }
    return { outcome: "processed", ...(await rejudgeShortfallsElsewhere(ctx, inventoryItemId, locationId, null)) };
  }
  await knownShop(ctx);
  const settings = await ctx.shops.detectionSettings(ctx.shop);
  const inventoryItemId = gid("InventoryItem", payload.inventory_item_id);
  const stock = await ctx.lookups.inventoryItemStock(ctx.shop, inventoryItemId);
  if (!stock) return { outcome: "processed" };
  const { variantId } = stock;
  if (!(await holdShortfall(ctx.db, ctx.shop, { variantId, inventoryItemId, locationId, available: payload.available, updatedAt }))) {
    return { outcome: "stale" };
  }
  const waiting = await ordersWaitingFor(ctx.db, ctx.shop, variantId);
  const judged = (await judgeOversell(ctx, settings, { variantId, inventoryItemId, locationId, available: payload.available }, waiting, stock)) ?? {
    findings: [],
    coveredElsewhere: new Set<Gid>(),
  };
  const { findings } = judged;
  await clearOversellRisks(ctx, { variantId, locationId, available: payload.available }, judged);
  const here = await openIncidents(ctx, findings, waiting);
  const elsewhere = await rejudgeShortfallsElsewhere(ctx, inventoryItemId, locationId, stock);
  return { outcome: "processed", incidents: [...here.incidents, ...elsewhere.incidents], opened: [...here.opened, ...elsewhere.opened] };
};

/**
 * A level that moved at one location changes what it can spare for the item's shortfalls at
 * its other locations: orders it covered may no longer be covered, or now are.
 */
async function rejudgeShortfallsElsewhere(
  ctx: HandlerContext,
  inventoryItemId: Gid,
  locationId: Gid,
  known: InventoryItemStock | null,
): Promise<{ incidents: string[]; opened: string[] }> {
  const result = { incidents: [] as string[], opened: [] as string[] };
  const others = await shortfallsElsewhere(ctx.db, ctx.shop, inventoryItemId, locationId);
  if (others.length === 0) return result;
  const stock = known ?? (await ctx.lookups.inventoryItemStock(ctx.shop, inventoryItemId));
  if (!stock) return result;
  const settings = await ctx.shops.detectionSettings(ctx.shop);
  for (const level of others) {
    const waiting = await ordersWaitingFor(ctx.db, ctx.shop, level.variantId);
    const judged = (await judgeOversell(ctx, settings, level, waiting, stock)) ?? { findings: [], coveredElsewhere: new Set<Gid>() };
    await clearOversellRisks(ctx, level, judged);
    const recorded = await openIncidents(ctx, judged.findings, waiting);
    result.incidents.push(...recorded.incidents);
    result.opened.push(...recorded.opened);
  }
  return result;
}

/** Resolves the oversell risks the level no longer supports, open or waiting for the merchant's
 * approval: there is nothing left to warn the customer about. A risk already being remedied is
 * left to finish. */
async function clearOversellRisks(
  ctx: HandlerContext,
  level: { variantId: Gid; locationId: Gid; available: number },
  judged: Judged,
  because = `${level.available} available at the location`,
) {
  const stillShort = new Set(judged.findings.map((finding) => finding.orderId));
  const active = await unresolvedOversellRisks(ctx.db, ctx.shop);
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
      message: judged.coveredElsewhere.has(risk.orderId)
        ? "No longer at risk: another location that can fulfil the order has the units."
        : `No longer at risk: ${because}, so the order can be served.`,
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
  const byAmends = await madeByAmends(ctx.db, ctx.shop, payload.admin_graphql_api_id);
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
  await exportCustomerData(ctx.db, shopNamed(ctx, payload.shop_domain), payload);
  return { outcome: "processed" };
};

const customersRedact: Handler = async (ctx, raw) => {
  const payload = customerRedactPayload.parse(raw);
  await eraseCustomer(ctx.db, shopNamed(ctx, payload.shop_domain), payload);
  return { outcome: "processed" };
};

const shopRedact: Handler = async (ctx, raw) => {
  const payload = shopRedactPayload.parse(raw);
  await eraseShop(ctx.db, shopNamed(ctx, payload.shop_domain));
  return { outcome: "processed" };
};

/** The merchant changed the shop in Shopify: its currency, zone, country, locale, name or
 * contact e-mail. A null zone in the payload keeps the one Amends holds. */
const shopUpdate: Handler = async (ctx, raw) => {
  const payload = shopUpdatePayload.parse(raw);
  if (payload.myshopify_domain) shopNamed(ctx, payload.myshopify_domain);
  await installedShop(ctx);
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
