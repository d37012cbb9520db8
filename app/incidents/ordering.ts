// Which of two copies of one Shopify resource is the newer. Shopify delivers each webhook at
// least once and in no guaranteed order, and tells apps to order copies by the
// X-Shopify-Triggered-At header or the payload's updated_at (shopify.dev, "About webhooks").
// updated_at has one-second resolution, and some copies carry no updated_at at all, so a copy
// is placed by Shopify's clocks in turn — triggered-at, updated_at, then the copy's own
// timestamps — each consulted only when both copies carry it. Where the clocks tie, the copy
// that shows more of what only moves one way is the newer:
// - an order is never un-cancelled (the Admin API has orderCancel and no inverse); refunds and
//   fulfilments are only ever added; removed units stay removed;
// - a fulfilment goes pending → open → success, and may end cancelled, in error or failed;
// - a parcel goes label → picked up → in transit → out for delivery → (attempted) → delivered.
// Last comes a digest of the copy itself: two copies nothing else orders are settled the same
// way whatever order they arrive in, so every replay converges on one state.
import type { CopyVersion, Fulfillment, FulfillmentEvent, FulfillmentEventStatus } from "./model";

const CLOCKS = ["triggeredAt", "updatedAt", "occurredAt"] as const;

/** Negative when `a` is the older copy, positive when it is the newer, 0 for the same copy. */
export function compareCopies(a: CopyVersion, b: CopyVersion): number {
  for (const clock of CLOCKS) {
    const x = a[clock];
    const y = b[clock];
    if (x !== null && y !== null && x !== y) return x < y ? -1 : 1;
  }
  const length = Math.max(a.progress.length, b.progress.length);
  for (let i = 0; i < length; i++) {
    const x = a.progress[i] ?? 0;
    const y = b.progress[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.digest === b.digest ? 0 : a.digest < b.digest ? -1 : 1;
}

/** Whether `candidate` replaces what is held: strictly newer (a redelivery of the held copy is not). */
export function isNewerCopy(candidate: CopyVersion, held: CopyVersion | null | undefined): boolean {
  return !held || compareCopies(candidate, held) > 0;
}

/** Milliseconds of a Shopify timestamp; null when absent or unreadable. */
export function timeOf(value: string | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The latest of some timestamps, null when none is readable. */
export function latestOf(values: readonly (string | null | undefined)[]): number | null {
  const times = values.map(timeOf).filter((t): t is number => t !== null);
  return times.length ? Math.max(...times) : null;
}

const SHIPMENT_RANK: Record<FulfillmentEventStatus, number> = {
  LABEL_PURCHASED: 1,
  LABEL_PRINTED: 1,
  CONFIRMED: 1,
  READY_FOR_PICKUP: 2,
  CARRIER_PICKED_UP: 2,
  IN_TRANSIT: 3,
  // A delay is news about a parcel on its way; a failure or an attempt, about one at the door.
  DELAYED: 3,
  OUT_FOR_DELIVERY: 4,
  ATTEMPTED_DELIVERY: 5,
  FAILURE: 5,
  DELIVERED: 6,
  PICKED_UP: 6,
};

export function shipmentRank(status: FulfillmentEventStatus | null | undefined): number {
  return status ? SHIPMENT_RANK[status] : 0;
}

const FULFILMENT_RANK: Record<Fulfillment["status"], number> = {
  PENDING: 0,
  OPEN: 1,
  SUCCESS: 2,
  CANCELLED: 3,
  ERROR: 3,
  FAILURE: 3,
};

export function fulfilmentRank(status: Fulfillment["status"]): number {
  return FULFILMENT_RANK[status];
}

/** An order copy's progress: cancelled, refunds, fulfilments (and how far along), units removed. */
export function orderProgress(order: {
  cancelled: boolean;
  refunds: number;
  fulfillments: readonly { status: Fulfillment["status"]; shipmentStatus: FulfillmentEventStatus | null }[];
  removedUnits: number;
}): number[] {
  const sum = (rank: (f: (typeof order.fulfillments)[number]) => number) => order.fulfillments.reduce((total, f) => total + rank(f), 0);
  return [
    order.cancelled ? 1 : 0,
    order.refunds,
    order.fulfillments.length,
    sum((f) => fulfilmentRank(f.status)),
    sum((f) => shipmentRank(f.shipmentStatus)),
    order.removedUnits,
  ];
}

/** An event's place in the carrier's story: when it happened, then how far along, then its id. */
export function compareEvents(a: FulfillmentEvent, b: FulfillmentEvent): number {
  const happened = (timeOf(a.happenedAt) ?? 0) - (timeOf(b.happenedAt) ?? 0);
  if (happened !== 0) return happened;
  const rank = shipmentRank(a.status) - shipmentRank(b.status);
  if (rank !== 0) return rank;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** An event's version; events stored before versions were kept are placed by when they happened. */
export function eventVersion(event: FulfillmentEvent): CopyVersion {
  return (
    event.version ?? {
      triggeredAt: null,
      updatedAt: null,
      occurredAt: timeOf(event.happenedAt),
      progress: [shipmentRank(event.status)],
      digest: event.id,
    }
  );
}

export interface Shipment {
  shipmentStatus: FulfillmentEventStatus | null;
  deliveredAt: string | null;
  estimatedDeliveryAt: string | null;
}

/**
 * Where the parcel is, from what Amends heard: the carrier's events (the latest that happened
 * decides) or the status the newest fulfilment copy reported — that copy wins only if it is
 * newer than every event heard, since Shopify's copy already counts the events before it.
 */
export function shipmentOf(fulfillment: Pick<Fulfillment, "events" | "reported" | "estimatedDeliveryAt" | "deliveredAt">): Shipment {
  const events = [...fulfillment.events].sort(compareEvents);
  const latest = events.at(-1);
  const newestHeard = events.map(eventVersion).sort(compareCopies).at(-1);
  const reported = fulfillment.reported;
  const fromCopy = reported && (!newestHeard || compareCopies(reported.version, newestHeard) > 0);
  const shipmentStatus = (fromCopy ? reported.status : latest?.status) ?? reported?.status ?? null;
  const deliveredEvent = events.filter((e) => e.status === "DELIVERED").at(-1);
  const deliveredAt =
    shipmentStatus === "DELIVERED"
      ? (deliveredEvent?.happenedAt ?? (reported?.status === "DELIVERED" ? reported.at : null) ?? fulfillment.deliveredAt)
      : null;
  // The newest estimate by when the carrier made it, not by when its webhook arrived.
  const estimate = events.filter((e) => e.estimatedDeliveryAt).at(-1)?.estimatedDeliveryAt;
  return { shipmentStatus, deliveredAt, estimatedDeliveryAt: estimate ?? fulfillment.estimatedDeliveryAt };
}
