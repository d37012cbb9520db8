// The oversell path end to end: the Shopify emulator sends inventory_levels/update over HTTP to
// the real intake, the processor asks the emulator's Admin API which variant the inventory item
// belongs to (shopifyLookups + AdminClient), and the newest orders waiting for that variant are
// flagged with the units they will be short of.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import { inventoryLevelPayload } from "./fixtures/webhooks";
import type { OrderRecord, RunningEmulator, VariantRecord } from "./shopify-emulator";
import { legacyId, manualClock } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import { eventsActedOnOnce } from "./support/events-acted-on";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { markInstalled } from "./support/installed-shops";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "oversell-secret";
const SHOP = "oversell-shop.myshopify.com";
const TOKEN = "shpat_oversell";
const utc = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);

describe.each(testDatabases())("oversell risk from the emulator on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(utc(16, 8));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let variant: VariantRecord;
  const orders: Record<string, OrderRecord> = {};

  const lookups = shopifyLookups(() =>
    Promise.resolve(new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP) })),
  );

  /** Waits for the emulator's deliveries to be answered, then processes them at `now`. */
  async function settle(now: number) {
    await store.settle({ lookups, clock: () => new Date(now) });
  }

  const lookupsAsked = () => emu.requests.filter((r) => r.operationName === "InventoryItemStock");

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: name,
      runUrl,
      label: "oversell",
      secret: SECRET,
      emulator: {
        clock,
        jobAutoCompleteMs: null,
        shops: [{ domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC" }],
      },
    });
    ({ db, emu } = store);
    // The shop installed Amends (its profile is read from Shopify with the first webhook).
    await markInstalled(db, SHOP);
    const product = emu.store.addProduct(SHOP, {
      title: "Heavyweight Hoodie",
      variants: [{ title: "M", sku: "NW-HH-M", price: "78.00", available: 3 }],
    });
    const variantId = product.variantIds[0];
    if (!variantId) throw new Error("no variant");
    variant = emu.store.variant(SHOP, variantId);

    // Five paid orders waiting for the hoodie, placed out of name order: #1001 is not the oldest.
    // keepInventory: the stock count below is what moves the level.
    const placed: [string, number, number][] = [
      ["tuesday-morning", utc(17, 10), 1],
      ["monday-morning", utc(16, 9), 1],
      ["wednesday", utc(18, 8), 1],
      ["monday-noon", utc(16, 11), 1],
      ["tuesday-afternoon", utc(17, 15), 2],
    ];
    for (const [key, at, quantity] of placed) {
      clock.set(at);
      const customer = emu.store.addCustomer(SHOP, { firstName: key, email: `${key}@example.com` });
      orders[key] = emu.store.addOrder(SHOP, {
        customerId: customer.id,
        lineItems: [{ variantId: variant.id, quantity }],
        keepInventory: true,
      });
      await settle(at);
    }
  });

  afterAll(async () => {
    await store.close();
  });

  it("flags exactly the two newest waiting orders with the units they are short", async () => {
    expect(await db.waitingLine.count({ where: { shop: SHOP, variantId: variant.id } })).toBe(5);
    expect(await db.incident.count({ where: { shop: SHOP } })).toBe(0);
    expect(lookupsAsked()).toHaveLength(0);

    // A stock count finds two units fewer than were promised.
    clock.set(utc(18, 12));
    emu.store.setAvailable(SHOP, variant.id, -2);
    await settle(utc(18, 12));

    const asked = lookupsAsked();
    expect(asked).toHaveLength(1);
    expect(asked[0]?.status).toBe(200);
    const location = emu.store.shop(SHOP).locations[0]?.id;
    expect(asked[0]?.body?.data).toEqual({
      inventoryItem: {
        id: variant.inventoryItemId,
        variant: { id: variant.id },
        inventoryLevels: { nodes: [{ location: { id: location }, quantities: [{ name: "available", quantity: -2 }] }] },
      },
    });

    const incidents = await db.incident.findMany({ where: { shop: SHOP }, orderBy: { orderName: "asc" } });
    const wednesday = orders.wednesday;
    const tuesdayAfternoon = orders["tuesday-afternoon"];
    if (!wednesday || !tuesdayAfternoon) throw new Error("orders");
    expect(incidents.map((i) => [i.kind, i.orderName])).toEqual([
      ["oversell_risk", wednesday.name],
      ["oversell_risk", tuesdayAfternoon.name],
    ]);
    const evidence = { variantId: variant.id, available: -2, shortfall: 2, shortQuantity: 1 };
    expect(incidents[0]).toMatchObject({
      orderId: wednesday.id,
      status: "open",
      responsibleParty: "store",
      customerEmail: "wednesday@example.com",
      customerName: "wednesday",
      lines: [{ lineItemId: wednesday.lineItems[0]?.id, quantity: 1 }],
      evidence: { ...evidence, locationId: emu.store.shop(SHOP).locations[0]?.id },
    });
    // Ordered 2, short 1: only the missing unit is flagged.
    expect(incidents[1]).toMatchObject({
      orderId: tuesdayAfternoon.id,
      lines: [{ lineItemId: tuesdayAfternoon.lineItems[0]?.id, quantity: 1 }],
      evidence,
    });
  });

  it("a redelivery of the same event opens nothing and adds nothing", async () => {
    const before = {
      deliveries: await db.webhookDelivery.count({ where: { shop: SHOP } }),
      events: await db.incidentEvent.findMany({ where: { incident: { shop: SHOP } }, orderBy: { id: "asc" } }),
    };
    const [original] = emu.webhooks.byTopic("inventory_levels/update");
    if (!original) throw new Error("no inventory delivery");
    await emu.webhooks.redeliver(original);
    await emu.webhooks.redeliver(original, { newWebhookId: true });
    await settle(utc(18, 13));

    // Both copies stored, neither acted on.
    expect(await db.webhookDelivery.count({ where: { shop: SHOP } })).toBe(before.deliveries + 2);
    expect(await db.webhookDelivery.count({ where: { shop: SHOP, status: "duplicate" } })).toBe(2);
    expect(await db.incident.count({ where: { shop: SHOP } })).toBe(2);
    expect(await db.incidentEvent.findMany({ where: { incident: { shop: SHOP } }, orderBy: { id: "asc" } })).toEqual(
      before.events,
    );
    expect(lookupsAsked()).toHaveLength(1);
  });

  it("an inventory item Shopify does not know opens nothing and is marked processed", async () => {
    const location = emu.store.shop(SHOP).locations[0];
    if (!location) throw new Error("no location");
    const record = await emu.webhooks.deliver(
      "inventory_levels/update",
      SHOP,
      inventoryLevelPayload({
        inventory_item_id: 987654321,
        location_id: legacyId(location.id),
        available: -5,
        updated_at: new Date(utc(18, 14)).toISOString(),
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${legacyId(location.id)}?inventory_item_id=987654321`,
      }),
    );
    expect(record.state).toBe("delivered");
    await settle(utc(18, 14));

    const asked = lookupsAsked();
    expect(asked).toHaveLength(2);
    expect(asked[1]?.body?.data).toEqual({ inventoryItem: null });
    const stored = await db.webhookDelivery.findFirstOrThrow({ where: { shop: SHOP, eventId: record.eventId } });
    expect(stored).toMatchObject({ status: "processed", error: null, attempts: 1 });
    expect(await db.incident.count({ where: { shop: SHOP } })).toBe(2);
  });

  it("stock caught up: the risks the level no longer supports are resolved, newest order last", async () => {
    const wednesday = orders.wednesday;
    const tuesdayAfternoon = orders["tuesday-afternoon"];
    if (!wednesday || !tuesdayAfternoon) throw new Error("orders");
    // One unit found: one unit short, which falls on the newest order only.
    clock.set(utc(18, 15));
    emu.store.setAvailable(SHOP, variant.id, -1);
    await settle(utc(18, 15));
    const status = async () =>
      Object.fromEntries(
        (await db.incident.findMany({ where: { shop: SHOP, kind: "oversell_risk" } })).map((i) => [i.orderName, i.status]),
      );
    expect(await status()).toEqual({ [wednesday.name]: "open", [tuesdayAfternoon.name]: "resolved" });
    const cleared = await db.incidentEvent.findFirstOrThrow({
      where: { incident: { shop: SHOP, orderId: tuesdayAfternoon.id }, type: "status" },
    });
    expect(cleared).toMatchObject({
      actor: "rule:oversell_risk",
      message: "No longer at risk: -1 available at the location, so the order can be served.",
    });

    // Back in stock: nothing is at risk.
    clock.set(utc(18, 16));
    emu.store.setAvailable(SHOP, variant.id, 0);
    await settle(utc(18, 16));
    expect(await status()).toEqual({ [wednesday.name]: "resolved", [tuesdayAfternoon.name]: "resolved" });
    expect(await db.inventoryShortfall.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("every delivery was accepted and processed", async () => {
    const refused = emu.webhooks.deliveries.filter(
      (d) => d.state !== "delivered" || d.attempts.some((a) => a.status !== 200),
    );
    expect(refused).toEqual([]);
    // One delivery acted on per event; every other copy marked duplicate.
    expect(await eventsActedOnOnce(db, SHOP)).toEqual({ statuses: ["duplicate", "processed"], twice: [], unheld: [] });
    const processed = await db.webhookDelivery.count({ where: { shop: SHOP, status: "processed" } });
    expect(processed).toBe(new Set(emu.webhooks.deliveries.map((d) => d.eventId)).size);
  });
});
