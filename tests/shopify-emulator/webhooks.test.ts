import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { signWebhook } from "../fixtures/webhooks";
import type { RunningEmulator } from "./index";
import { manualClock, seedDemoShop, startEmulator } from "./index";

const SECRET = "emulator-test-secret";
const SHOP = "demo-shop.myshopify.com";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** A tiny app: verifies Shopify's HMAC over the raw body, like authenticate.webhook does. */
function verify(body: string, hmac: string | undefined): boolean {
  if (!hmac) return false;
  const expected = Buffer.from(createHmac("sha256", SECRET).update(body, "utf8").digest("base64"));
  const given = Buffer.from(hmac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status codes to answer next (default 200). */
const answers: number[] = [];
const clock = manualClock(Date.UTC(2026, 10, 20, 12));
let emu: RunningEmulator;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const hmac = req.headers["x-shopify-hmac-sha256"];
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body,
        verified: verify(body, typeof hmac === "string" ? hmac : undefined),
      });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  emu = await startEmulator({
    clock,
    webhooks: {
      appUrl: receiverUrl,
      secret: SECRET,
      paths: { "app/uninstalled": "/webhooks/app/uninstalled" },
      backoffMs: () => 5,
      maxAttempts: 3,
    },
  });
});

afterAll(async () => {
  await emu.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

beforeEach(() => {
  emu.reset();
  received.length = 0;
  answers.length = 0;
  seedDemoShop(emu.store, { seed: 3 });
});

describe("webhook deliveries", () => {
  it("signs deliveries so the app can verify them, and a tampered body fails", async () => {
    const record = await emu.webhooks.deliver("app/uninstalled", SHOP, {
      id: 1,
      myshopify_domain: SHOP,
    });
    expect(record.state).toBe("delivered");
    const got = received[0];
    if (!got) throw new Error("nothing received");
    expect(got.path).toBe("/webhooks/app/uninstalled");
    expect(got.verified).toBe(true);
    expect(got.headers["x-shopify-topic"]).toBe("app/uninstalled");
    expect(got.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(got.headers["x-shopify-api-version"]).toBe("2026-10");
    expect(got.headers["x-shopify-event-id"]).toBe(record.eventId);
    expect(got.headers["x-shopify-webhook-id"]).toBe(record.webhookId);
    expect(got.headers["content-type"]).toBe("application/json");

    const tampered = got.body.replace(`"id":1`, `"id":2`);
    expect(tampered).not.toBe(got.body);
    expect(verify(tampered, String(got.headers["x-shopify-hmac-sha256"]))).toBe(false);
    expect(signWebhook(got.body, SECRET)).toBe(got.headers["x-shopify-hmac-sha256"]);
  });

  it("emits refunds/create and orders/updated for a refund made through the API", async () => {
    const order = [...emu.store.shop(SHOP).orders.values()].find(
      (o) => o.refunds.length === 0 && o.transactions.length === 1,
    );
    const sale = order?.transactions[0];
    if (!order || !sale) throw new Error("seed");
    const res = await emu.graphql(
      SHOP,
      `mutation RefundCreate($input: RefundInput!) { refundCreate(input: $input) @idempotent(key: "k-1") { refund { id } userErrors { message } } }`,
      {
        input: {
          orderId: order.id,
          transactions: [
            {
              orderId: order.id,
              parentId: sale.id,
              gateway: sale.gateway,
              kind: "REFUND",
              amount: "5.00",
            },
          ],
        },
      },
    );
    expect(res.errors).toBeUndefined();
    await emu.webhooks.idle();
    const topics = received.map((r) => r.headers["x-shopify-topic"]);
    expect(topics).toEqual(["refunds/create", "orders/updated"]);
    const refund = JSON.parse(received[0]?.body ?? "{}") as Record<string, unknown>;
    expect(refund.admin_graphql_api_id).toBe(order.refunds[0]?.id);
    expect(refund.transactions).toMatchObject([{ amount: "5.00", kind: "refund" }]);
    const updated = JSON.parse(received[1]?.body ?? "{}") as Record<string, unknown>;
    expect(updated).toMatchObject({
      admin_graphql_api_id: order.id,
      financial_status: "partially_refunded",
      name: order.name,
    });
    expect(received.every((r) => r.verified)).toBe(true);
  });

  it("emits fulfillment, tracking and inventory webhooks from store changes", async () => {
    const order = [...emu.store.shop(SHOP).orders.values()].find(
      (o) => o.fulfillments.length === 0 && o.cancelledAt === null,
    );
    if (!order) throw new Error("seed");
    const f = emu.store.addFulfillment(SHOP, order.id, {
      trackingCompany: "UPS",
      trackingNumber: "1Z999",
    });
    emu.store.addFulfillmentEvent(SHOP, f.id, {
      status: "IN_TRANSIT",
      estimatedDeliveryAt: clock.now() + 86_400_000,
    });
    const variant = emu.store.shop(SHOP).variants.values().next().value;
    if (!variant) throw new Error("seed");
    emu.store.setAvailable(SHOP, variant.id, 0);
    await emu.webhooks.idle();
    expect(received.map((r) => r.headers["x-shopify-topic"])).toEqual([
      "fulfillments/create",
      "orders/updated",
      "fulfillment_events/create",
      "fulfillments/update",
      "inventory_levels/update",
    ]);
    const fulfillment = JSON.parse(received[0]?.body ?? "{}") as Record<string, unknown>;
    expect(fulfillment).toMatchObject({
      admin_graphql_api_id: f.id,
      tracking_company: "UPS",
      tracking_numbers: ["1Z999"],
    });
    const event = JSON.parse(received[2]?.body ?? "{}") as Record<string, unknown>;
    expect(event).toMatchObject({ status: "in_transit" });
    const level = JSON.parse(received[4]?.body ?? "{}") as Record<string, unknown>;
    expect(level).toMatchObject({ available: 0 });
  });

  it("emits orders/cancelled for a cancel and orders/create for a completed draft", async () => {
    const shop = emu.store.shop(SHOP);
    const order = [...shop.orders.values()].find(
      (o) => o.cancelledAt === null && o.fulfillments.length === 0,
    );
    const variant = shop.variants.values().next().value;
    if (!order || !variant) throw new Error("seed");
    const cancel = await emu.graphql(
      SHOP,
      `mutation Cancel($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: false, refundMethod: { originalPaymentMethodsRefund: true }) { job { id } orderCancelUserErrors { message } } }`,
      { id: order.id },
    );
    const jobId = (cancel.data?.orderCancel as { job: { id: string } }).job.id;
    emu.store.completeJob(SHOP, jobId);
    const draft = emu.store.createDraftOrder(SHOP, {
      lineItems: [{ variantId: variant.id, quantity: 1 }],
    });
    await emu.graphql(
      SHOP,
      `mutation Complete($id: ID!) { draftOrderComplete(id: $id) { userErrors { message } } }`,
      {
        id: draft.id,
      },
    );
    await emu.webhooks.idle();
    const topics = received.map((r) => r.headers["x-shopify-topic"]);
    expect(topics).toContain("orders/cancelled");
    expect(topics).toContain("refunds/create");
    expect(topics).toContain("orders/create");
    const cancelled = received.find((r) => r.headers["x-shopify-topic"] === "orders/cancelled");
    expect(JSON.parse(cancelled?.body ?? "{}")).toMatchObject({
      admin_graphql_api_id: order.id,
      cancel_reason: "customer",
      financial_status: "refunded",
    });
  });

  it("retries on non-2xx keeping the same webhook and event ids", async () => {
    answers.push(500, 502);
    const record = await emu.webhooks.deliver("orders/cancelled", SHOP, { id: 1 });
    expect(record.attempts.map((a) => a.status)).toEqual([500, 502, 200]);
    expect(new Set(received.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
    expect(new Set(received.map((r) => r.headers["x-shopify-event-id"])).size).toBe(1);

    answers.push(500, 500, 500);
    const failed = await emu.webhooks.deliver("orders/cancelled", SHOP, { id: 2 });
    expect(failed.state).toBe("failed");
    expect(failed.attempts).toHaveLength(3);
  });

  it("delivers duplicates and out of order on request", async () => {
    const dup = await emu.webhooks.deliver("orders/updated", SHOP, { id: 1 }, { duplicate: true });
    await emu.webhooks.idle();
    expect(received).toHaveLength(2);
    expect(received[1]?.headers["x-shopify-event-id"]).toBe(dup.eventId);
    expect(received[1]?.body).toBe(received[0]?.body);

    received.length = 0;
    emu.webhooks.pause();
    const older = emu.webhooks.deliver(
      "orders/updated",
      SHOP,
      { id: 1, note: "older" },
      { triggeredAt: new Date(clock.now() - 60_000) },
    );
    const newer = emu.webhooks.deliver(
      "orders/updated",
      SHOP,
      { id: 1, note: "newer" },
      { triggeredAt: new Date(clock.now()) },
    );
    expect(received).toHaveLength(0);
    await emu.webhooks.resume("reverse");
    await Promise.all([older, newer]);
    expect(received.map((r) => (JSON.parse(r.body) as { note: string }).note)).toEqual([
      "newer",
      "older",
    ]);
  });
});
