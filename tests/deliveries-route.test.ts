// The failed webhooks page (app/routes/app.deliveries.tsx), its loader and action called as
// Remix calls them: a delivery that failed after every retry is listed with its reason; Replay
// puts it back through the processor, the path every delivery takes, once however often it is
// pressed, and what it applies is applied once.
import { beforeAll, describe, expect, it } from "vitest";

import { logger } from "../app/logger.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import type { ProcessorDeps } from "../app/webhooks/process.server";
import { MAX_ATTEMPTS, processPendingDeliveries } from "../app/webhooks/process.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { installedShops } from "./support/installed-shops";
import { orderPayload, webhookHeaders } from "./fixtures/webhooks";
// Types only: the modules load in beforeAll, once the environment names the shop.
import type * as Database from "../app/db.server";
import type * as DeliveriesRoute from "../app/routes/app.deliveries";

const SHOP = "deliveries-route.myshopify.com";
const SECRET = "deliveries-secret";
const PAGE = "http://127.0.0.1/app/deliveries";
const PROFILE = { name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es", email: null };

let route: typeof DeliveriesRoute;
let database: typeof Database;

beforeAll(async () => {
  // The app's configuration is read once, on first use: demo mode acts as this shop.
  Object.assign(process.env, { AMENDS_DEMO: "true", AMENDS_DEMO_SHOP: SHOP });
  route = await import("../app/routes/app.deliveries");
  database = await import("../app/db.server");
  // Installed, its profile not read yet.
  await database.db().shop.create({ data: { domain: SHOP } });
});

/** Shopify as the test has it: down (while the delivery is tried), then back. */
let shopifyDown = true;
const lookups: ShopifyLookups = {
  inventoryItemStock: () => Promise.reject(new Error("not used in this suite")),
  fulfilmentLocations: () => Promise.reject(new Error("not used in this suite")),
  shopProfile: () => (shopifyDown ? Promise.reject(new Error("Shopify did not answer (503 Service Unavailable)")) : Promise.resolve(PROFILE)),
};
const deps = (at: Date): ProcessorDeps => ({ db: database.db(), lookups, log: logger, clock: () => at });

const replay = (id: string) =>
  route.action({ request: new Request(PAGE, { method: "POST", body: new URLSearchParams({ intent: "replay", id }) }), params: {}, context: {} });

async function answer(response: Awaited<ReturnType<typeof replay>>) {
  return response instanceof Response ? { status: response.status, ...((await response.json()) as { replayed: boolean; message: string }) } : { status: 200, ...response };
}

describe("failed webhooks page", () => {
  it("lists a delivery that failed after every retry, and replays it once through the processor", async () => {
    const db = database.db();
    const store = openDeliveryStore(process.env.DATABASE_URL ?? "");
    const body = JSON.stringify(orderPayload({ admin_graphql_api_id: "gid://shopify/Order/880011", name: "#7001" }));
    const headers = Object.fromEntries(
      Object.entries(webhookHeaders({ topic: "orders/create", shop: SHOP, body, secret: SECRET })).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const received = await new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) }).receive({ method: "POST", header: (n) => headers[n.toLowerCase()], body: Buffer.from(body) });
    expect(received.status).toBe(200);
    await store.close();

    // Shopify is down for every try.
    let at = new Date();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await processPendingDeliveries(deps(at));
      const row = await db.webhookDelivery.findFirstOrThrow({ where: { shop: SHOP } });
      at = row.nextAttemptAt ?? at;
    }
    const failed = await db.webhookDelivery.findFirstOrThrow({ where: { shop: SHOP } });
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });

    // The merchant opens the admin (which reads the shop's profile) and finds it, with why.
    await db.shop.update({ where: { domain: SHOP }, data: { currencyCode: "EUR", timeZone: "Europe/Madrid", primaryLocale: "es", country: "ES" } });
    const page = await route.loader({ request: new Request(PAGE), params: {}, context: {} });
    expect(page.deliveries).toEqual([
      expect.objectContaining({ id: failed.id, topic: "orders/create", attempts: MAX_ATTEMPTS, error: "Shopify did not answer (503 Service Unavailable)" }),
    ]);

    // Replay, pressed twice: put back in line once.
    shopifyDown = false;
    expect(await answer(await replay(failed.id))).toMatchObject({ status: 200, replayed: true });
    expect(await answer(await replay(failed.id))).toMatchObject({ status: 409, replayed: false });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ status: "received", attempts: 0 });

    // The processor acts on it as on any delivery.
    expect(await processPendingDeliveries(deps(new Date(at.getTime() + 1_000)))).toBe(1);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ status: "processed", attempts: 1, error: null });
    expect(await db.orderRecord.count({ where: { shop: SHOP } })).toBe(1);
    expect((await route.loader({ request: new Request(PAGE), params: {}, context: {} })).deliveries).toEqual([]);

    // Once acted on, there is nothing to replay: nothing is applied twice.
    expect(await answer(await replay(failed.id))).toMatchObject({ status: 409, replayed: false });
    expect(await processPendingDeliveries(deps(new Date(at.getTime() + 2_000)))).toBe(0);
  });

  it("replays only this shop's deliveries, and says so for anything else", async () => {
    const other = await database.db().webhookDelivery.create({
      data: { id: "other-shop-delivery", shop: "someone-else.myshopify.com", topic: "orders/create", webhookId: "w", eventId: "e", payload: "{}", status: "failed" },
    });
    expect(await answer(await replay(other.id))).toMatchObject({ status: 409, replayed: false });
    expect(await database.db().webhookDelivery.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ status: "failed" });
    const missing = await route.action({ request: new Request(PAGE, { method: "POST", body: new URLSearchParams({ intent: "replay" }) }), params: {}, context: {} });
    expect(await answer(missing)).toMatchObject({ status: 422, replayed: false });
  });
});
