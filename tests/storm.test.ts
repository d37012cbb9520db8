// Issue 12, the Storm suite: a redelivery storm on a store's day. The emulator plays a shop's
// three weeks of history and a business day — orders, a stock-out cancellation, shipments,
// carrier news (some in one second), a refund — and renders every webhook Shopify would send.
// Each is sent five times (the same delivery retried, or a second subscription's copy with a new
// webhook id), all shuffled with a fixed seed and sent concurrently to the real intake over HTTP,
// while three processors work the stored deliveries at once and automatic remediation acts on
// what they open. Then: each incident once, each refund, replacement and code once in the
// emulator's store, and every order as its newest copies say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import type { OrderState } from "../app/incidents/model";
import { logger } from "../app/logger.server";
import { ensureShop } from "../app/models/shop.server";
import { AutoRemediator } from "../app/remediation/auto.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import { apologyCode } from "../app/shopify/operations/discount.server";
import { incidentTag } from "../app/shopify/operations/replacement.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import type { DeliveryRecord, OrderRecord, RunningEmulator, SeededShop } from "./shopify-emulator";
import { lineItemState, manualClock, seedDemoShop } from "./shopify-emulator";
import type { Copy, Held } from "./support/copies";
import { ORDER_TOPICS, applyCopy, orderOf } from "./support/copies";
import { testDatabases } from "./support/databases";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";
import { eventsActedOnOnce } from "./support/events-acted-on";
import { STORM_COPIES, playStormDay, replaceTroubledParcels, sendStorm } from "./support/storm-day";

const SECRET = "storm-secret";
const SHOP = "northwind-storm.myshopify.com";
const TOKEN = "shpat_storm";
const PROCESSORS = 3;
const wed = (hour: number, minute = 0, ms = 0) => Date.UTC(2026, 10, 18, hour, minute) + ms;
const EXCEPTIONS = new Set(["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"]);

/** Incidents the day's webhooks owe, by the store's own records: stock-outs and carrier exceptions. */
function expectedIncidents(emu: RunningEmulator): string[] {
  const expected: string[] = [];
  for (const order of emu.store.shop(SHOP).orders.values()) {
    if (order.cancelledAt !== null && order.cancelReason === "INVENTORY") expected.push(`stock_out_cancellation ${order.name}`);
    for (const f of order.fulfillments) if (f.events.some((e) => EXCEPTIONS.has(e.status))) expected.push(`carrier_exception ${order.name}`);
  }
  return expected.sort();
}

describe.each(testDatabases())("a redelivery storm on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(wed(8));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let seeded: SeededShop;
  let day: DeliveryRecord[] = [];
  const clientFor = (shop: string) => Promise.resolve(new AdminClient({ shop, accessToken: TOKEN, endpoint: emu.graphqlUrl(shop), baseDelayMs: 5 }));
  const lookups = shopifyLookups(clientFor);

  beforeAll(async () => {
    store = await startStoreWithWebhooks({ backend: name, runUrl, label: "storm", secret: SECRET, emulator: { clock } });
    ({ db, emu } = store);
    seeded = seedDemoShop(emu.store, { shop: { domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC" }, now: wed(8), seed: 29, orders: 12 });
    await ensureShop(db, SHOP, () => lookups.shopProfile(SHOP));
    await replaceTroubledParcels(db, emu, SHOP);
    day = playTheDay();
  });

  afterAll(async () => {
    await store.close();
  });

  /** The store's history and one business day, every webhook rendered but none sent yet. */
  function playTheDay(): DeliveryRecord[] {
    const sender = emu.webhooks;
    const appUrl = store.server.url;
    const inTransit = playStormDay(emu, seeded, clock, wed, { shop: SHOP, trackingNumber: "1ZSTORM0001" });
    const s = emu.store;
    // 15:00 the merchant refunds 5.00 on the delivered order in Shopify's admin.
    clock.set(wed(15));
    const sale = inTransit.transactions.find((t) => t.kind === "SALE");
    if (!sale) throw new Error("no sale");
    s.createRefund(SHOP, { orderId: inTransit.id, note: "Sorry for the wait", transactions: [{ amount: "5.00", gateway: sale.gateway, kind: "REFUND", orderId: inTransit.id, parentId: sale.id }] });
    clock.set(wed(17));
    sender.configure({ appUrl }); // what Amends' own remedies cause is sent as it happens
    return sender.deliveries.filter((d) => d.state === "skipped");
  }


  it("every webhook of the day ×5, shuffled and concurrent: each incident, refund, replacement and code once", async () => {
    expect(day.length).toBeGreaterThan(60);
    // The engine's waits (for a job, for search to catch up) pass on the emulator's clock.
    const sleep = async (ms: number) => {
      clock.advance(ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
    };
    const remediator = new AutoRemediator({ db, clientFor, log: logger, now: () => new Date(clock.now()), sleep });
    const deps = { db, lookups, log: logger, clock: () => new Date(clock.now()), onIncidentsOpened: (shop: string, ids: string[]) => remediator.enqueue(shop, ids) };
    let sending = true;
    const waiting = () => db.webhookDelivery.count({ where: { shop: SHOP, status: { in: ["received", "processing"] } } });
    const processor = async () => {
      while (sending || (await waiting()) > 0) {
        if ((await processPendingDeliveries(deps, 10)) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const processors = Array.from({ length: PROCESSORS }, processor);
    const sent = await sendStorm(store.server.url, day, SECRET);
    expect(sent).toBe(day.length * STORM_COPIES);
    sending = false;
    await Promise.all(processors);
    // Amends' remedies make Shopify send webhooks of their own: settle until nothing moves.
    // A delivery that failed for a moment (three processors and the intake contend for SQLite's
    // write lock) waits for its retry (backoff with jitter): the clock moves on to it.
    // The processors above may have stopped before the remedies' own webhooks arrived (they stop
    // once nothing waits): those are processed here.
    for (let round = 0; round < 30; round++) {
      await remediator.idle();
      await emu.webhooks.idle();
      if ((await processPendingDeliveries(deps)) > 0) continue;
      if ((await waiting()) === 0) break;
      const retry = await db.webhookDelivery.aggregate({ where: { shop: SHOP, status: "received" }, _min: { nextAttemptAt: true } });
      const due = retry._min.nextAttemptAt?.getTime() ?? 0;
      if (due > clock.now()) clock.set(new Date(due + 1));
    }
    await remediator.idle();

    // Every copy stored and finished: one per event acted on, the others marked duplicate.
    expect(await db.webhookDelivery.count({ where: { shop: SHOP } })).toBeGreaterThanOrEqual(sent);
    expect(await eventsActedOnOnce(db, SHOP)).toEqual({ statuses: ["duplicate", "processed"], twice: [], unheld: [] });

    // Each incident once.
    const incidents = await db.incident.findMany({ where: { shop: SHOP }, orderBy: { orderName: "asc" } });
    const expected = expectedIncidents(emu);
    expect(expected).toEqual(expect.arrayContaining([expect.stringMatching(/^stock_out_cancellation /), expect.stringMatching(/^carrier_exception /)]));
    expect(incidents.map((i) => `${i.kind} ${i.orderName}`).sort()).toEqual(expected);

    // Each remedy once in Shopify, and recorded once as done.
    const shop = emu.store.shop(SHOP);
    const orders = [...shop.orders.values()];
    for (const incident of incidents) {
      const decision = await db.incidentEvent.findFirst({ where: { incidentId: incident.id, type: "decision" }, orderBy: { at: "desc" } });
      expect(incident.status, `${incident.kind} ${incident.orderName}: ${decision?.message ?? "no decision"}`).toBe("resolved");
      const refunds = orders.flatMap((o) => o.refunds).filter((r) => r.note?.includes(incident.id));
      const codes = [...shop.discounts.values()].filter((d) => d.code === apologyCode(SHOP, incident.id));
      const replacements = orders.filter((o) => o.tags.includes(incidentTag(incident.id)));
      if (incident.kind === "stock_out_cancellation") {
        expect([refunds.length, codes.length, replacements.length], incident.orderName).toEqual([1, 1, 0]);
      } else {
        expect([refunds.length, codes.length, replacements.length], incident.orderName).toEqual([0, 0, 1]);
      }
    }
    const remedies = await db.remediation.groupBy({ by: ["action", "status"], where: { shop: SHOP }, _count: true });
    expect(remedies.filter((r) => r.status !== "succeeded")).toEqual([]);

    // Every order as its newest copies say: what the copies give in the order Shopify made them,
    // and what the store itself holds.
    const reference = new Map<string, Held>();
    for (const record of emu.webhooks.deliveries.filter((d) => ORDER_TOPICS.test(d.topic) && d.shop === SHOP && d.duplicateOf === null)) {
      const copy: Copy = { topic: record.topic, body: record.body, triggeredAt: new Date(record.triggeredAt) };
      const orderId = orderOf(copy);
      reference.set(orderId, applyCopy(reference.get(orderId) ?? null, copy));
    }
    const stored = await db.orderRecord.findMany({ where: { shop: SHOP } });
    expect(stored.map((r) => r.orderId).sort()).toEqual(orders.map((o) => o.id).sort());
    for (const row of stored) {
      const state = row.state as unknown as OrderState;
      expect(state, state.name).toEqual(reference.get(row.orderId)?.state);
      const truth = shop.orders.get(row.orderId) as OrderRecord;
      expect(matchesStore(state, truth), state.name).toEqual(matchesStore(null, truth));
    }
  });
});

/** What the store holds of an order, in Amends' terms (or, with `state`, what Amends holds). */
function matchesStore(state: OrderState | null, truth: OrderRecord) {
  if (!state) {
    return {
      cancelled: truth.cancelledAt !== null,
      unfulfilled: truth.lineItems.map((li) => lineItemState(truth, li).unfulfilledQuantity),
      parcels: truth.fulfillments.map((f) => ({
        id: f.id,
        status: f.status,
        shipmentStatus: f.events.at(-1)?.status ?? null,
        delivered: f.deliveredAt !== null,
        events: f.events.length,
      })),
    };
  }
  return {
    cancelled: state.cancelledAt !== null,
    unfulfilled: state.lines.map((l) => l.unfulfilledQuantity),
    parcels: state.fulfillments.map((f) => ({
      id: f.id,
      status: f.status,
      shipmentStatus: f.shipmentStatus,
      delivered: f.deliveredAt !== null,
      events: f.events.length,
    })),
  };
}
