// Shopify sends the inventory level a sale drove below zero about when it sends the order, and
// either may arrive first. An order that arrives after its variant went negative is still
// flagged; a level back at zero or above forgets the shortfall.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { logger } from "../app/logger.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import type { SubscribedTopic } from "../app/webhooks/topics";
import { documentedPayload, webhookHeaders } from "./fixtures/webhooks";
import type { RunningEmulator } from "./shopify-emulator";
import { legacyId, startEmulator } from "./shopify-emulator";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { installedShops, markInstalled } from "./support/installed-shops";

const SECRET = "race-secret";
const NOW = new Date("2026-11-20T15:00:00Z");
const sqlite = testDatabases()[0];
if (!sqlite) throw new Error("no SQLite test database");
const db = databaseFor(sqlite.url);
const store = openDeliveryStore(sqlite.url);
const shop = `race-${randomUUID().slice(0, 8)}.myshopify.com`;
const intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });

// Shopify (the emulator) says which variant the inventory item is.
let emu: RunningEmulator;
let lookups: ShopifyLookups;
let variant = { id: "", inventoryItemId: "" };

beforeAll(async () => {
  await markInstalled(db, shop);
  emu = await startEmulator({});
  emu.store.createShop({ domain: shop, accessToken: "shpat_race" });
  const product = emu.store.addProduct(shop, { title: "Corduroy Cap", variants: [{ price: "34.00", available: 0 }] });
  const first = emu.store.variant(shop, product.variantIds[0] ?? "");
  variant = { id: first.id, inventoryItemId: first.inventoryItemId };
  lookups = shopifyLookups(() =>
    Promise.resolve(new AdminClient({ shop, accessToken: "shpat_race", endpoint: emu.graphqlUrl(shop) })),
  );
});

afterAll(async () => {
  await emu.close();
  await store.close();
  await clearShop(db, shop);
});

async function deliver(topic: SubscribedTopic, payload: Record<string, unknown>) {
  const body = JSON.stringify(payload);
  const headers = webhookHeaders({ topic, shop, body, secret: SECRET, eventId: randomUUID(), triggeredAt: NOW.toISOString() });
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  expect((await intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) })).status).toBe(200);
  await processPendingDeliveries({ db, lookups, log: logger, clock: () => NOW });
}

function order(id: number, quantity: number) {
  const base = documentedPayload("orders/create");
  const line = (base.line_items as Record<string, unknown>[])[0] ?? {};
  return {
    ...base,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    cancelled_at: null,
    cancel_reason: null,
    financial_status: "paid",
    created_at: "2026-11-20T14:00:00Z",
    processed_at: "2026-11-20T14:00:00Z",
    updated_at: "2026-11-20T14:00:00Z",
    line_items: [
      {
        ...line,
        admin_graphql_api_id: `gid://shopify/LineItem/${id}1`,
        variant_id: legacyId(variant.id),
        quantity,
        current_quantity: quantity,
        fulfillable_quantity: quantity,
      },
    ],
  };
}

const level = (available: number, updatedAt: string) => ({
  ...documentedPayload("inventory_levels/update"),
  inventory_item_id: legacyId(variant.inventoryItemId),
  location_id: 9,
  available,
  updated_at: updatedAt,
});

describe("oversell when the order arrives after the level", () => {
  it("flags the order that arrives after its variant went negative, and forgets a restocked level", async () => {
    await deliver("inventory_levels/update", level(-1, "2026-11-20T14:00:01Z"));
    expect(await db.inventoryShortfall.count({ where: { shop } })).toBe(1);
    await deliver("orders/create", order(5001, 1));
    const incidents = await db.incident.findMany({ where: { shop, kind: "oversell_risk" } });
    expect(incidents.map((i) => [i.orderId, i.lines])).toEqual([
      ["gid://shopify/Order/5001", [{ lineItemId: "gid://shopify/LineItem/50011", quantity: 1 }]],
    ]);

    // An older copy of the level does not clear it; a newer one at zero does.
    await deliver("inventory_levels/update", level(0, "2026-11-20T13:00:00Z"));
    expect(await db.inventoryShortfall.count({ where: { shop } })).toBe(1);
    await deliver("inventory_levels/update", level(0, "2026-11-20T14:30:00Z"));
    expect(await db.inventoryShortfall.count({ where: { shop } })).toBe(0);
    await deliver("orders/create", order(5002, 1));
    expect(await db.incident.count({ where: { shop, kind: "oversell_risk" } })).toBe(1);
  });
});
