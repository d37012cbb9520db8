import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { clearShop, databaseFor, testDatabases } from "../../tests/support/databases";
import { installedShops, markInstalled } from "../../tests/support/installed-shops";
import { openDeliveryStore } from "./delivery-store.server";
import type { WebhookRequest } from "./intake.server";
import { WebhookIntake } from "./intake.server";
import { webhookSignature } from "./verify";

const SECRET = "intake-test-secret";

function request(body: string, headers: Record<string, string>, method = "POST"): WebhookRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, header: (name) => lower[name.toLowerCase()], body: Buffer.from(body) };
}

function signed(shop: string, body: string, extra: Record<string, string> = {}) {
  return request(body, {
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Hmac-Sha256": webhookSignature(body, SECRET),
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-Webhook-Id": randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": "2026-11-20T10:00:00.123Z",
    "X-Shopify-API-Version": "2026-10",
    ...extra,
  });
}

describe.each(testDatabases())("webhook intake on $name", ({ url }) => {
  const db = databaseFor(url);
  const store = openDeliveryStore(url);
  const shop = `intake-${randomUUID().slice(0, 8)}.myshopify.com`;
  const otherShop = `intake-other-${randomUUID().slice(0, 8)}.myshopify.com`;
  const shops = installedShops(db);
  beforeAll(async () => {
    await markInstalled(db, shop);
    await markInstalled(db, otherShop);
  });
  afterAll(async () => {
    await store.close();
    await clearShop(db, shop);
    await clearShop(db, otherShop);
  });

  it("stores a signed delivery exactly as received before answering 200", async () => {
    let stored = 0;
    const intake = new WebhookIntake({ store, secret: SECRET, shops, onStored: (n) => (stored += n) });
    const body = '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}';
    const response = await intake.receive(signed(shop, body, { "X-Shopify-Event-Id": "event-1" }));
    expect(response.status).toBe(200);
    expect(stored).toBe(1);
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { shop, eventId: "event-1" } });
    expect(row.payload).toBe(body); // the 18-digit id survives as text
    expect(row.topic).toBe("orders/create");
    expect(row.status).toBe("received");
    expect(row.triggeredAt?.toISOString()).toBe("2026-11-20T10:00:00.123Z");
    expect(row.apiVersion).toBe("2026-10");
  });

  it("refuses forged and unsigned deliveries with 401 and stores nothing", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET, shops });
    const forged = signed(shop, '{"id":1}', { "X-Shopify-Event-Id": "forged" });
    const tampered = { ...forged, body: Buffer.from('{"id":2}') };
    expect((await intake.receive(tampered)).status).toBe(401);
    const unsigned = request('{"id":1}', { "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": shop });
    expect((await intake.receive(unsigned)).status).toBe(401);
    expect(await db.webhookDelivery.count({ where: { shop, eventId: "forged" } })).toBe(0);
  });

  it("answers 405 to anything but POST", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET, shops });
    expect((await intake.receive(request("", {}, "GET"))).status).toBe(405);
  });

  it("stores every copy of an event, however often and concurrently it is delivered (the processor acts on one: tests/delivery-copies.test.ts)", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET, shops });
    const body = '{"id":42}';
    const copies = Array.from({ length: 20 }, () =>
      intake.receive(signed(shop, body, { "X-Shopify-Event-Id": "event-dup" })),
    );
    const statuses = (await Promise.all(copies)).map((r) => r.status);
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await db.webhookDelivery.count({ where: { shop, eventId: "event-dup" } })).toBe(20);
  });

  it("writes a burst of deliveries in batches and loses none", async () => {
    const batches: number[] = [];
    const intake = new WebhookIntake({ store, secret: SECRET, shops, onStored: (n) => batches.push(n) });
    const burst = Array.from({ length: 300 }, (_, i) =>
      intake.receive(signed(shop, `{"n":${i}}`, { "X-Shopify-Event-Id": `burst-${i}` })),
    );
    await Promise.all(burst);
    expect(await db.webhookDelivery.count({ where: { shop, eventId: { startsWith: "burst-" } } })).toBe(300);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(300);
    expect(batches.length).toBeLessThan(300);
  });

  it("answers 503 when the delivery cannot be stored, so Shopify retries", async () => {
    // The database refuses the write (here: a store whose connection is closed).
    const closed = openDeliveryStore(url);
    await closed.close();
    const intake = new WebhookIntake({ store: closed, secret: SECRET, shops });
    expect((await intake.receive(signed(shop, "{}"))).status).toBe(503);
  });

  it.each([
    ["another domain", "evil.example.com"],
    ["a myshopify.com look-alike", "x.myshopify.com.evil.com"],
    ["a path", "../../etc/passwd"],
    ["upper case (a second tenant for one shop)", "UPPER-CASE.myshopify.com"],
    ["a shop that never installed Amends", `never-${randomUUID().slice(0, 8)}.myshopify.com`],
  ])("refuses a signed delivery for %s: 4xx, nothing stored, no shop created", async (_, domain) => {
    const intake = new WebhookIntake({ store, secret: SECRET, shops });
    const eventId = randomUUID();
    const response = await intake.receive(signed(domain, '{"id":7}', { "X-Shopify-Event-Id": eventId }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await db.webhookDelivery.count({ where: { eventId } })).toBe(0);
    expect(await db.shop.count({ where: { domain } })).toBe(0);
  });

  it("refuses an authentic shop/redact body under another shop's header", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET, shops });
    const body = JSON.stringify({ shop_id: 954889, shop_domain: shop });
    const eventId = randomUUID();
    const own = signed(shop, body, { "X-Shopify-Topic": "shop/redact", "X-Shopify-Event-Id": eventId });
    expect((await intake.receive(own)).status).toBe(200);
    // The same authentic body, replayed under the other shop's header: with a new event id it
    // names another shop than the header; with the same one it is the same event.
    const replayed = signed(otherShop, body, { "X-Shopify-Topic": "shop/redact", "X-Shopify-Event-Id": randomUUID() });
    expect((await intake.receive(replayed)).status).toBe(400);
    const sameEvent = signed(otherShop, body, { "X-Shopify-Event-Id": eventId, "X-Shopify-Topic": "shop/redact" });
    expect((await intake.receive(sameEvent)).status).toBe(400);
    expect(await db.webhookDelivery.count({ where: { shop: otherShop } })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { eventId } })).toBe(1);
  });

  it("reads only canonical base64 HMACs: truncated, padded or junk-laden ones are forged", async () => {
    const outcomes: string[] = [];
    const intake = new WebhookIntake({ store, secret: SECRET, shops, onOutcome: (topic, outcome) => outcomes.push(`${topic}:${outcome}`) });
    const body = '{"id":8}';
    const hmac = webhookSignature(body, SECRET);
    const variants = [hmac.slice(0, -1), hmac.slice(0, -2), `${hmac}=`, `${hmac}==`, ` ${hmac}`, `${hmac}!`, `${hmac.slice(0, 20)}*${hmac.slice(20)}`, `${hmac.slice(0, 20)}\n${hmac.slice(20)}`];
    for (const variant of variants) {
      const eventId = randomUUID();
      const request = signed(shop, body, { "X-Shopify-Hmac-Sha256": variant, "X-Shopify-Event-Id": eventId, "X-Shopify-Topic": `made-up/${eventId}` });
      expect((await intake.receive(request)).status).toBe(401);
      expect(await db.webhookDelivery.count({ where: { eventId } })).toBe(0);
    }
    // No label came from the forged requests' topics.
    expect(new Set(outcomes)).toEqual(new Set(["other:forged"]));
  });

  it("refuses a signed delivery of a topic Amends does not subscribe to", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET, shops });
    expect((await intake.receive(signed(shop, "{}", { "X-Shopify-Topic": "products/create" }))).status).toBe(400);
  });
});

// What the saturation watch (app/server/intake-watch.ts) reads: the time deliveries waited for
// a free write, not the time a write was in hand. A store that holds each write (as a busy
// machine makes the writer thread slow) is not saturated while it has a slot for the next one.
describe("the intake's wait for the store", () => {
  const shop = "wait-shop.myshopify.com";
  const held: (() => void)[] = [];
  const store = {
    pipeline: 2,
    insert: () => new Promise<void>((resolve) => held.push(resolve)),
    close: () => Promise.resolve(),
  };
  const intake = new WebhookIntake({ store, secret: SECRET, shops: { isInstalled: () => true } });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const writesInHand = async (n: number) => {
    for (let i = 0; i < 100 && held.length !== n; i++) await turn();
    expect(held).toHaveLength(n);
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("counts no wait while a slow write leaves a slot free, and counts it once every slot is taken", async () => {
    const answers = [intake.receive(signed(shop, '{"id":1}'))];
    await writesInHand(1);
    answers.push(intake.receive(signed(shop, '{"id":2}')));
    await writesInHand(2);
    await sleep(20);
    // Two writes in hand for 20 ms, nobody waiting.
    expect(intake.waitTime()).toBe(0);

    answers.push(intake.receive(signed(shop, '{"id":3}')));
    for (let i = 0; i < 10; i++) await turn();
    await sleep(20);
    expect(held).toHaveLength(2);
    expect(intake.waitTime()).toBeGreaterThan(0);
    held.shift()?.();
    // The third took the freed slot: the wait stopped.
    await writesInHand(2);
    const waited = intake.waitTime();
    await sleep(20);
    expect(intake.waitTime()).toBe(waited);
    for (const release of held.splice(0)) release();
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual([200, 200, 200]);
  });
});
