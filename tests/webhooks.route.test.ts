// Shopify's documented payload for every subscribed topic, signed as Shopify signs it, through
// the real webhook route (app/routes/webhooks.tsx): 200 and stored; forged or unsigned: 401.
import { randomUUID } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import { db } from "../app/db.server";
import { action } from "../app/routes/webhooks";
import { SUBSCRIBED_TOPICS } from "../app/webhooks/topics";
import { WEBHOOK_TOPICS, documentedPayload, webhookHeaders } from "./fixtures/webhooks";
import { markInstalled } from "./support/installed-shops";

const SECRET = process.env.SHOPIFY_API_SECRET ?? "";
const SHOP = "route-test.myshopify.com";

function post(body: string, headers: Record<string, string>) {
  const request = new Request("http://127.0.0.1/webhooks", { method: "POST", body, headers });
  return action({ request, params: {}, context: {} });
}

/** Shopify's example, about this test's shop where the body names one (as Shopify sends it). */
function payloadFor(topic: string): Record<string, unknown> {
  const payload = documentedPayload(topic as (typeof WEBHOOK_TOPICS)[number]);
  if ("shop_domain" in payload) payload.shop_domain = SHOP;
  if ("myshopify_domain" in payload) payload.myshopify_domain = SHOP;
  return payload;
}

describe("POST /webhooks with Shopify's documented payloads", () => {
  beforeAll(() => markInstalled(db(), SHOP));

  it("the fixtures cover every topic the app subscribes to", () => {
    expect([...WEBHOOK_TOPICS].sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
  });

  it.each([...SUBSCRIBED_TOPICS])("%s: signed → 200 and stored once; forged → 401", async (topic) => {
    const body = JSON.stringify(payloadFor(topic));
    const eventId = randomUUID();
    const headers = webhookHeaders({ topic, shop: SHOP, body, secret: SECRET, eventId });

    const signed = await post(body, headers);
    expect(signed.status).toBe(200);
    const stored = await db().webhookDelivery.findMany({ where: { shop: SHOP, eventId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.topic).toBe(topic);
    expect(stored[0]?.payload).toBe(body);

    const forged = await post(body.replace(/}$/, ',"x":1}'), headers);
    expect(forged.status).toBe(401);
    const unsigned = await post(body, { ...headers, "X-Shopify-Hmac-Sha256": "" });
    expect(unsigned.status).toBe(401);
    const wrongSecret = webhookHeaders({ topic, shop: SHOP, body, secret: "not-the-secret", eventId: randomUUID() });
    expect((await post(body, wrongSecret)).status).toBe(401);
    expect(await db().webhookDelivery.count({ where: { shop: SHOP, eventId } })).toBe(1);
  });

  it("refuses a body over 5 MB with 413 as it passes the limit, without reading the rest", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const request = new Request("http://127.0.0.1/webhooks", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    const response = await action({ request, params: {}, context: {} });
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(5 * 1024 * 1024 + 4 * 64 * 1024);

    // Declared: refused on the header alone; signed, it is still not stored.
    const big = "x".repeat(5 * 1024 * 1024 + 1);
    const eventId = randomUUID();
    const headers = { ...webhookHeaders({ topic: "orders/create", shop: SHOP, body: big, secret: SECRET, eventId }), "Content-Length": String(big.length) };
    expect((await post(big, headers)).status).toBe(413);
    expect(await db().webhookDelivery.count({ where: { eventId } })).toBe(0);
  });
});
