// Oversell risk over every location that can fulfil the waiting orders. A shop with a warehouse
// and a shop floor: the beanie runs out at the warehouse, where Shopify routed the orders, but
// the shop floor has some, and orders whose fulfilment orders include the shop floor can be
// served from there. Everything arrives as Shopify sends it: the order's inventory level
// (committed at its fulfilment order's location) before the order itself, through the intake;
// the processor asks the emulator's Admin API for the stock at every location and for the
// waiting orders' fulfilment orders.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type { LocationRecord, OrderRecord, RunningEmulator } from "./shopify-emulator";
import { manualClock } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { markInstalled } from "./support/installed-shops";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "locations-secret";
const SHOP = "two-locations.myshopify.com";
const TOKEN = "shpat_locations";
const utc = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);

describe.each(testDatabases())("oversell risk across locations on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(utc(16, 8));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let warehouse: LocationRecord;
  let shopFloor: LocationRecord;
  let beanie = "";
  let tote = "";
  const orders: Record<string, OrderRecord> = {};

  const lookups = shopifyLookups(() =>
    Promise.resolve(new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP) })),
  );

  async function settle() {
    await store.settle({ lookups, clock: () => new Date(clock.now()) });
  }

  /** A paid order for one beanie from the warehouse, and a tote from the shop floor if `alsoShopFloor`. */
  async function place(key: string, hour: number, alsoShopFloor: boolean) {
    clock.set(utc(16, hour));
    const customer = emu.store.addCustomer(SHOP, { firstName: key, email: `${key}@example.com` });
    // Shopify does not promise an order: the level is delivered before its order here, the
    // race an order arriving after its level must survive.
    emu.webhooks.pause();
    orders[key] = emu.store.addOrder(SHOP, {
      customerId: customer.id,
      lineItems: [
        { variantId: beanie, quantity: 1, locationId: warehouse.id },
        ...(alsoShopFloor ? [{ variantId: tote, quantity: 1, locationId: shopFloor.id }] : []),
      ],
    });
    await emu.webhooks.resume("fifo");
    await settle();
  }

  const risks = async () =>
    Object.fromEntries(
      (await db.incident.findMany({ where: { shop: SHOP, kind: "oversell_risk" } })).map((i) => [i.orderName, i.status]),
    );
  const name_ = (key: string) => orders[key]?.name ?? key;

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: name,
      runUrl,
      label: "locations",
      secret: SECRET,
      emulator: {
        clock,
        shops: [{ domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC" }],
      },
    });
    ({ db, emu } = store);
    // The shop installed Amends (its profile is read from Shopify with the first webhook).
    await markInstalled(db, SHOP);
    const [first] = emu.store.shop(SHOP).locations;
    if (!first) throw new Error("no location");
    warehouse = first;
    shopFloor = emu.store.addLocation(SHOP, "Shop floor");
    const hat = emu.store.addProduct(SHOP, {
      title: "Merino Beanie",
      variants: [{ price: "29.00", available: { [warehouse.name]: 1, [shopFloor.name]: 1 } }],
    });
    const bag = emu.store.addProduct(SHOP, {
      title: "Canvas Tote",
      variants: [{ price: "15.00", available: { [warehouse.name]: 0, [shopFloor.name]: 20 } }],
    });
    beanie = hat.variantIds[0] ?? "";
    tote = bag.variantIds[0] ?? "";
  });

  afterAll(async () => {
    await store.close();
  });

  it("the emulator assigns each line's fulfilment order to its location, as Shopify's routing does", async () => {
    await place("ana", 9, false);
    const zoe = emu.store.addOrder(SHOP, { lineItems: [{ variantId: tote, quantity: 2, locationId: shopFloor.id }] });
    emu.store.addFulfillment(SHOP, zoe.id, { trackingCompany: "DHL", trackingNumber: "JD77" });
    await settle();
    const ids = [orders.ana?.id ?? "", zoe.id];
    const found = await lookups.fulfilmentLocations(SHOP, ids);
    // Zoe's order has shipped: its fulfilment order is closed and can ship nothing more.
    expect(found).toEqual(new Map([[ids[0], [warehouse.id]], [ids[1], []]]));
    expect(await risks()).toEqual({});
  });

  it("an order short at the warehouse that the shop floor can fulfil is not at risk", async () => {
    // The warehouse's last beanie went to Ana: Bea's takes it to -1, and the level arrives
    // before her order. The shop floor has one, and Bea's tote comes from there.
    await place("bea", 10, true);
    expect(await db.inventoryShortfall.count({ where: { shop: SHOP } })).toBe(1);
    expect(await risks()).toEqual({ [name_("ana")]: "resolved" });
    const cleared = await db.incidentEvent.findFirstOrThrow({
      where: { incident: { shop: SHOP, orderId: orders.ana?.id }, type: "status" },
    });
    expect(cleared.message).toBe(`No longer at risk: the units short at the location now fall on ${name_("bea")}, placed later, so the order can be served.`);
  });

  it("an order short at the warehouse with no other location is at risk, and takes the shortfall", async () => {
    // Cal's beanie takes the warehouse to -2. The shop floor's one beanie serves Bea; Cal's
    // order has only the warehouse.
    await place("cal", 11, false);
    expect(await risks()).toEqual({ [name_("ana")]: "resolved", [name_("cal")]: "open" });
    const cal = await db.incident.findFirstOrThrow({ where: { shop: SHOP, orderId: orders.cal?.id } });
    expect(cal).toMatchObject({
      lines: [{ lineItemId: orders.cal?.lineItems[0]?.id, quantity: 1 }],
      evidence: { variantId: beanie, locationId: warehouse.id, available: -2, shortfall: 2, shortQuantity: 1 },
    });
  });

  it("a second order the shop floor could serve takes its one beanie: the order that had it is now at risk", async () => {
    // Dan's beanie takes the warehouse to -3. Dan (newest) is served from the shop floor; Cal
    // and now Bea, whose tote still comes from the shop floor, are short everywhere.
    await place("dan", 12, true);
    expect(await risks()).toEqual({ [name_("ana")]: "resolved", [name_("cal")]: "open", [name_("bea")]: "open" });
    const bea = await db.incident.findFirstOrThrow({ where: { shop: SHOP, orderId: orders.bea?.id } });
    expect(bea).toMatchObject({
      customerEmail: "bea@example.com",
      evidence: { available: -3, shortfall: 3, shortQuantity: 1, fulfilledFrom: [warehouse.id, shopFloor.id] },
    });
    expect(bea.responsibleParty).toBe("store");
  });

  it("the shop floor selling its last beanie at the till puts the order it covered at risk", async () => {
    clock.set(utc(16, 13));
    emu.store.setAvailable(SHOP, beanie, 0, shopFloor.id);
    await settle();
    expect(await risks()).toEqual({
      [name_("ana")]: "resolved",
      [name_("bea")]: "open",
      [name_("cal")]: "open",
      [name_("dan")]: "open",
    });
  });

  it("the shop floor restocked covers the orders it can fulfil again", async () => {
    clock.set(utc(16, 14));
    emu.store.setAvailable(SHOP, beanie, 5, shopFloor.id);
    await settle();
    expect(await risks()).toEqual({
      [name_("ana")]: "resolved",
      [name_("bea")]: "resolved",
      [name_("cal")]: "open",
      [name_("dan")]: "resolved",
    });
    const dan = await db.incident.findFirstOrThrow({ where: { shop: SHOP, orderId: orders.dan?.id }, include: { events: { orderBy: { at: "asc" } } } });
    expect(dan.events.at(-1)?.message).toBe("No longer at risk: another location that can fulfil the order has the units.");
  });
});
