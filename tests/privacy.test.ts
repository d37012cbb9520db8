// Shopify's privacy webhooks, end to end, on SQLite and PostgreSQL. A customer's name, e-mail,
// phone and address reach Amends the way they do in a shop: the emulator's order and
// fulfilment webhooks, the customer's own report, an apology the merchant approved, a data
// request. After customers/redact, every column of every table (read from the database itself,
// so a table added later is searched too) is searched for each value: nothing. Another
// customer of the same shop keeps everything. After shop/redact, no table holds a row of the
// shop. Webhook bodies are pruned after WEBHOOK_RETENTION_DAYS.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { parseEnv } from "../app/env.server";
import { findingFromReport } from "../app/incidents/reports";
import { logger } from "../app/logger.server";
import { recordFinding } from "../app/models/incident.server";
import { addResponsibleParty } from "../app/models/parties.server";
import { loadOrder } from "../app/models/order.server";
import { detectionSettings } from "../app/models/shop.server";
import { remediate } from "../app/remediation/engine/index.server";
import { pruneDeliveries } from "../app/scheduler/prune.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import { DueSweeper } from "../app/webhooks/runtime.server";
import { documentedPayload } from "./fixtures/webhooks";
import { clientFactory } from "./remediation/support";
import type { CustomerRecord, OrderRecord, RunningEmulator } from "./shopify-emulator";
import { legacyId } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import type { DatabaseKind, Table } from "./support/tables";
import { discoverTables, rowsOfShop, whereFound } from "./support/tables";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { markInstalled } from "./support/installed-shops";
import { staffOf } from "./support/staff";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "privacy-secret";
const TOKEN = "shpat_privacy";

/** Letters only, so a value cannot turn up inside an id, a price or a date by chance. */
function tag(): string {
  return Array.from(randomUUID().replaceAll("-", "").slice(0, 8), (c) =>
    String.fromCharCode(97 + (parseInt(c, 16) % 26)),
  ).join("");
}

/** A person whose every detail is unique to this run (the PostgreSQL database is shared). */
function person(first: string) {
  const t = tag();
  const T = t.charAt(0).toUpperCase() + t.slice(1);
  return {
    firstName: `${first}-${T}`,
    lastName: `Etxeberria${T}`,
    email: `${first.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()}.${t}@correo.example`,
    phone: `+34 6${Array.from(t.slice(0, 8), (c) => c.charCodeAt(0) % 10).join("")}`,
    address1: `Calle de ${T} 14`,
    city: `Villa${T}`,
    zip: `ZP-${T.toUpperCase()}`,
  };
}
type Person = ReturnType<typeof person>;

describe.each(testDatabases())("privacy webhooks on $name", ({ name, url: runUrl }) => {
  const kind = name as DatabaseKind;
  // PostgreSQL: a database of this file's own, since processing and pruning act on every shop.
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let tables: Table[];

  beforeAll(async () => {
    store = await startStoreWithWebhooks({ backend: name, runUrl, label: "privacy", secret: SECRET });
    ({ db, emu } = store);
    tables = await discoverTables(db, kind);
  });
  afterAll(async () => {
    await store.close();
  });

  /** Lets the emulator's webhooks arrive, then processes everything stored. */
  async function settle(shop: string) {
    const lookups = shopifyLookups(() =>
      Promise.resolve(
        new AdminClient({ shop, accessToken: TOKEN, endpoint: emu.graphqlUrl(shop) }),
      ),
    );
    await store.settle({ lookups });
  }

  interface Customer {
    who: Person;
    record: CustomerRecord;
    order: OrderRecord;
    incidentId: string;
  }

  /** A customer with an order (webhooks), a fulfilment, a report of their own in their words,
   * an apology the merchant approved, and a data request. */
  async function customerWithHistory(
    shop: string,
    variantId: string,
    first: string,
    approve: boolean,
  ): Promise<Customer> {
    const who = person(first);
    const address = {
      firstName: who.firstName,
      lastName: who.lastName,
      address1: who.address1,
      city: who.city,
      zip: who.zip,
      countryCode: "ES",
      phone: who.phone,
    };
    const record = emu.store.addCustomer(shop, {
      firstName: who.firstName,
      lastName: who.lastName,
      email: who.email,
      phone: who.phone,
      address,
    });
    const order = emu.store.addOrder(shop, {
      customerId: record.id,
      lineItems: [{ variantId, quantity: 1 }],
      shippingLine: { title: "Estándar", price: "4.95" },
    });
    emu.store.addFulfillment(shop, order.id, { trackingNumber: `TRK${tag()}` });
    await settle(shop);

    const stored = await loadOrder(db, shop, order.id);
    if (!stored) throw new Error("the order webhook was not stored");
    const finding = findingFromReport(
      stored.state,
      {
        kind: "wrong_address",
        lines: [{ lineItemId: order.lineItems[0]?.id ?? "", quantity: 1 }],
        description: `Soy ${who.firstName} ${who.lastName}: it went to ${who.address1}, ${who.zip} ${who.city} but I moved. Call me on ${who.phone} or ${who.email}.`,
        reportedBy: "customer",
      },
      await detectionSettings(db, shop),
      new Date(),
    );
    const { incidentId } = await recordFinding(db, shop, finding, "customer", {
      email: stored.state.customer?.email ?? null,
      name: [stored.state.customer?.firstName, stored.state.customer?.lastName]
        .filter(Boolean)
        .join(" "),
    });
    if (approve) {
      const report = await remediate(
        {
          db,
          clientFor: clientFactory(db, emu),
          sleep: () => Promise.resolve(),
          jobPollIntervalMs: 5,
        },
        { shop, incidentId, ...(await staffOf(db, shop)) },
      );
      expect(report.message).toContain(`Hi ${who.firstName},`);
    }
    emu.store.emit({
      topic: "customers/data_request",
      shop,
      subject: {
        kind: "raw",
        payload: {
          ...documentedPayload("customers/data_request"),
          shop_domain: shop,
          customer: { id: legacyId(record.id), email: who.email, phone: who.phone },
          orders_requested: [legacyId(order.id)],
        },
      },
    });
    await settle(shop);
    return { who, record, order, incidentId };
  }

  async function shopWithTwoCustomers() {
    const shop = `privacy-${tag()}.myshopify.com`;
    emu.store.createShop({
      domain: shop,
      accessToken: TOKEN,
      currencyCode: "EUR",
      ianaTimezone: "Europe/Madrid",
    });
    await db.session.create({
      data: {
        id: `offline_${shop}`,
        shop,
        state: "",
        isOnline: false,
        accessToken: TOKEN,
        scope: "write_orders",
      },
    });
    const product = emu.store.addProduct(shop, {
      title: "Alpargatas",
      variants: [{ price: "39.00", sku: "ALP-40", available: 1 }],
    });
    const variantId = product.variantIds[0] ?? "";
    const begona = await customerWithHistory(shop, variantId, "Begoña", true);
    const other = await customerWithHistory(shop, variantId, "Aitor", false);
    // The merchant's own list of responsible parties is the shop's data too.
    expect((await addResponsibleParty(db, shop, { name: "Almacén Norte", type: "warehouse", responseHours: "48" })).ok).toBe(true);
    return { shop, variantId, begona, other };
  }

  /** What identifies the customer: their details, and their id at Shopify. */
  function values({ who, record }: Customer): string[] {
    return [
      who.firstName,
      who.lastName,
      who.email,
      who.phone,
      who.address1,
      who.city,
      who.zip,
      record.id,
    ];
  }

  async function found(customer: Customer): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const value of values(customer)) {
      const where = await whereFound(db, kind, tables, value);
      if (Object.keys(where).length > 0) out[value] = where;
    }
    return out;
  }

  it("customers/redact leaves nothing of the customer in any table or column, and the other customer intact", async () => {
    const { shop, begona, other } = await shopWithTwoCustomers();
    // Planted where a merchant's shop puts it: each value is somewhere before.
    const before = await found(begona);
    expect(Object.keys(before).sort()).toEqual(values(begona).sort());
    for (const place of [
      "WebhookDelivery.payload",
      "OrderRecord.state",
      "Incident.customerEmail",
      "Incident.evidence",
      "IncidentEvent.message",
      "Remediation.result",
      "DataRequest.report",
    ]) {
      expect(
        Object.values(before).some((where) => place in where),
        place,
      ).toBe(true);
    }
    const otherBefore = await found(other);

    // Shopify asks for the erasure; an update of her order, retried by Shopify, arrives before
    // the request is processed and must not write her back.
    emu.store.emit({
      topic: "customers/redact",
      shop,
      subject: {
        kind: "raw",
        payload: {
          ...documentedPayload("customers/redact"),
          shop_domain: shop,
          customer: {
            id: legacyId(begona.record.id),
            email: begona.who.email,
            phone: begona.who.phone,
          },
          orders_to_redact: [legacyId(begona.order.id)],
        },
      },
    });
    await emu.webhooks.idle();
    emu.store.emitOrderUpdated(shop, begona.order);
    await settle(shop);

    expect(await found(begona)).toEqual({});
    const late = await db.webhookDelivery.findFirstOrThrow({
      where: { shop, topic: "orders/updated" },
      orderBy: { receivedAt: "desc" },
    });
    expect(late.status).toBe("redacted");

    // The merchant's records stay, without her: the incident, its timeline, the apology sent.
    const incident = await db.incident.findUniqueOrThrow({
      where: { id: begona.incidentId },
      include: { events: true },
    });
    expect(incident).toMatchObject({
      kind: "wrong_address",
      customerId: null,
      customerEmail: null,
      customerName: null,
    });
    expect(incident.events.find((e) => e.type === "message")?.message).toMatch(/^Hi \[redacted\],/);
    expect((await loadOrder(db, shop, begona.order.id))?.state).toMatchObject({
      name: begona.order.name,
      customer: null,
    });

    // Aitor, who asked for nothing, keeps all of it.
    expect(await found(other)).toEqual(otherBefore);
    expect(await db.dataRequest.count({ where: { shop } })).toBe(1);
  });

  it("shop/redact leaves no row of the shop in any table", async () => {
    const { shop, variantId, other } = await shopWithTwoCustomers();
    // An order waiting for a variant that is now oversold: a waiting line and a stock shortfall.
    emu.store.addOrder(shop, {
      customerId: other.record.id,
      lineItems: [{ variantId, quantity: 1 }],
    });
    await settle(shop);
    const before = await rowsOfShop(db, kind, tables, shop);
    // Every table holds some of the shop, so the search below means something for each; a new
    // table needs a row planted above (or it holds no shop's data: say so in support/tables.ts).
    expect(
      Object.entries(before)
        .filter(([, n]) => n === 0)
        .map(([table]) => table),
    ).toEqual([]);

    emu.store.emit({
      topic: "shop/redact",
      shop,
      subject: { kind: "raw", payload: { ...documentedPayload("shop/redact"), shop_domain: shop } },
    });
    await settle(shop);

    const after = await rowsOfShop(db, kind, tables, shop);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
  });

  it("webhook bodies go after the retention, from the due sweep and in batches; a waiting one stays", async () => {
    const shop = `retention-${tag()}.myshopify.com`;
    emu.store.createShop({ domain: shop, accessToken: TOKEN });
    await markInstalled(db, shop);
    const product = emu.store.addProduct(shop, {
      title: "Boina",
      variants: [{ price: "25.00", available: 5 }],
    });
    const customer = emu.store.addCustomer(shop, {
      firstName: "Iker",
      email: `iker.${tag()}@correo.example`,
    });
    const order = emu.store.addOrder(shop, {
      customerId: customer.id,
      lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 1 }],
    });
    emu.store.addFulfillment(shop, order.id);
    // Not what Shopify documents: kept as invalid, on the merchant's list until the retention.
    emu.store.emit({ topic: "orders/create", shop, subject: { kind: "raw", payload: { id: 1 } } });
    await settle(shop);
    const finished = await db.webhookDelivery.count({
      where: { shop, status: { in: ["processed", "invalid"] } },
    });
    expect(finished).toBeGreaterThanOrEqual(4);
    expect(await db.webhookDelivery.count({ where: { shop, status: "invalid" } })).toBe(1);
    emu.store.emitOrderUpdated(shop, order);
    await emu.webhooks.idle(); // stored, not yet processed
    const count = () => db.webhookDelivery.count({ where: { shop } });
    const now = Date.now();
    const day = 86_400_000;

    // Within the retention: nothing goes.
    expect(await pruneDeliveries(db, new Date(now + 29 * day), 30)).toBe(0);
    expect(await count()).toBe(finished + 1);
    // The intake needs the machine: one batch (the oldest of any shop), then it holds off.
    const everyShop = () => db.webhookDelivery.count();
    const total = await everyShop();
    expect(
      await pruneDeliveries(db, new Date(now + 31 * day), 30, {
        batchSize: 1,
        holdOff: () => true,
      }),
    ).toBe(1);
    expect(await everyShop()).toBe(total - 1);

    // The worker's due sweep prunes the rest; the delivery still waiting is never lost.
    const sweeper = new DueSweeper({
      db,
      log: logger,
      clock: () => new Date(now + 31 * day),
      retentionDays: 30,
    });
    await sweeper.sweep();
    expect(
      await db.webhookDelivery.findMany({ where: { shop }, select: { topic: true, status: true } }),
    ).toEqual([{ topic: "orders/updated", status: "received" }]);
  });
});

describe("WEBHOOK_RETENTION_DAYS", () => {
  const required = {
    SHOPIFY_API_KEY: "key",
    SHOPIFY_API_SECRET: "secret",
    SHOPIFY_APP_URL: "https://amends.example",
  };

  it("is 30 days unless set, and a whole number of days, at least one", () => {
    expect(parseEnv(required).WEBHOOK_RETENTION_DAYS).toBe(30);
    expect(parseEnv({ ...required, WEBHOOK_RETENTION_DAYS: "7" }).WEBHOOK_RETENTION_DAYS).toBe(7);
    expect(() => parseEnv({ ...required, WEBHOOK_RETENTION_DAYS: "0" })).toThrow(
      /WEBHOOK_RETENTION_DAYS: must be at least 1 day/,
    );
    expect(() => parseEnv({ ...required, WEBHOOK_RETENTION_DAYS: "2.5" })).toThrow(
      /WEBHOOK_RETENTION_DAYS: must be a whole number/,
    );
    expect(() => parseEnv({ ...required, WEBHOOK_RETENTION_DAYS: "a month" })).toThrow(
      /WEBHOOK_RETENTION_DAYS/,
    );
  });
});
