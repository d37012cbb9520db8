// Expiring offline access tokens, end to end: Amends is installed with a 60-minute token and a
// refresh token (as Shopify installs public apps), the clock moves hours on, and background
// work — webhook processing, the due sweep with automatic remediation — still reaches Shopify,
// by refreshing through the Shopify library (its token calls routed to the emulator, the app's
// code as in production). One refresh per shop per hour however many calls; a 401 refreshes
// once; a lost refresh answer recovers with the previous refresh token; a refused refresh is a
// typed error. The approval from the admin is in tests/remediation/approval-route.test.ts.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { AutoRemediator } from "../app/remediation/auto.server";
import { sweepDueOrders } from "../app/scheduler/sweep.server";
import { adminClientFor, ShopifyError } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type { DeliveryStore } from "../app/webhooks/delivery-store.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import type { RunningEmulator } from "./shopify-emulator";
import { routeTokenCallsTo, startEmulator, TOKEN_ENDPOINT } from "./shopify-emulator";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { installApp } from "./support/install";
import { installedShops } from "./support/installed-shops";
import type { WebhookServer } from "./support/webhook-server";
import { startWebhookServer } from "./support/webhook-server";

const SECRET = process.env.SHOPIFY_API_SECRET ?? "";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SHOP_NAME = `query ShopName { shop { name } }`;

let emu: RunningEmulator;
let unroute: () => void;

beforeAll(async () => {
  // The app's clock and the emulator's (systemClock) are both Date: moving it moves both.
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  emu = await startEmulator({ jobAutoCompleteMs: 20 });
  unroute = routeTokenCallsTo(emu.url);
  process.env.SHOPIFY_ADMIN_API_URL_TEMPLATE = `${emu.url}/{shop}/admin/api/{version}/graphql.json`;
});

afterAll(async () => {
  unroute();
  await emu.close();
  vi.useRealTimers();
});

const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

function newShop(): string {
  const shop = `tokens-${randomUUID().slice(0, 8)}.myshopify.com`;
  emu.store.createShop({ domain: shop, currencyCode: "USD", ianaTimezone: "UTC" });
  return shop;
}

describe.each(testDatabases())("offline tokens on $name", ({ url }) => {
  const db: Database = databaseFor(url);
  const shops: string[] = [];
  const installed = async () => {
    const shop = newShop();
    shops.push(shop);
    await installApp(db, emu, shop);
    return shop;
  };
  const session = (shop: string) => db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
  const shopName = async (shop: string) =>
    (await adminClientFor(shop, db)).request<{ shop: { name: string } }>("ShopName", SHOP_NAME);

  afterAll(async () => {
    for (const shop of shops) await clearShop(db, shop);
  });

  it("two hours after install, ten concurrent calls refresh once and store the new pair in one row", async () => {
    const shop = await installed();
    const before = await session(shop);
    later(2 * HOUR);
    const answers = await Promise.all(Array.from({ length: 10 }, () => shopName(shop)));
    expect(answers.every((a) => a.shop.name.length > 0)).toBe(true);
    expect(emu.auth.refreshes(shop)).toBe(1);

    const after = await session(shop);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(emu.auth.check(shop, after.accessToken)).toBe("valid");
    expect(after.expires?.getTime()).toBeGreaterThan(Date.now() + 55 * MINUTE);
    expect(after.refreshTokenExpires?.getTime()).toBeGreaterThan(Date.now() + 89 * 24 * HOUR);
    // Nothing went out with the expired token.
    expect(emu.requests.filter((r) => r.shop === shop && r.status === 401)).toHaveLength(0);
  });

  it("refreshes once an hour per shop, not once per call", async () => {
    const [a, b] = [await installed(), await installed()];
    let calls = 0;
    // Five hours of work, every ten minutes, on two shops.
    for (let step = 1; step <= 30; step++) {
      later(10 * MINUTE);
      await Promise.all([shopName(a), shopName(b), shopName(a)]);
      calls += 3;
    }
    expect(calls).toBe(90);
    expect(emu.auth.refreshes(a)).toBe(5);
    expect(emu.auth.refreshes(b)).toBe(5);
  });

  it("a token refused before its time (401) refreshes once and retries once, and does not loop", async () => {
    const shop = await installed();
    emu.auth.revoke((await session(shop)).accessToken);
    await expect(shopName(shop)).resolves.toBeTruthy();
    expect(emu.auth.refreshes(shop)).toBe(1);

    // Refused again after the refresh: a typed error, after one refresh more.
    emu.faults.inject({ kind: "http5xx", status: 401, times: 3, operationName: "ShopName", shop });
    const error = await shopName(shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyError);
    expect(error).toMatchObject({ code: "HTTP_401", retryable: false });
    expect(emu.auth.refreshes(shop)).toBe(2);
    expect(emu.faults.pending()).toBe(1);
    emu.faults.clear();
  });

  it("a lost refresh answer is recovered with the previous refresh token, which Shopify still accepts", async () => {
    const shop = await installed();
    const installedPair = await session(shop);
    later(2 * HOUR);
    emu.faults.inject({ kind: "dropAfterApply", operationName: TOKEN_ENDPOINT, shop });
    await expect(shopName(shop)).resolves.toBeTruthy();
    const log = emu.auth.refreshLog.filter((r) => r.shop === shop);
    expect(log.map((r) => r.reusedPrevious)).toEqual([false, true]);
    const recovered = await session(shop);
    expect(recovered.refreshToken).not.toBe(installedPair.refreshToken);

    // The stored pair is the one in use from now on: the next hour refreshes with it.
    later(2 * HOUR);
    await expect(shopName(shop)).resolves.toBeTruthy();
    expect(emu.auth.refreshLog.filter((r) => r.shop === shop).map((r) => r.reusedPrevious)).toEqual([false, true, false]);
  });

  it("no installation, or a refresh Shopify refuses, is a typed error rather than a crash", async () => {
    const notInstalled = newShop();
    await expect(shopName(notInstalled)).rejects.toMatchObject({ name: "ShopifyError", code: "NO_SESSION", retryable: false });

    const shop = await installed();
    await db.session.update({ where: { id: `offline_${shop}` }, data: { refreshToken: "shprt_revoked_by_the_merchant" } });
    later(2 * HOUR);
    const error = await shopName(shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyError);
    expect(error).toMatchObject({ code: "REFRESH_REFUSED", retryable: false });
    expect((error as Error).message).toMatch(/invalid_grant/);
    expect(emu.requests.filter((r) => r.shop === shop)).toHaveLength(0);
  });

  describe("background work two hours after install", () => {
    let deliveries: DeliveryStore;
    let server: WebhookServer;

    beforeAll(async () => {
      deliveries = openDeliveryStore(url);
      server = await startWebhookServer(new WebhookIntake({ store: deliveries, secret: SECRET, shops: installedShops(db) }));
      emu.webhooks.configure({ appUrl: server.url, secret: SECRET });
    });
    afterAll(async () => {
      emu.webhooks.configure({ appUrl: null });
      await server.close();
      await deliveries.close();
    });

    it("webhook processing asks Shopify, and the due sweep's automatic remedy is carried out, by refreshing", async () => {
      const shop = await installed();
      const product = emu.store.addProduct(shop, { title: "Linen Shirt", variants: [{ price: "40.00", available: 1 }] });
      const variantId = product.variantIds[0] ?? "";
      const customer = emu.store.addCustomer(shop, { firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
      // An order placed a week ago and never shipped: late by the default SLA (3 business days).
      emu.store.addOrder(shop, {
        customerId: customer.id,
        lineItems: [{ variantId, quantity: 1 }],
        createdAt: Date.now() - 7 * 24 * HOUR,
      });
      const clientFor = (s: string) => adminClientFor(s, db);
      const processAll = () => processPendingDeliveries({ db, lookups: shopifyLookups(clientFor), log: logger });
      await emu.webhooks.idle();
      while ((await processAll()) > 0);

      // Two hours on, a stock count sends the variant below zero: processing asks Shopify which
      // variant the inventory item is.
      later(2 * HOUR);
      emu.store.setAvailable(shop, variantId, -1);
      await emu.webhooks.idle();
      while ((await processAll()) > 0);
      const stock = await db.webhookDelivery.findFirstOrThrow({ where: { shop, topic: "inventory_levels/update" } });
      expect(stock).toMatchObject({ status: "processed", error: null });
      expect(emu.requests.filter((r) => r.shop === shop && r.operationName === "InventoryItemStock" && r.status === 200)).toHaveLength(1);
      expect(emu.auth.refreshes(shop)).toBe(1);

      // Two hours more: the due sweep opens the late fulfilment and the policy makes it right.
      later(2 * HOUR);
      const sweep = await sweepDueOrders(db, new Date());
      const late = sweep.opened.filter((o) => o.shop === shop);
      expect(late).toHaveLength(1);
      const remediator = new AutoRemediator({ db, clientFor, log: logger });
      remediator.enqueue(shop, late.map((o) => o.incidentId));
      await remediator.idle();
      const remedies = await db.remediation.findMany({ where: { shop } });
      expect(remedies.map((r) => `${r.action} ${r.status}`)).toContain("discount_code succeeded");
      expect(remedies.filter((r) => r.status !== "succeeded")).toEqual([]);
      expect([...emu.store.shop(shop).discounts.values()]).toHaveLength(1);
      expect(emu.auth.refreshes(shop)).toBe(2);
    });
  });
});
