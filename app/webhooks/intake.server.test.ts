import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

import { clearShop, databaseFor, testDatabases } from "../../tests/support/databases";
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
  afterAll(async () => {
    await store.close();
    await clearShop(db, shop);
  });

  it("stores a signed delivery exactly as received before answering 200", async () => {
    let stored = 0;
    const intake = new WebhookIntake({ store, secret: SECRET, onStored: (n) => (stored += n) });
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
    const intake = new WebhookIntake({ store, secret: SECRET });
    const forged = signed(shop, '{"id":1}', { "X-Shopify-Event-Id": "forged" });
    const tampered = { ...forged, body: Buffer.from('{"id":2}') };
    expect((await intake.receive(tampered)).status).toBe(401);
    const unsigned = request('{"id":1}', { "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": shop });
    expect((await intake.receive(unsigned)).status).toBe(401);
    expect(await db.webhookDelivery.count({ where: { shop, eventId: "forged" } })).toBe(0);
  });

  it("answers 405 to anything but POST", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET });
    expect((await intake.receive(request("", {}, "GET"))).status).toBe(405);
  });

  it("keeps one row per event however often and concurrently it is delivered", async () => {
    const intake = new WebhookIntake({ store, secret: SECRET });
    const body = '{"id":42}';
    const copies = Array.from({ length: 20 }, () =>
      intake.receive(signed(shop, body, { "X-Shopify-Event-Id": "event-dup" })),
    );
    const statuses = (await Promise.all(copies)).map((r) => r.status);
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await db.webhookDelivery.count({ where: { shop, eventId: "event-dup" } })).toBe(1);
  });

  it("writes a burst of deliveries in batches and loses none", async () => {
    const batches: number[] = [];
    const intake = new WebhookIntake({ store, secret: SECRET, onStored: (n) => batches.push(n) });
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
    const intake = new WebhookIntake({ store: closed, secret: SECRET });
    expect((await intake.receive(signed(shop, "{}"))).status).toBe(503);
  });
});
