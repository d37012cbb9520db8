// Copies of one event — Shopify's redeliveries, or an authentic body replayed under other
// headers — are all stored by the intake (no unique key slows its writes) and told apart by the
// processor: the first received holds the event (WebhookEvent) and is acted on, every other is
// marked duplicate. On SQLite and PostgreSQL, through the real intake and processor.
import { randomUUID } from "node:crypto";

import { afterAll, beforeEach, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { deleteDeliveries } from "../app/models/delivery.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import { documentedPayload, webhookHeaders } from "./fixtures/webhooks";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { installedShops, markInstalled } from "./support/installed-shops";

const SECRET = "copies-secret";
const NOW = new Date("2026-11-20T15:00:00Z");

describe.each(testDatabases())("copies of an event on $name", ({ url }) => {
  const db: Database = databaseFor(url);
  const store = openDeliveryStore(url);
  let shop = "";
  let otherShop = "";
  let intake: WebhookIntake;
  // The shop's profile is read from Shopify by the first webhook; `profileDown` makes that fail.
  let profileDown = false;
  const lookups: ShopifyLookups = {
    inventoryItemStock: () => Promise.reject(new Error("not used here")),
    fulfilmentLocations: () => Promise.reject(new Error("not used here")),
    shopProfile: () =>
      profileDown
        ? Promise.reject(new Error("Shopify is unreachable"))
        : Promise.resolve({ name: "Super Toys", currencyCode: "EUR", timeZone: "Europe/Paris", country: "FR", primaryLocale: "fr", email: null }),
  };
  const processWaiting = (now = NOW) => processPendingDeliveries({ db, lookups, log: logger, clock: () => now, random: () => 0 });

  beforeEach(async () => {
    shop = `copies-${randomUUID().slice(0, 8)}.myshopify.com`;
    otherShop = `copies-other-${randomUUID().slice(0, 8)}.myshopify.com`;
    await markInstalled(db, shop);
    await markInstalled(db, otherShop);
    intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });
    profileDown = false;
  });
  afterAll(async () => {
    await store.close();
    await clearShop(db, shop);
    await clearShop(db, otherShop);
  });

  function send(opts: { shop?: string; orderId: number; eventId: string; webhookId?: string }) {
    const body = JSON.stringify({ ...(documentedPayload("orders/create") as object), id: opts.orderId, admin_graphql_api_id: `gid://shopify/Order/${opts.orderId}`, cancelled_at: null, cancel_reason: null });
    const headers = webhookHeaders({ topic: "orders/create", shop: opts.shop ?? shop, body, secret: SECRET, eventId: opts.eventId, webhookId: opts.webhookId, triggeredAt: NOW.toISOString() });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) });
  }

  const deliveries = (eventId: string) =>
    db.webhookDelivery.findMany({ where: { eventId }, orderBy: { id: "asc" }, select: { id: true, shop: true, status: true, attempts: true } });
  const holder = async (eventId: string) => (await db.webhookEvent.findMany({ where: { topic: "orders/create", eventId } })).map((e) => e.deliveryId);

  it("stores 20 concurrent copies and acts on the first received only", async () => {
    const eventId = randomUUID();
    const orderId = 900_000 + Math.floor(Math.random() * 99_999);
    const answers = await Promise.all(Array.from({ length: 20 }, () => send({ orderId, eventId })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    while ((await processWaiting()) > 0);
    const rows = await deliveries(eventId);
    expect(rows).toHaveLength(20);
    expect(rows.map((r) => r.status)).toEqual(["processed", ...Array(19).fill("duplicate")]);
    expect(await holder(eventId)).toEqual([rows[0]?.id]);
    expect(await db.orderRecord.count({ where: { shop, orderId: `gid://shopify/Order/${orderId}` } })).toBe(1);
  });

  it("acts on one of two deliveries with the same webhook id, whatever event ids they claim", async () => {
    const webhookId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    await send({ orderId: 910_001, eventId: first, webhookId });
    await send({ orderId: 910_001, eventId: second, webhookId });
    while ((await processWaiting()) > 0);
    const statuses = [...(await deliveries(first)), ...(await deliveries(second))].map((r) => r.status);
    expect(statuses.sort()).toEqual(["duplicate", "processed"]);
  });

  it("takes an authentic order body replayed under another shop's header for a copy: that shop gets nothing", async () => {
    const eventId = randomUUID();
    await send({ orderId: 920_002, eventId });
    await send({ shop: otherShop, orderId: 920_002, eventId });
    while ((await processWaiting()) > 0);
    expect((await deliveries(eventId)).map((r) => [r.shop, r.status])).toEqual([
      [shop, "processed"],
      [otherShop, "duplicate"],
    ]);
    expect(await db.orderRecord.count({ where: { shop: otherShop } })).toBe(0);
  });

  it("keeps the event with a delivery that failed and waits for its retry; a copy meanwhile is a duplicate", async () => {
    const eventId = randomUUID();
    profileDown = true;
    await send({ orderId: 930_003, eventId });
    await processWaiting();
    const [waiting] = await deliveries(eventId);
    expect(waiting).toMatchObject({ status: "received", attempts: 1 });
    await send({ orderId: 930_003, eventId });
    profileDown = false;
    // An hour on: the retry is due (backoff 1 minute at most after the first attempt).
    while ((await processWaiting(new Date(NOW.getTime() + 3_600_000))) > 0);
    expect((await deliveries(eventId)).map((r) => [r.id === waiting?.id, r.status])).toEqual([
      [true, "processed"],
      [false, "duplicate"],
    ]);
    expect(await holder(eventId)).toEqual([waiting?.id]);
  });

  it("lets the event go with its pruned delivery: a copy arriving after the retention is acted on", async () => {
    const eventId = randomUUID();
    await send({ orderId: 940_004, eventId });
    while ((await processWaiting()) > 0);
    const [first] = await deliveries(eventId);
    // What the retention's prune does (app/scheduler/prune.server.ts), to this delivery alone.
    await deleteDeliveries(db, [first?.id ?? ""]);
    expect(await deliveries(eventId)).toEqual([]);
    expect(await holder(eventId)).toEqual([]);
    await send({ orderId: 940_004, eventId });
    while ((await processWaiting()) > 0);
    const [late] = await deliveries(eventId);
    expect(late?.id).not.toBe(first?.id);
    expect(late?.status).toBe("processed");
    expect(await holder(eventId)).toEqual([late?.id]);
  });
});
