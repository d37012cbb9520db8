// Detection rules: order data in, findings out. Each returns [] when nothing is wrong. Time is
// always an argument, so a rule answers the same way in a webhook, a sweep and a test.
import type {
  AffectedLine,
  DetectionSettings,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  Gid,
  IncidentFinding,
  IncidentKind,
  OrderState,
  ResponsibleParty,
} from "../model";
import {
  addBusinessDays,
  addDaysInZone,
  businessDaysBetween,
  calendarDaysBetween,
  daysBetweenInZone,
  isIsoDate,
  localDate,
  startOfLocalDay,
} from "./calendar";

const HOUR_MS = 3_600_000;

/** A parsed ISO time, or null: one malformed timestamp must not stop the other rules. */
function instant(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function finding(
  order: OrderState,
  kind: IncidentKind,
  fields: {
    lines: AffectedLine[];
    evidence: Record<string, unknown>;
    responsibleParty: ResponsibleParty;
    summary: string;
  },
  settings: DetectionSettings,
  now: Date,
): IncidentFinding {
  return {
    kind,
    orderId: order.id,
    orderName: order.name,
    customerId: order.customer?.id ?? null,
    ...fields,
    // Wall-clock hours: the merchant's promise to a customer does not pause for weekends.
    responseDeadline: new Date(now.getTime() + settings.responseHours * HOUR_MS).toISOString(),
  };
}

function units(quantity: number): string {
  return quantity === 1 ? "1 unit" : `${quantity} units`;
}

function days(count: number): string {
  return count === 1 ? "1 day" : `${count} days`;
}

// ---------------------------------------------------------------------------------------------
// Stock-out cancellation

/** An order Shopify cancelled for lack of inventory: every line with units was lost to it. */
export function detectStockOutCancellation(
  order: OrderState,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding[] {
  if (!order.cancelledAt || order.cancelReason !== "INVENTORY") return [];
  const lines = order.lines
    .filter((line) => line.quantity > 0)
    .map((line) => ({ lineItemId: line.id, quantity: line.quantity }));
  return [
    finding(
      order,
      "stock_out_cancellation",
      {
        lines,
        evidence: { cancelReason: order.cancelReason, cancelledAt: order.cancelledAt },
        responsibleParty: "store",
        summary: `${order.name} was cancelled because items were out of stock`,
      },
      settings,
      now,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Oversell risk

export interface InventoryLevelUpdate {
  /** The variant the inventory item belongs to (the caller maps inventory items to variants). */
  variantId: Gid;
  locationId: Gid;
  /** Units available at the location; negative when more were sold than are on hand. */
  available: number;
  inventoryItemId?: Gid;
}

function orderedAt(order: OrderState): number {
  const at = instant(order.paidAt) ?? instant(order.createdAt);
  return at ? at.getTime() : Number.NEGATIVE_INFINITY;
}

/** Stock of the variant elsewhere, and where each waiting order can be fulfilled from. */
export interface StockElsewhere {
  /** Units available at the variant's locations (the level's own is taken from the update). */
  levels: readonly { locationId: Gid; available: number }[];
  /** The locations an order's fulfilment orders are assigned to. An order missing here is
   * judged at the level's location alone. */
  locationsByOrder: ReadonlyMap<Gid, readonly Gid[]>;
}

/**
 * Stock went negative at a location: the newest orders waiting for the variant there are the
 * ones that will not be served (older orders have the better claim on the units that exist),
 * so the shortfall falls on them newest first. An order is at risk only for the units that
 * the stock at its other locations (its fulfilment orders' assigned locations) cannot cover:
 * units spare elsewhere are shared, newest order first too. An order only partly short is
 * flagged with the short quantity; an order not fulfilled from the location is not affected.
 */
export function detectOversellRisk(
  update: InventoryLevelUpdate,
  orders: readonly OrderState[],
  settings: DetectionSettings,
  now: Date,
  elsewhere?: StockElsewhere,
): IncidentFinding[] {
  if (!Number.isFinite(update.available) || update.available >= 0) return [];
  const shortfall = Math.ceil(-update.available);
  const locationsOf = (order: OrderState) => elsewhere?.locationsByOrder.get(order.id) ?? [update.locationId];
  // Units to spare at every other location, drawn down as orders are served from them.
  const spare = new Map<Gid, number>();
  for (const level of elsewhere?.levels ?? []) {
    if (level.locationId !== update.locationId && level.available > 0) spare.set(level.locationId, level.available);
  }
  const waiting = orders
    .filter((order) => !order.cancelledAt && locationsOf(order).includes(update.locationId))
    .map((order) => ({
      order,
      lines: order.lines.filter(
        (line) => line.variantId === update.variantId && line.unfulfilledQuantity > 0,
      ),
    }))
    .filter((entry) => entry.lines.length > 0)
    .sort(
      (a, b) =>
        orderedAt(b.order) - orderedAt(a.order) ||
        // Same instant: fall back to something stable so reruns flag the same orders.
        b.order.createdAt.localeCompare(a.order.createdAt) ||
        b.order.id.localeCompare(a.order.id),
    );

  const findings: IncidentFinding[] = [];
  let remaining = shortfall;
  for (const { order, lines: waitingLines } of waiting) {
    if (remaining <= 0) break;
    const wanted = Math.min(
      remaining,
      waitingLines.reduce((sum, line) => sum + line.unfulfilledQuantity, 0),
    );
    // Served from the level's location or not, these units no longer weigh on it.
    remaining -= wanted;
    let covered = 0;
    for (const location of locationsOf(order)) {
      const take = Math.min(spare.get(location) ?? 0, wanted - covered);
      if (take <= 0) continue;
      spare.set(location, (spare.get(location) ?? 0) - take);
      covered += take;
    }
    const short = wanted - covered;
    if (short <= 0) continue;
    const lines: AffectedLine[] = [];
    let counted = 0;
    for (const line of waitingLines) {
      const quantity = Math.min(line.unfulfilledQuantity, short - counted);
      if (quantity <= 0) break;
      lines.push({ lineItemId: line.id, quantity });
      counted += quantity;
    }
    const title = waitingLines[0]?.title ?? "an item";
    findings.push(
      finding(
        order,
        "oversell_risk",
        {
          lines,
          evidence: {
            variantId: update.variantId,
            ...(update.inventoryItemId ? { inventoryItemId: update.inventoryItemId } : {}),
            locationId: update.locationId,
            available: update.available,
            shortfall,
            shortQuantity: short,
            ...(covered > 0 ? { coveredElsewhere: covered } : {}),
            ...(locationsOf(order).length > 1 ? { fulfilledFrom: [...locationsOf(order)] } : {}),
          },
          responsibleParty: "store",
          summary:
            `${order.name} may not ship: ${units(short)} of ${title} it is waiting for are oversold` +
            (locationsOf(order).length > 1 ? " at every location that can fulfil it" : ""),
        },
        settings,
        now,
      ),
    );
  }
  return findings;
}

export interface ActiveOversellRisk {
  incidentId: string;
  orderId: Gid;
  evidence: unknown;
}

/**
 * Oversell risks the latest level no longer supports: stock came back, or the shortfall now
 * falls on other orders (an order ahead was cancelled, a count found units). `stillShort` is
 * the orders the level's own findings flag; the rest of the variant's risks at the location
 * are cleared.
 */
export function clearedOversellRisks(
  update: Pick<InventoryLevelUpdate, "variantId" | "locationId">,
  active: readonly ActiveOversellRisk[],
  stillShort: ReadonlySet<Gid>,
): ActiveOversellRisk[] {
  return active.filter((risk) => {
    const evidence = (risk.evidence ?? {}) as { variantId?: unknown; locationId?: unknown };
    return (
      evidence.variantId === update.variantId &&
      evidence.locationId === update.locationId &&
      !stillShort.has(risk.orderId)
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Late fulfilment

/** When the order becomes late unless fulfilled, or null when the rule cannot apply (cancelled,
 * unpaid, nothing left to fulfil). May be in the past. */
export function lateFulfilmentDueAt(order: OrderState, settings: DetectionSettings): Date | null {
  if (order.cancelledAt) return null;
  const paidAt = instant(order.paidAt);
  if (!paidAt) return null;
  if (!order.lines.some((line) => line.unfulfilledQuantity > 0)) return null;
  return addBusinessDays(paidAt, settings.fulfilmentSlaBusinessDays, settings);
}

export function detectLateFulfilment(
  order: OrderState,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding[] {
  const dueAt = lateFulfilmentDueAt(order, settings);
  if (!dueAt || now.getTime() < dueAt.getTime()) return [];
  const paidAt = instant(order.paidAt) ?? dueAt;
  const elapsed = businessDaysBetween(paidAt, now, settings);
  const lines = order.lines
    .filter((line) => line.unfulfilledQuantity > 0)
    .map((line) => ({ lineItemId: line.id, quantity: line.unfulfilledQuantity }));
  const partly = order.lines.some((line) => line.unfulfilledQuantity < line.quantity);
  return [
    finding(
      order,
      "late_fulfilment",
      {
        lines,
        evidence: {
          paidAt: order.paidAt,
          dueAt: dueAt.toISOString(),
          businessDays: elapsed,
          slaBusinessDays: settings.fulfilmentSlaBusinessDays,
        },
        responsibleParty: "warehouse",
        summary: `${order.name} is still not ${partly ? "fully " : ""}fulfilled ${elapsed} business ${elapsed === 1 ? "day" : "days"} after payment`,
      },
      settings,
      now,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Late delivery and possibly lost parcels

/** Parcels that have reached the customer or a pickup point are out of the carrier's hands. */
const ARRIVED: ReadonlySet<FulfillmentEventStatus> = new Set([
  "DELIVERED",
  "PICKED_UP",
  "READY_FOR_PICKUP",
]);

/**
 * Whether the fulfilment is a shipped, tracked parcel still on its way. Untracked fulfilments
 * (digital goods, "mark as fulfilled") never get events, so silence from them means nothing;
 * a delivery failure is the carrier exception rule's business.
 */
function inTransit(fulfillment: Fulfillment): boolean {
  if (fulfillment.status !== "SUCCESS") return false;
  if (fulfillment.deliveredAt) return false;
  if (
    fulfillment.shipmentStatus &&
    (ARRIVED.has(fulfillment.shipmentStatus) || fulfillment.shipmentStatus === "FAILURE")
  ) {
    return false;
  }
  return fulfillment.trackingNumbers.length > 0 || fulfillment.events.length > 0;
}

function latestEstimate(fulfillment: Fulfillment): string | null {
  if (fulfillment.estimatedDeliveryAt) return fulfillment.estimatedDeliveryAt;
  const dated = fulfillment.events.filter((e) => instant(e.happenedAt) && e.estimatedDeliveryAt);
  dated.sort(
    (a, b) => (instant(a.happenedAt)?.getTime() ?? 0) - (instant(b.happenedAt)?.getTime() ?? 0),
  );
  return dated[dated.length - 1]?.estimatedDeliveryAt ?? null;
}

/** The local date the parcel is expected. A bare date is already the shop's date; a timestamp
 * is read in the shop's zone (midnight UTC is the previous evening in New York). */
function estimatedDate(fulfillment: Fulfillment, timeZone: string): string | null {
  const estimate = latestEstimate(fulfillment);
  if (!estimate) return null;
  if (isIsoDate(estimate)) return estimate;
  const at = instant(estimate);
  return at ? localDate(at, timeZone) : null;
}

/** The last sign of life from the carrier: the newest event, or the shipment itself. */
function lastTrackingAt(fulfillment: Fulfillment): Date | null {
  let latest = instant(fulfillment.createdAt);
  for (const event of fulfillment.events) {
    const at = instant(event.happenedAt);
    if (at && (!latest || at.getTime() > latest.getTime())) latest = at;
  }
  return latest;
}

/** When an in-transit parcel becomes late: the estimated day and the grace days have passed. */
export function lateDeliveryDueAt(
  fulfillment: Fulfillment,
  settings: DetectionSettings,
): Date | null {
  if (!inTransit(fulfillment)) return null;
  const date = estimatedDate(fulfillment, settings.timeZone);
  if (!date) return null;
  return startOfLocalDay(date, settings.timeZone, settings.deliveryGraceDays + 1);
}

/** When an in-transit parcel's tracking has been silent long enough to suspect it is lost. */
export function possiblyLostDueAt(
  fulfillment: Fulfillment,
  settings: DetectionSettings,
): Date | null {
  if (!inTransit(fulfillment)) return null;
  const last = lastTrackingAt(fulfillment);
  if (!last) return null;
  return addDaysInZone(last, settings.trackingSilenceDays, settings.timeZone);
}

function parcel(fulfillment: Fulfillment): string {
  const number = fulfillment.trackingNumbers[0];
  const carrier = fulfillment.trackingCompany ? `${fulfillment.trackingCompany} ` : "";
  return number ? `${carrier}parcel ${number}` : `${carrier}parcel`;
}

function deliveryEvidence(
  fulfillment: Fulfillment,
  settings: DetectionSettings,
  now: Date,
): Record<string, unknown> {
  const date = estimatedDate(fulfillment, settings.timeZone);
  const last = lastTrackingAt(fulfillment);
  return {
    fulfillmentId: fulfillment.id,
    trackingCompany: fulfillment.trackingCompany,
    trackingNumbers: fulfillment.trackingNumbers,
    shipmentStatus: fulfillment.shipmentStatus,
    estimatedDeliveryAt: latestEstimate(fulfillment),
    lastEventAt: last ? last.toISOString() : null,
    // Days since the estimated delivery date ended; 0 while it is today or ahead.
    daysOverdue: date
      ? Math.max(0, calendarDaysBetween(date, localDate(now, settings.timeZone)))
      : null,
    daysSilent: last ? Math.max(0, daysBetweenInZone(last, now, settings.timeZone)) : null,
  };
}

function deliveryLines(fulfillment: Fulfillment): AffectedLine[] {
  return fulfillment.lines.map((line) => ({
    lineItemId: line.lineItemId,
    quantity: line.quantity,
  }));
}

/** One finding per late parcel (an order may have several shipments). */
export function detectLateDelivery(
  order: OrderState,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding[] {
  return order.fulfillments.flatMap((fulfillment) => {
    const dueAt = lateDeliveryDueAt(fulfillment, settings);
    if (!dueAt || now.getTime() < dueAt.getTime()) return [];
    const evidence = deliveryEvidence(fulfillment, settings, now);
    return [
      finding(
        order,
        "late_delivery",
        {
          lines: deliveryLines(fulfillment),
          evidence,
          responsibleParty: "carrier",
          summary: `${order.name}'s ${parcel(fulfillment)} is ${days(Number(evidence.daysOverdue))} past its estimated delivery date`,
        },
        settings,
        now,
      ),
    ];
  });
}

export function detectPossiblyLost(
  order: OrderState,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding[] {
  return order.fulfillments.flatMap((fulfillment) => {
    const dueAt = possiblyLostDueAt(fulfillment, settings);
    if (!dueAt || now.getTime() < dueAt.getTime()) return [];
    const evidence = deliveryEvidence(fulfillment, settings, now);
    return [
      finding(
        order,
        "possibly_lost",
        {
          lines: deliveryLines(fulfillment),
          evidence,
          responsibleParty: "carrier",
          summary: `${order.name}'s ${parcel(fulfillment)} has had no tracking update for ${days(Number(evidence.daysSilent))} and may be lost`,
        },
        settings,
        now,
      ),
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Carrier exceptions

const EXCEPTIONS: Partial<Record<FulfillmentEventStatus, string>> = {
  DELAYED: "a delay",
  FAILURE: "a failed delivery",
  ATTEMPTED_DELIVERY: "a missed delivery attempt",
};

/** The carrier reported trouble with a parcel. `order` is the state with the event applied. */
export function detectCarrierException(
  order: OrderState,
  fulfillmentId: Gid,
  event: FulfillmentEvent,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding[] {
  const label = EXCEPTIONS[event.status];
  if (!label) return [];
  const fulfillment = order.fulfillments.find((f) => f.id === fulfillmentId);
  if (fulfillment?.status === "CANCELLED") return [];
  // A late-arriving webhook about trouble before the parcel was delivered is history, not news.
  const deliveredAt = instant(fulfillment?.deliveredAt);
  const happenedAt = instant(event.happenedAt);
  if (deliveredAt && (!happenedAt || happenedAt.getTime() <= deliveredAt.getTime())) return [];
  const who = fulfillment?.trackingCompany ?? "The carrier";
  const number = fulfillment?.trackingNumbers[0];
  return [
    finding(
      order,
      "carrier_exception",
      {
        lines: fulfillment ? deliveryLines(fulfillment) : [],
        evidence: {
          fulfillmentId,
          trackingCompany: fulfillment?.trackingCompany ?? null,
          trackingNumbers: fulfillment?.trackingNumbers ?? [],
          event: {
            id: event.id,
            status: event.status,
            happenedAt: event.happenedAt,
            message: event.message,
            estimatedDeliveryAt: event.estimatedDeliveryAt,
          },
        },
        responsibleParty: "carrier",
        summary:
          `${who} reported ${label} for ${order.name}${number ? ` (${number})` : ""}` +
          (event.message ? `: ${event.message}` : ""),
      },
      settings,
      now,
    ),
  ];
}
