// Issue 5: a whole day of a store, end to end. The Shopify emulator holds a seeded shop (three
// weeks of orders) and sends signed webhooks over HTTP to the real intake; the processor acts on
// them, asking the emulator's Admin API what it needs; the due sweep runs at the end of the day
// and again on Monday. Every incident Amends opens is checked against what the store's own
// records say a merchant should see, one per order and kind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import type { OrderState } from "../app/incidents/model";
import { DEFAULT_DETECTION_SETTINGS } from "../app/incidents/model";
import { logger } from "../app/logger.server";
import { loadOrder } from "../app/models/order.server";
import { sweepDueOrders } from "../app/scheduler/sweep.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type {
  EmulatorStore,
  FulfillmentRecord,
  OrderRecord,
  RunningEmulator,
  SeededShop,
  StoreEvent,
  VariantRecord,
} from "./shopify-emulator";
import { DEFAULT_CANCEL_JOB_MS, lineItemState, manualClock, seedDemoShop } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import { eventsActedOnOnce } from "./support/events-acted-on";
import { storeHistory } from "./support/store-history";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { markInstalled } from "./support/installed-shops";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "store-day-secret";
const SHOP = "northwind-day.myshopify.com";
const TOKEN = "shpat_store_day";
const DAY = 86_400_000;
const settings = DEFAULT_DETECTION_SETTINGS; // a new shop's: 3 business days, 2 grace days, 7 silent days (the shop's zone is UTC)

/** Wednesday 18 November 2026, hh:mm UTC: the business day. */
const wed = (hour: number, minute = 0) => Date.UTC(2026, 10, 18, hour, minute);
const MORNING = wed(8);
const END_OF_DAY = wed(18);
const MONDAY = Date.UTC(2026, 10, 23, 10);

const CANCEL_FOR_INVENTORY = `
  mutation CancelForInventory($orderId: ID!) {
    orderCancel(orderId: $orderId, reason: INVENTORY, restock: true, notifyCustomer: false,
                refundMethod: { originalPaymentMethodsRefund: true }) {
      job { id done }
      orderCancelUserErrors { message }
    }
  }`;
const CANCEL_JOB = `query CancelJob($id: ID!) { job(id: $id) { id done } }`;

// ---------------------------------------------------------------------------------------------
// What the store's records say a merchant should see, independently of Amends' own state.

/** `days` business days (Monday to Friday, UTC) after `ms`; a weekend start counts from Monday 00:00. */
function businessDaysAfter(ms: number, days: number): number {
  let t = ms;
  const weekday = new Date(ms).getUTCDay();
  if (weekday === 0 || weekday === 6) t = Math.floor(ms / DAY) * DAY + (weekday === 6 ? 2 : 1) * DAY;
  for (let added = 0; added < days; ) {
    t += DAY;
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) added++;
  }
  return t;
}

/** A tracked parcel the carrier has not delivered yet. */
function inTransit(f: FulfillmentRecord): boolean {
  return f.status === "SUCCESS" && f.deliveredAt === null && (f.trackingNumber !== null || f.events.length > 0);
}

const EXCEPTIONS = new Set(["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"]);

/** Incidents opened by webhooks as they come: stock-outs and carrier exceptions. */
function eventIncidents(store: EmulatorStore): string[] {
  const expected: string[] = [];
  for (const order of store.shop(SHOP).orders.values()) {
    if (order.cancelledAt !== null && order.cancelReason === "INVENTORY") expected.push(`stock_out_cancellation ${order.name}`);
  }
  return [...expected, ...parcelIncidents(store, null)];
}

const PARCEL_STAGES = ["carrier_exception", "late_delivery", "possibly_lost"] as const;

/** One incident per parcel in trouble, of its worst stage: what the carrier reported, then what
 * time made of it by `now` (null: no sweep yet) — exception, late, possibly lost. */
function parcelIncidents(store: EmulatorStore, now: number | null): string[] {
  const expected: string[] = [];
  for (const order of store.shop(SHOP).orders.values()) {
    for (const f of order.fulfillments) {
      let stage = f.events.some((e) => EXCEPTIONS.has(e.status)) ? 0 : -1;
      if (now !== null && order.cancelledAt === null && inTransit(f)) {
        // The carrier's latest estimate (events are kept in the order they happened).
        const estimate = f.events.filter((e) => e.estimatedDeliveryAt !== null).at(-1)?.estimatedDeliveryAt;
        if (estimate != null && Math.floor(estimate / DAY) * DAY + (settings.deliveryGraceDays + 1) * DAY <= now) stage = Math.max(stage, 1);
        if (Math.max(f.createdAt, ...f.events.map((e) => e.happenedAt)) + settings.trackingSilenceDays * DAY <= now) stage = 2;
      }
      const kind = PARCEL_STAGES[stage];
      if (kind) expected.push(`${kind} ${order.name}`);
    }
  }
  return expected;
}

/** Incidents the time rules owe by `now`: late fulfilment, and each parcel's worst stage. */
function timeIncidents(store: EmulatorStore, now: number): string[] {
  const expected: string[] = [];
  for (const order of store.shop(SHOP).orders.values()) {
    if (order.cancelledAt !== null) continue;
    const waiting = order.lineItems.some((li) => lineItemState(order, li).unfulfilledQuantity > 0);
    if (waiting && businessDaysAfter(order.processedAt, settings.fulfilmentSlaBusinessDays) <= now) {
      expected.push(`late_fulfilment ${order.name}`);
    }
  }
  return [...expected, ...parcelIncidents(store, now)];
}

// ---------------------------------------------------------------------------------------------

describe.each(testDatabases())("a whole day of a store on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(MORNING);
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let seeded: SeededShop;
  /** Today's orders and the seeded ones today's events are about. */
  const today = {} as Record<"n1" | "n2" | "n3" | "n4" | "delayed" | "delivered" | "shipped", OrderRecord>;
  let oversold: VariantRecord;

  const lookups = shopifyLookups(() =>
    Promise.resolve(new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP) })),
  );

  /** Waits until the emulator's deliveries are answered, then processes them at `now`. */
  async function settle(now: number) {
    await store.settle({ lookups, clock: () => new Date(now) });
  }

  async function openedIncidents(): Promise<string[]> {
    const rows = await db.incident.findMany({ where: { shop: SHOP }, select: { kind: true, orderName: true } });
    return rows.map((r) => `${r.kind} ${r.orderName}`).sort();
  }

  const sorted = (list: string[]) => [...new Set(list)].sort();
  const lookupsAsked = () => emu.requests.filter((r) => r.operationName === "InventoryItemStock");

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: name,
      runUrl,
      label: "storeday",
      secret: SECRET,
      emulator: { clock, jobAutoCompleteMs: null },
    });
    ({ db, emu } = store);
    // The day's reference model counts in UTC: a shop whose zone is UTC, as Amends reads it.
    seeded = seedDemoShop(emu.store, { shop: { domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC" }, now: MORNING, seed: 13, orders: 16 });
    // The shop installed Amends (its profile is read from Shopify with the first webhook).
    await markInstalled(db, SHOP);
  });

  afterAll(async () => {
    await store.close();
  });

  it("hears the store's three weeks of history as they happened", async () => {
    // A day at a time, each event at its own time, delivered in the order it happened and
    // processed at the end of its day.
    const days = new Map<number, { at: number; event: Omit<StoreEvent, "triggeredAt"> }[]>();
    for (const item of storeHistory(seeded)) {
      const day = Math.floor(item.at / DAY);
      days.set(day, [...(days.get(day) ?? []), item]);
    }
    for (const items of days.values()) {
      emu.webhooks.pause();
      for (const { at, event } of items) {
        clock.set(at);
        emu.store.emit(event);
      }
      await emu.webhooks.resume("fifo");
      await settle(clock.now());
    }
    clock.set(MORNING);
    expect(await db.orderRecord.count({ where: { shop: SHOP } })).toBe(seeded.orders.length);
    // The carrier delays in the seed are the only news so far; nothing is late until a sweep says so.
    const delays = eventIncidents(emu.store);
    expect(delays.length).toBeGreaterThan(0);
    expect(await openedIncidents()).toEqual(sorted(delays));
  });

  it("a business day: orders, a stock-out, shipments, carrier news, a stock count, a refund", async () => {
    const { store } = emu;
    const [delayed, delivered] = seeded.byState.inTransit;
    const shipped = [...seeded.byState.unfulfilled].sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!delayed || !delivered || !shipped) throw new Error("the seed has no parcels in transit or no waiting order");
    Object.assign(today, { delayed, delivered, shipped });
    const [v, w, x] = [
      seeded.variants[0],
      ...seeded.variants.slice(1).filter((variant) => (variant.levels[0]?.available ?? 0) >= 2),
    ];
    if (!v || !w || !x) throw new Error("the seed has no variants in stock");
    oversold = v;
    const customer = (i: number) => seeded.customers[i]?.id ?? null;

    // 09:00–10:30 four orders; the hoodie has 3 units in the morning.
    store.setAvailable(SHOP, v.id, 3, undefined, { silent: true });
    const place = async (key: "n1" | "n2" | "n3" | "n4", at: number, variantId: string, quantity: number, who: number) => {
      clock.set(at);
      today[key] = store.addOrder(SHOP, { customerId: customer(who), lineItems: [{ variantId, quantity }] });
      await settle(at);
    };
    await place("n1", wed(9), v.id, 1, 0);
    await place("n2", wed(9, 30), v.id, 2, 1);
    await place("n3", wed(10), w.id, 1, 2);
    await place("n4", wed(10, 30), x.id, 1, 3);
    expect(v.levels[0]?.available).toBe(0);

    // 11:00 the warehouse cannot find n3's item: the merchant cancels it for inventory (Admin API).
    clock.set(wed(11));
    const admin = new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP) });
    const cancel = await admin.request<{ orderCancel: { job: { id: string } | null; orderCancelUserErrors: unknown[] } }>(
      "CancelForInventory",
      CANCEL_FOR_INVENTORY,
      { orderId: today.n3.id },
    );
    expect(cancel.orderCancel.orderCancelUserErrors).toEqual([]);
    // Shopify cancels asynchronously: the job is done a few seconds later.
    clock.set(wed(11) + DEFAULT_CANCEL_JOB_MS);
    const job = await admin.request<{ job: { done: boolean } | null }>("CancelJob", CANCEL_JOB, { id: cancel.orderCancel.job?.id });
    expect(job.job?.done).toBe(true);
    await settle(wed(11));

    // 12:00 the newest waiting order ships with tracking.
    clock.set(wed(12));
    const parcel = store.addFulfillment(SHOP, shipped.id, { trackingCompany: "UPS", trackingNumber: "1ZDAY00000001" });
    await settle(wed(12));

    // 13:00 and 14:00 carrier news: one parcel delayed, another delivered.
    const [delayedParcel] = delayed.fulfillments;
    const [deliveredParcel] = delivered.fulfillments;
    if (!delayedParcel || !deliveredParcel) throw new Error("parcels");
    clock.set(wed(13));
    store.addFulfillmentEvent(SHOP, delayedParcel.id, { status: "DELAYED", message: "Weather delay at the regional hub" });
    await settle(wed(13));
    clock.set(wed(14));
    store.addFulfillmentEvent(SHOP, deliveredParcel.id, { status: "DELIVERED", message: "Delivered, front porch" });
    await settle(wed(14));

    // 14:30 a stock count: two hoodies promised to waiting orders do not exist.
    clock.set(wed(14, 30));
    store.setAvailable(SHOP, v.id, -2);
    await settle(wed(14, 30));

    // 15:00 the merchant refunds $10 in Shopify's admin for the delayed parcel.
    clock.set(wed(15));
    const sale = delayed.transactions.find((t) => t.kind === "SALE");
    if (!sale) throw new Error("no sale");
    const refund = store.createRefund(SHOP, {
      orderId: delayed.id,
      note: "Sorry for the wait",
      transactions: [{ amount: "10.00", gateway: sale.gateway, kind: "REFUND", orderId: delayed.id, parentId: sale.id }],
    });
    expect(refund).toHaveProperty("refund");
    await settle(wed(15));

    // 15:30–17:00 Shopify holds the webhooks and then sends them newest first.
    emu.webhooks.pause();
    clock.set(wed(15, 30));
    const courier = store.addFulfillment(SHOP, today.n4.id, { trackingCompany: "USPS", trackingNumber: "9400111200000000000004" });
    clock.set(wed(16));
    store.addFulfillmentEvent(SHOP, courier.id, { status: "OUT_FOR_DELIVERY" });
    clock.set(wed(16, 45));
    store.addFulfillmentEvent(SHOP, courier.id, { status: "DELIVERED", message: "Delivered, front door" });
    clock.set(wed(17));
    const estimate = Date.UTC(2026, 10, 20, 17);
    store.addFulfillmentEvent(SHOP, parcel.id, { status: "IN_TRANSIT", message: "Departed facility", estimatedDeliveryAt: estimate });
    clock.set(wed(17, 15));
    const resent = await emu.webhooks.resume("reverse");
    expect(resent.map((d) => d.topic)).toEqual([
      "fulfillments/update",
      "fulfillment_events/create",
      "fulfillments/update",
      "fulfillment_events/create",
      "fulfillments/update",
      "fulfillment_events/create",
      "orders/updated",
      "fulfillments/create",
    ]);
    await settle(wed(17, 15));

    // Only what the webhooks themselves show: no time rule has been swept yet.
    expect(await openedIncidents()).toEqual(
      sorted([...eventIncidents(store), `oversell_risk ${today.n2.name}`]),
    );
    expect(eventIncidents(store)).toEqual(
      expect.arrayContaining([`stock_out_cancellation ${today.n3.name}`, `carrier_exception ${delayed.name}`]),
    );

    const stockOut = await db.incident.findFirstOrThrow({ where: { shop: SHOP, kind: "stock_out_cancellation" } });
    expect(stockOut).toMatchObject({
      orderId: today.n3.id,
      responsibleParty: "store",
      evidence: { cancelReason: "INVENTORY" },
      lines: [{ lineItemId: today.n3.lineItems[0]?.id, quantity: 1 }],
    });

    // Newest first: n2 is short both its units; n1, older, keeps its claim on the one left.
    const oversell = await db.incident.findMany({ where: { shop: SHOP, kind: "oversell_risk" } });
    expect(oversell.map((i) => [i.orderId, i.lines])).toEqual([
      [today.n2.id, [{ lineItemId: today.n2.lineItems[0]?.id, quantity: 2 }]],
    ]);
    expect(oversell[0]?.evidence).toMatchObject({ variantId: v.id, available: -2, shortfall: 2, shortQuantity: 2 });
    // Shopify was asked which variant the item is, once: only a negative level needs to know.
    expect(lookupsAsked().map((r) => [r.status, r.body?.data])).toMatchObject([
      [200, { inventoryItem: { id: v.inventoryItemId, variant: { id: v.id } } }],
    ]);

    const exception = await db.incident.findFirstOrThrow({
      where: { shop: SHOP, kind: "carrier_exception", orderId: delayed.id },
      include: { events: true },
    });
    expect(exception.evidence).toMatchObject({ event: { status: "DELAYED", message: "Weather delay at the regional hub" } });
    expect(exception.events.filter((e) => e.type === "refund").map((e) => [e.actor, e.message])).toEqual([
      // In the shop's currency, written as its Spanish merchant writes it.
      ["shopify", "Refunded in Shopify, outside Amends: 10,00\u00a0€"],
    ]);

    // Newest-first delivery left the courier parcel delivered, the UPS parcel with its estimate.
    const n4 = (await loadOrder(db, SHOP, today.n4.id))?.state as OrderState;
    expect(n4.fulfillments).toHaveLength(1);
    expect(n4.fulfillments[0]).toMatchObject({
      id: courier.id,
      shipmentStatus: "DELIVERED",
      deliveredAt: new Date(wed(16, 45)).toISOString(),
    });
    expect(n4.fulfillments[0]?.events.map((e) => e.status)).toEqual(["OUT_FOR_DELIVERY", "DELIVERED"]);
    expect(n4.lines.map((l) => l.unfulfilledQuantity)).toEqual([0]);
    const ups = (await loadOrder(db, SHOP, shipped.id))?.state as OrderState;
    expect(ups.fulfillments.find((f) => f.id === parcel.id)).toMatchObject({
      trackingNumbers: ["1ZDAY00000001"],
      shipmentStatus: "IN_TRANSIT",
      estimatedDeliveryAt: new Date(estimate).toISOString(),
    });
  });

  it("redeliveries and duplicates, in any order, change nothing", async () => {
    const snapshot = async () => ({
      actedOn: await db.webhookDelivery.count({ where: { shop: SHOP, status: { not: "duplicate" } } }),
      incidents: await db.incident.findMany({
        where: { shop: SHOP },
        orderBy: { id: "asc" },
        include: { events: { orderBy: { id: "asc" } } },
      }),
      orders: await db.orderRecord.findMany({ where: { shop: SHOP }, orderBy: { orderId: "asc" } }),
      waiting: await db.waitingLine.findMany({ where: { shop: SHOP }, orderBy: [{ orderId: "asc" }, { variantId: "asc" }] }),
    });
    const before = await snapshot();
    // Every delivery of the day again, newest first; every other one as a second subscription would.
    const day = emu.webhooks.deliveries.filter((d) => Date.parse(d.triggeredAt) >= MORNING);
    expect(day.length).toBeGreaterThan(20);
    for (const [i, record] of [...day].reverse().entries()) await emu.webhooks.redeliver(record, { newWebhookId: i % 2 === 1 });
    await settle(wed(17, 30));
    expect(await snapshot()).toEqual(before);
  });

  it("the end-of-day sweep, and the days after, find what time made late", async () => {
    const stockOuts = (list: string[]) => list.filter((i) => i.startsWith("stock_out_cancellation "));
    const event = [...stockOuts(eventIncidents(emu.store)), `oversell_risk ${today.n2.name}`];
    // Opened or escalated by a sweep: what it shows that was not there before.
    const news = (before: string[], after: string[]) => after.filter((i) => !before.includes(i));
    const before = await openedIncidents();

    const evening = timeIncidents(emu.store, END_OF_DAY);
    // The seed's late parcels have also been silent for a week: one incident each, possibly lost.
    for (const kind of ["late_fulfilment", "possibly_lost"]) {
      expect(evening.filter((i) => i.startsWith(`${kind} `)).length, kind).toBeGreaterThan(0);
    }
    const first = await sweepDueOrders(db, new Date(END_OF_DAY), logger);
    expect(await openedIncidents()).toEqual(sorted([...event, ...evening]));
    expect(first.opened).toHaveLength(news(before, sorted([...event, ...evening])).length);
    // Sweeping again at once finds nothing due.
    expect(await sweepDueOrders(db, new Date(END_OF_DAY))).toEqual({ checked: 0, opened: [], failed: [] });

    // The scheduler keeps sweeping: each evening, and on Monday morning, exactly what time has
    // made late by then appears, and nothing before its time; a parcel's incident escalates.
    let incidents = sorted([...event, ...evening]);
    for (const at of [19, 20, 21, 22].map((day) => Date.UTC(2026, 10, day, 18)).concat(MONDAY)) {
      const swept = await sweepDueOrders(db, new Date(at), logger);
      const expected = sorted([...event, ...timeIncidents(emu.store, at)]);
      expect(await openedIncidents()).toEqual(expected);
      expect(swept.opened, new Date(at).toISOString()).toHaveLength(news(incidents, expected).length);
      incidents = expected;
    }

    // The seed's own story: its late parcels are late, its waiting orders (but the one shipped
    // today) are late to fulfil, and today's unshipped orders are late by Monday.
    for (const order of seeded.byState.late) {
      expect(incidents.filter((i) => i === `late_delivery ${order.name}` || i === `possibly_lost ${order.name}`)).toHaveLength(1);
    }
    for (const order of seeded.byState.unfulfilled) {
      if (order !== today.shipped) expect(incidents).toContain(`late_fulfilment ${order.name}`);
    }
    for (const order of [today.n1, today.n2]) expect(incidents).toContain(`late_fulfilment ${order.name}`);
    for (const order of [today.n3, today.n4, today.delivered]) {
      expect(incidents.filter((i) => i.endsWith(` ${order.name}`) && !i.startsWith("oversell_risk"))).toEqual(
        order === today.n3 ? [`stock_out_cancellation ${order.name}`] : [],
      );
    }
    expect(oversold.levels[0]?.available).toBe(-2);
  });

  it("every delivery was accepted and stored, and each event acted on once", async () => {
    const refused = emu.webhooks.deliveries.filter((d) => d.state !== "delivered" || d.attempts.some((a) => a.status !== 200));
    expect(refused).toEqual([]);
    expect(store.server.answers.every((a) => a.status === 200)).toBe(true);
    expect(store.server.answers).toHaveLength(emu.webhooks.deliveries.length);
    const events = new Set(emu.webhooks.deliveries.map((d) => d.eventId));
    expect(await db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(emu.webhooks.deliveries.length);
    expect(await eventsActedOnOnce(db, SHOP)).toEqual({ statuses: ["duplicate", "processed"], twice: [], unheld: [] });
    expect(await db.webhookDelivery.count({ where: { shop: SHOP, status: "processed" } })).toBe(events.size);
    expect(await db.webhookDelivery.count({ where: { shop: SHOP, error: { not: null } } })).toBe(0);
  });
});
