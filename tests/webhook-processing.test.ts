// Each topic's documented payload, signed, through the intake and the processor, on SQLite and
// PostgreSQL: the expected incident or effect; a duplicate changes nothing; a stale copy rolls
// nothing back; a malformed one is recorded with its reason.
import { randomUUID } from "node:crypto";

import { afterAll, beforeEach, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { setStatus } from "../app/models/incident.server";
import { loadOrder } from "../app/models/order.server";
import { sweepDueOrders } from "../app/scheduler/sweep.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import type { SubscribedTopic } from "../app/webhooks/topics";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { installedShops, markInstalled } from "./support/installed-shops";
import { documentedPayload, webhookHeaders } from "./fixtures/webhooks";

const SECRET = "processing-secret";
const NOW = new Date("2026-11-20T15:00:00Z");

type Json = Record<string, unknown>;

/** Lookups answer from a table here; the emulator-backed ones are tested with the emulator. */
const noLookups: ShopifyLookups = {
  inventoryItemStock: () => Promise.reject(new Error("not used in this suite")),
  fulfilmentLocations: () => Promise.reject(new Error("not used in this suite")),
  // A shop first heard of by webhook: Shopify says what it is (a New York shop, as the
  // documented payloads' times are Eastern).
  shopProfile: () =>
    Promise.resolve({ name: "Super Toys", currencyCode: "USD", timeZone: "America/New_York", country: "US", primaryLocale: "en", email: null }),
};

/** Shopify's documented orders/create example, which happens to be a cancelled order: made an
 * open one unless the test says otherwise. */
function orderPayload(overrides: Json = {}): Json {
  const base = documentedPayload("orders/create") as Json;
  return { ...base, cancelled_at: null, cancel_reason: null, ...overrides };
}

describe.each(testDatabases())("webhook processing on $name", ({ url }) => {
  const db: Database = databaseFor(url);
  let shop = "";
  let intake: WebhookIntake;
  const store = openDeliveryStore(url);

  beforeEach(async () => {
    shop = `proc-${randomUUID().slice(0, 8)}.myshopify.com`;
    // Installed, its profile not read yet: the first webhook has Amends read it from Shopify.
    await markInstalled(db, shop);
    intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });
  });
  afterAll(async () => {
    await store.close();
    await clearShop(db, shop);
  });

  async function receive(
    topic: SubscribedTopic,
    payload: unknown,
    /** `triggeredAt: null`: a delivery without X-Shopify-Triggered-At. */
    opts: { eventId?: string; triggeredAt?: string | null; raw?: string; now?: Date } = {},
  ) {
    const body = opts.raw ?? JSON.stringify(payload);
    const headers = webhookHeaders({
      topic,
      shop,
      body,
      secret: SECRET,
      eventId: opts.eventId ?? randomUUID(),
      triggeredAt: opts.triggeredAt ?? NOW.toISOString(),
    });
    if (opts.triggeredAt === null) delete headers["X-Shopify-Triggered-At"];
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const response = await intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) });
    expect(response.status).toBe(200);
    await processPendingDeliveries({ db, lookups: noLookups, log: logger, clock: () => opts.now ?? NOW });
    // This very delivery (a copy of an event is stored too); shop/redact deletes its own
    // delivery with the rest of the shop's rows.
    return db.webhookDelivery.findFirst({ where: { shop, webhookId: lower["x-shopify-webhook-id"] } });
  }

  async function deliver(...args: Parameters<typeof receive>) {
    const delivery = await receive(...args);
    if (!delivery) throw new Error("the delivery is not stored");
    return delivery;
  }

  const cancelledForStock = () =>
    orderPayload({
      admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
      name: "#1001",
      cancelled_at: "2026-11-20T10:00:00-05:00",
      cancel_reason: "inventory",
      updated_at: "2026-11-20T10:00:00-05:00",
    });

  it("orders/cancelled for inventory opens a stock-out incident, once per event", async () => {
    const delivery = await deliver("orders/cancelled", cancelledForStock(), { eventId: "evt-cancel" });
    expect(delivery.status).toBe("processed");
    const incidents = await db.incident.findMany({ where: { shop }, include: { events: true } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      kind: "stock_out_cancellation",
      status: "open",
      orderId: "gid://shopify/Order/820982911946154508",
      orderName: "#1001",
      responsibleParty: "store",
    });
    expect(incidents[0]?.events.map((e) => e.type)).toEqual(["opened"]);

    // Shopify redelivers the same event: stored, found to be a copy, nothing new.
    const copy = await deliver("orders/cancelled", cancelledForStock(), { eventId: "evt-cancel" });
    expect(copy.status).toBe("duplicate");
    expect(await db.webhookDelivery.count({ where: { shop, eventId: "evt-cancel", status: "processed" } })).toBe(1);
    expect(await db.incidentEvent.count({ where: { incident: { shop } } })).toBe(1);

    // A later update of the cancelled order is no news: same incident, no new timeline entry.
    await deliver("orders/updated", { ...cancelledForStock(), updated_at: "2026-11-20T11:00:00-05:00", note: "called the customer" });
    expect(await db.incident.count({ where: { shop } })).toBe(1);
    expect(await db.incidentEvent.count({ where: { incident: { shop } } })).toBe(1);

    // Once resolved, the order's next updates (Amends' own tags and notes among them) do not
    // open it again: that would remediate twice, and loop.
    const incident = await db.incident.findFirstOrThrow({ where: { shop } });
    await setStatus(db, incident.id, "resolved", "merchant:test", "Refunded and apologised");
    await deliver("orders/updated", { ...cancelledForStock(), updated_at: "2026-11-20T12:00:00-05:00", tags: "amends" });
    expect(await db.incident.count({ where: { shop } })).toBe(1);
    expect((await db.incident.findFirstOrThrow({ where: { shop } })).status).toBe("resolved");
  });

  it("an older copy of an order does not roll back a newer one", async () => {
    const id = "gid://shopify/Order/1111111111111111111";
    await deliver("orders/updated", orderPayload({ admin_graphql_api_id: id, name: "#2002", updated_at: "2026-11-20T12:00:00Z", cancelled_at: "2026-11-20T12:00:00Z", cancel_reason: "customer" }));
    const stale = await deliver("orders/updated", orderPayload({ admin_graphql_api_id: id, name: "#2002", updated_at: "2026-11-20T09:00:00Z", cancelled_at: null, cancel_reason: null }), {
      triggeredAt: "2026-11-20T09:00:00Z",
    });
    expect(stale.status).toBe("processed");
    const stored = await loadOrder(db, shop, id);
    expect(stored?.state.cancelledAt).toBe("2026-11-20T12:00:00Z");
    expect(stored?.sourceUpdatedAt.toISOString()).toBe("2026-11-20T12:00:00.000Z");
  });

  // Issue 12, "Older copies roll state back": updated_at has one-second resolution, and a copy
  // from the same second, or one without updated_at, was applied over a newer one.
  describe("a same-second older copy", () => {
    const id = "gid://shopify/Order/5555555555555555555";
    const open = orderPayload({ admin_graphql_api_id: id, name: "#5005", updated_at: "2026-11-20T12:00:00Z", note: "gift wrap" });
    const cancelled = orderPayload({ admin_graphql_api_id: id, name: "#5005", updated_at: "2026-11-20T12:00:00Z", cancelled_at: "2026-11-20T12:00:00Z", cancel_reason: "customer" });

    it("does not un-cancel a cancelled order: X-Shopify-Triggered-At places it before", async () => {
      await deliver("orders/cancelled", cancelled, { triggeredAt: "2026-11-20T12:00:00.800Z" });
      const stale = await deliver("orders/updated", open, { triggeredAt: "2026-11-20T12:00:00.300Z" });
      expect(stale.status).toBe("processed");
      expect((await loadOrder(db, shop, id))?.state).toMatchObject({ cancelledAt: "2026-11-20T12:00:00Z", cancelReason: "CUSTOMER" });
    });

    it("does not un-cancel it without X-Shopify-Triggered-At either: cancelled beats not cancelled in one second", async () => {
      await deliver("orders/cancelled", cancelled, { triggeredAt: null });
      await deliver("orders/updated", open, { triggeredAt: null });
      expect((await loadOrder(db, shop, id))?.state.cancelledAt).toBe("2026-11-20T12:00:00Z");
    });

    it("a newer copy in the same second still applies", async () => {
      await deliver("orders/updated", open, { triggeredAt: "2026-11-20T12:00:00.300Z" });
      await deliver("orders/cancelled", cancelled, { triggeredAt: "2026-11-20T12:00:00.800Z" });
      expect((await loadOrder(db, shop, id))?.state.cancelledAt).toBe("2026-11-20T12:00:00Z");
    });
  });

  describe("an older fulfilment copy does not move a delivered parcel back in transit", () => {
    const orderId = "6666";
    const fulfillment = (overrides: Json) => ({
      ...(documentedPayload("fulfillments/create") as Json),
      order_id: orderId,
      id: 7777,
      admin_graphql_api_id: "gid://shopify/Fulfillment/7777",
      status: "success",
      created_at: "2026-11-19T12:00:00Z",
      ...overrides,
    });
    const delivered = {
      ...(documentedPayload("fulfillment_events/create") as Json),
      id: 8888,
      admin_graphql_api_id: "gid://shopify/FulfillmentEvent/8888",
      fulfillment_id: 7777,
      order_id: orderId,
      status: "delivered",
      message: "Delivered, front porch",
      happened_at: "2026-11-20T14:00:00Z",
      created_at: "2026-11-20T14:00:00Z",
      updated_at: "2026-11-20T14:00:00Z",
    };
    const parcel = async () => (await loadOrder(db, shop, `gid://shopify/Order/${orderId}`))?.state.fulfillments[0];

    async function setUp() {
      await deliver("orders/create", orderPayload({ admin_graphql_api_id: `gid://shopify/Order/${orderId}`, name: "#6006", financial_status: "paid", created_at: "2026-11-19T10:00:00Z", updated_at: "2026-11-19T10:00:00Z" }));
      await deliver("fulfillments/create", fulfillment({ updated_at: "2026-11-19T12:00:00Z", shipment_status: null }), { triggeredAt: "2026-11-19T12:00:00.100Z" });
      await deliver("fulfillment_events/create", delivered, { triggeredAt: "2026-11-20T14:00:00.500Z" });
      expect(await parcel()).toMatchObject({ shipmentStatus: "DELIVERED", deliveredAt: "2026-11-20T14:00:00Z" });
    }

    it("a copy without updated_at, triggered before the delivery", async () => {
      await setUp();
      await deliver("fulfillments/update", fulfillment({ updated_at: null, shipment_status: "in_transit" }), { triggeredAt: "2026-11-20T09:00:00Z" });
      expect(await parcel()).toMatchObject({ shipmentStatus: "DELIVERED", deliveredAt: "2026-11-20T14:00:00Z" });
    });

    it("a copy from the same second, without X-Shopify-Triggered-At", async () => {
      await setUp();
      await deliver("fulfillments/update", fulfillment({ updated_at: "2026-11-20T14:00:00Z", shipment_status: "in_transit" }), { triggeredAt: null });
      expect(await parcel()).toMatchObject({ shipmentStatus: "DELIVERED", deliveredAt: "2026-11-20T14:00:00Z" });
    });

    it("a newer copy still applies: the parcel's tracking number changes", async () => {
      await setUp();
      await deliver("fulfillments/update", fulfillment({ updated_at: "2026-11-20T15:00:00Z", shipment_status: "delivered", tracking_number: "1ZNEW", tracking_numbers: ["1ZNEW"] }), {
        triggeredAt: "2026-11-20T15:00:00.200Z",
      });
      expect(await parcel()).toMatchObject({ shipmentStatus: "DELIVERED", trackingNumbers: ["1ZNEW"], deliveredAt: "2026-11-20T14:00:00Z" });
    });
  });

  it("carrier trouble heard before its order is judged when the order arrives, with the order's name and customer", async () => {
    const orderId = "9999";
    const delay = {
      ...(documentedPayload("fulfillment_events/create") as Json),
      id: 9191,
      admin_graphql_api_id: "gid://shopify/FulfillmentEvent/9191",
      fulfillment_id: 9292,
      order_id: orderId,
      status: "delayed",
      message: "Weather delay",
      happened_at: "2026-11-20T08:00:00Z",
      created_at: "2026-11-20T08:00:00Z",
      updated_at: "2026-11-20T08:00:00Z",
    };
    await deliver("fulfillment_events/create", delay, { triggeredAt: "2026-11-20T08:00:00.200Z" });
    expect(await db.incident.count({ where: { shop } })).toBe(0);
    const fulfillment = {
      ...(documentedPayload("fulfillments/create") as Json),
      id: 9292,
      admin_graphql_api_id: "gid://shopify/Fulfillment/9292",
      order_id: orderId,
      status: "success",
      shipment_status: "in_transit",
      created_at: "2026-11-19T12:00:00Z",
      updated_at: "2026-11-19T12:00:00Z",
    };
    await deliver(
      "orders/updated",
      orderPayload({ admin_graphql_api_id: `gid://shopify/Order/${orderId}`, name: "#9009", financial_status: "paid", created_at: "2026-11-19T10:00:00Z", updated_at: "2026-11-19T12:00:00Z", fulfillments: [fulfillment] }),
      { triggeredAt: "2026-11-19T12:00:00.100Z" },
    );
    const incidents = await db.incident.findMany({ where: { shop } });
    expect(incidents.map((i) => [i.kind, i.orderName, i.customerEmail])).toEqual([["carrier_exception", "#9009", "john@example.com"]]);
    expect(incidents[0]?.evidence).toMatchObject({ fulfillmentId: "gid://shopify/Fulfillment/9292", event: { status: "DELAYED" } });
    // The order's next copy is no news.
    await deliver("orders/updated", orderPayload({ admin_graphql_api_id: `gid://shopify/Order/${orderId}`, name: "#9009", created_at: "2026-11-19T10:00:00Z", updated_at: "2026-11-20T09:00:00Z", fulfillments: [fulfillment] }), {
      triggeredAt: "2026-11-20T09:00:00.100Z",
    });
    expect(await db.incidentEvent.count({ where: { incident: { shop } } })).toBe(1);
  });

  it("a malformed payload is kept with the reason, not dropped", async () => {
    const { line_items: _dropped, ...withoutLines } = orderPayload();
    const invalid = await deliver("orders/create", withoutLines);
    expect(invalid.status).toBe("invalid");
    expect(invalid.error).toMatch(/^line_items: /);
    expect(invalid.payload).toContain('"name"');

    const notJson = await deliver("orders/create", null, { raw: "{not json" });
    expect(notJson.status).toBe("invalid");
    expect(notJson.error).toMatch(/not valid JSON/);
  });

  it("a carrier DELAYED event on a shipped order opens a carrier exception", async () => {
    const orderId = "820982911946154508";
    await deliver("orders/create", orderPayload({ admin_graphql_api_id: `gid://shopify/Order/${orderId}`, name: "#3003", financial_status: "paid", processed_at: "2026-11-19T10:00:00Z", created_at: "2026-11-19T10:00:00Z", updated_at: "2026-11-19T10:00:00Z" }));
    const fulfillment = {
      ...(documentedPayload("fulfillments/create") as Json),
      order_id: orderId,
      id: 255858046,
      admin_graphql_api_id: "gid://shopify/Fulfillment/255858046",
      status: "success",
      created_at: "2026-11-19T12:00:00Z",
      updated_at: "2026-11-19T12:00:00Z",
    };
    expect((await deliver("fulfillments/create", fulfillment)).status).toBe("processed");
    // The raw body keeps the 18-digit order id exact, as Shopify sends it.
    const event = JSON.stringify({
      ...(documentedPayload("fulfillment_events/create") as Json),
      fulfillment_id: 255858046,
      status: "delayed",
      message: "Weather delay",
      happened_at: "2026-11-20T08:00:00Z",
      admin_graphql_api_id: "gid://shopify/FulfillmentEvent/944956395",
      order_id: 0,
    }).replace('"order_id":0', `"order_id":${orderId}`);
    const delivered = await deliver("fulfillment_events/create", null, { raw: event });
    expect(delivered.status).toBe("processed");
    const incident = await db.incident.findFirstOrThrow({ where: { shop, kind: "carrier_exception" } });
    expect(incident.orderId).toBe(`gid://shopify/Order/${orderId}`);
    expect(incident.responsibleParty).toBe("carrier");
    expect(JSON.stringify(incident.evidence)).toContain("Weather delay");
  });

  it("an unfulfilled paid order past its SLA is found by the due sweep, not before", async () => {
    const id = "gid://shopify/Order/4444";
    const paid = "2026-11-16T09:00:00Z"; // Monday; 3 business days (UTC shop) → Thursday 09:00
    const tuesday = new Date("2026-11-17T12:00:00Z");
    const delivery = await deliver(
      "orders/create",
      orderPayload({ admin_graphql_api_id: id, name: "#4004", financial_status: "paid", processed_at: paid, created_at: paid, updated_at: paid, fulfillment_status: null, cancelled_at: null, cancel_reason: null }),
      { now: tuesday, triggeredAt: tuesday.toISOString() },
    );
    expect(delivery).toMatchObject({ status: "processed", error: null });
    const stored = await loadOrder(db, shop, id);
    expect(stored?.dueAt?.toISOString()).toBe("2026-11-19T09:00:00.000Z");
    expect(await db.incident.count({ where: { shop, kind: "late_fulfilment" } })).toBe(0);

    // A sweep before the deadline finds nothing due for this order.
    await sweepDueOrders(db, new Date("2026-11-19T08:59:00Z"));
    expect(await db.incident.count({ where: { shop, kind: "late_fulfilment" } })).toBe(0);

    const sweep = await sweepDueOrders(db, new Date("2026-11-19T09:00:01Z"));
    expect(sweep.opened.length).toBeGreaterThanOrEqual(1);
    const incident = await db.incident.findFirstOrThrow({ where: { shop, kind: "late_fulfilment" } });
    expect(incident).toMatchObject({ orderId: id, orderName: "#4004", responsibleParty: "warehouse", status: "open" });
    expect((await loadOrder(db, shop, id))?.dueAt).toBeNull();

    // Sweeping again finds nothing due: no second incident, no new timeline entry.
    // (An order that arrives already overdue is due at once: the next sweep opens it.)
    const again = await sweepDueOrders(db, new Date("2026-11-19T09:05:00Z"));
    expect(again.checked).toBe(0);
    expect(await db.incidentEvent.count({ where: { incidentId: incident.id } })).toBe(1);
  });

  it("refunds/create made outside Amends shows on the incident's timeline", async () => {
    await deliver("orders/cancelled", cancelledForStock());
    const refund = JSON.stringify({ ...(documentedPayload("refunds/create") as Json), order_id: 0 }).replace(
      '"order_id":0',
      '"order_id":820982911946154508',
    );
    await deliver("refunds/create", null, { raw: refund });
    const events = await db.incidentEvent.findMany({ where: { incident: { shop }, type: "refund" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toBe("shopify");
    expect(events[0]?.message).toMatch(/outside Amends/);
  });

  it("app/uninstalled removes sessions and keeps the shop's incidents; scopes_update records scopes", async () => {
    await deliver("orders/cancelled", cancelledForStock());
    await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "t", scope: "read_orders" } });
    await deliver("app/scopes_update", { ...(documentedPayload("app/scopes_update") as Json), current: ["read_orders", "write_orders"] });
    expect((await db.session.findFirstOrThrow({ where: { shop } })).scope).toBe("read_orders,write_orders");
    await deliver("app/uninstalled", documentedPayload("app/uninstalled"));
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect(await db.incident.count({ where: { shop } })).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).uninstalledAt).not.toBeNull();
  });

  it("customers/data_request produces the customer's incidents; customers/redact anonymises them", async () => {
    await deliver("orders/cancelled", cancelledForStock());
    const customerId = "115310627314723954";
    const incident = await db.incident.findFirstOrThrow({ where: { shop } });
    expect(incident.customerId).toBe(`gid://shopify/Customer/${customerId}`);
    expect(incident.customerEmail).toBe("john@example.com");

    const request = { ...(documentedPayload("customers/data_request") as Json), shop_domain: shop, customer: { id: 0, email: "john@example.com", phone: null } };
    await deliver("customers/data_request", null, { raw: JSON.stringify(request).replace('"id":0', `"id":${customerId}`) });
    const report = await db.dataRequest.findFirstOrThrow({ where: { shop } });
    expect(JSON.stringify(report.report)).toContain("stock_out_cancellation");

    const redact = { ...(documentedPayload("customers/redact") as Json), shop_domain: shop, customer: { id: 0, email: "john@example.com", phone: null }, orders_to_redact: [] };
    await deliver("customers/redact", null, { raw: JSON.stringify(redact).replace('"id":0', `"id":${customerId}`) });
    const after = await db.incident.findFirstOrThrow({ where: { id: incident.id } });
    expect(after).toMatchObject({ customerId: null, customerEmail: null, customerName: null, kind: "stock_out_cancellation" });
    const order = await loadOrder(db, shop, incident.orderId);
    expect(order?.state.customer).toBeNull();
    expect(await db.dataRequest.count({ where: { shop } })).toBe(0);
  });

  it("shop/redact deletes the shop's data, its own delivery too", async () => {
    await deliver("orders/cancelled", cancelledForStock());
    expect(await receive("shop/redact", { ...(documentedPayload("shop/redact") as Json), shop_domain: shop })).toBeNull();
    expect(await db.incident.count({ where: { shop } })).toBe(0);
    expect(await db.orderRecord.count({ where: { shop } })).toBe(0);
    expect(await db.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("shop/update keeps the shop's profile current; a payload without a zone keeps the zone", async () => {
    // Shopify's documented example: a US shop, whose iana_timezone is null.
    const delivery = await deliver("shop/update", documentedPayload("shop/update"));
    expect(delivery.status).toBe("processed");
    // No zone in the payload and none stored: read once from Shopify, never assumed UTC.
    expect(await db.shop.findUniqueOrThrow({ where: { domain: shop } })).toMatchObject({
      name: "Super Toys",
      currencyCode: "USD",
      timeZone: "America/New_York",
      country: "US",
      primaryLocale: "en",
      email: "super@supertoys.com",
    });

    // The merchant moves the shop to Madrid and sells in euros.
    const spanish = {
      ...(documentedPayload("shop/update") as Json),
      name: "Juguetes Súper",
      currency: "EUR",
      iana_timezone: "Europe/Madrid",
      country_code: "ES",
      primary_locale: "es",
      customer_email: "hola@juguetes.example",
    };
    await deliver("shop/update", spanish);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: shop } })).toMatchObject({
      name: "Juguetes Súper",
      currencyCode: "EUR",
      timeZone: "Europe/Madrid",
      country: "ES",
      primaryLocale: "es",
      email: "hola@juguetes.example",
    });
    // A later update without a zone keeps Madrid.
    await deliver("shop/update", { ...spanish, iana_timezone: null, name: "Juguetes" });
    expect(await db.shop.findUniqueOrThrow({ where: { domain: shop } })).toMatchObject({ name: "Juguetes", timeZone: "Europe/Madrid" });

    // A payload that is not a shop is kept as invalid, with the reason.
    const bad = await deliver("shop/update", { ...spanish, currency: 978 });
    expect(bad.status).toBe("invalid");
    expect(bad.error).toMatch(/currency/);
  });
});
