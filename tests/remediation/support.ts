// Shared set-up for the remediation tests: a shop in the emulator with one customer and one
// paid order, the same shop in Amends' database (Shop, Incident, and the offline Session an
// install leaves: an expiring token pair), and an Admin client factory that takes its token
// from that session, as adminClientFor does.
import { randomUUID } from "node:crypto";

import { afterAll, afterEach, beforeAll } from "vitest";

import type { Database } from "../../app/db.server";
import type { IncidentKind } from "../../app/incidents/model";
import { activeKey } from "../../app/models/incident.server";
import type { RemediationDeps } from "../../app/remediation/engine/index.server";
import type { RemediationPolicy } from "../../app/remediation/policy";
import { AdminClient, offlineTokenSource } from "../../app/shopify/admin.server";
import type { OrderRecord, RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import { databaseFor, testDatabases } from "../support/databases";
import { OWNER, staffOf } from "../support/staff";
import { installApp } from "../support/install";

export interface Fixture {
  shop: string;
  order: OrderRecord;
  customerId: string;
  incidentId: string;
  deps: RemediationDeps;
}

export interface FixtureOptions {
  kind?: IncidentKind;
  /** Units of the 2-unit line that have shipped. */
  fulfilled?: number;
  status?: string;
  policy?: RemediationPolicy;
  fetch?: typeof fetch;
  now?: () => Date;
  /** The shop's name (customer e-mails carry it). */
  shopName?: string;
  /** What the incident knows of the customer, and where it came from. */
  incident?: { customerEmail?: string | null; customerName?: string | null; source?: string };
}

export function clientFactory(db: Database, emu: RunningEmulator, fetchImpl?: typeof fetch) {
  return async (shop: string) => {
    return new AdminClient({
      shop,
      accessToken: offlineTokenSource(shop, db),
      endpoint: emu.graphqlUrl(shop),
      baseDelayMs: 5,
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  };
}

export async function setUp(db: Database, emu: RunningEmulator, options: FixtureOptions = {}): Promise<Fixture> {
  const shop = `remedy-${randomUUID().slice(0, 8)}.myshopify.com`;
  emu.store.createShop({ domain: shop, currencyCode: "USD", ianaTimezone: "UTC" });
  const product = emu.store.addProduct(shop, { title: "Blue Mug", variants: [{ price: "12.00", sku: "MUG-B", available: 5 }] });
  const other = emu.store.addProduct(shop, { title: "Tea Towel", variants: [{ price: "8.00", available: 5 }] });
  const customer = emu.store.addCustomer(shop, {
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    address: { firstName: "Ada", lastName: "Lovelace", address1: "1 Analytical Way", city: "London", countryCode: "GB", zip: "N1 1AA" },
  });
  const order = emu.store.addOrder(
    shop,
    {
      customerId: customer.id,
      lineItems: [
        { variantId: product.variantIds[0] ?? "", quantity: 2 },
        { variantId: other.variantIds[0] ?? "", quantity: 1 },
      ],
      shippingLine: { title: "Standard", price: "5.00" },
    },
    { silent: true },
  );
  const mug = order.lineItems[0];
  if (!mug) throw new Error("seed");
  if (options.fulfilled) {
    emu.store.addFulfillment(shop, order.id, { lineItems: [{ lineItemId: mug.id, quantity: options.fulfilled }] }, { silent: true });
  }

  await db.shop.create({
    data: { domain: shop, name: options.shopName ?? null, currencyCode: "USD", timeZone: "UTC", ...(options.policy ? { policy: options.policy as object } : {}) },
  });
  await installApp(db, emu, shop);
  await staffOf(db, shop, OWNER);
  const kind = options.kind ?? "stock_out_cancellation";
  const status = options.status ?? "open";
  const incident = await db.incident.create({
    data: {
      shop,
      kind,
      status,
      activeKey: activeKey(shop, order.id, kind),
      orderId: order.id,
      orderName: order.name,
      customerId: customer.id,
      lines: [{ lineItemId: mug.id, quantity: 2 }],
      evidence: {},
      responseDeadline: new Date(Date.now() + 86_400_000),
      ...options.incident,
    },
  });
  return {
    shop,
    order,
    customerId: customer.id,
    incidentId: incident.id,
    deps: {
      db,
      clientFor: clientFactory(db, emu, options.fetch),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
      jobPollIntervalMs: 20,
      ...(options.now ? { now: options.now } : {}),
    },
  };
}

/** Everything the emulator holds for the shop that costs the merchant money or goods. */
export function effects(emu: RunningEmulator, shop: string, orderId: string) {
  const state = emu.store.shop(shop);
  const order = emu.store.order(shop, orderId);
  return {
    refunds: order.refunds,
    discounts: [...state.discounts.values()],
    replacementOrders: [...state.orders.values()].filter((o) => o.id !== orderId && o.tags.some((t) => t.startsWith("amends-incident-"))),
    drafts: [...state.draftOrders.values()],
    order,
  };
}

/** A fetch that lets one operation reach Shopify and then never returns: the process "died"
 * after Shopify applied the call and before Amends wrote the result down. */
export function dyingAfter(operation: string): { fetch: typeof fetch; died: Promise<void> } {
  let signal: () => void = () => {};
  const died = new Promise<void>((resolve) => (signal = resolve));
  const impl: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = typeof init?.body === "string" ? init.body : "";
    if (body.includes(`${operation}(`)) {
      await response.text();
      signal();
      return new Promise<Response>(() => {});
    }
    return response;
  };
  return { fetch: impl, died };
}

/** A fetch that holds one operation back until `release()`: a run stuck (paused, or waiting
 * on a slow network) before its call reaches Shopify. */
export function holdingBefore(operation: string): { fetch: typeof fetch; reached: Promise<void>; release: () => void } {
  let reachedSignal: () => void = () => {};
  let release: () => void = () => {};
  const reached = new Promise<void>((resolve) => (reachedSignal = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = true;
  const impl: typeof fetch = async (input, init) => {
    const body = typeof init?.body === "string" ? init.body : "";
    if (holding && body.includes(`${operation}(`)) {
      holding = false;
      reachedSignal();
      await released;
    }
    return fetch(input, init);
  };
  return { fetch: impl, reached, release };
}

export async function clearRemediationShop(db: Database, shop: string): Promise<void> {
  await db.incidentEvent.deleteMany({ where: { incident: { shop } } });
  await db.remediation.deleteMany({ where: { shop } });
  await db.outgoingMessage.deleteMany({ where: { shop } });
  await db.incident.deleteMany({ where: { shop } });
  await db.session.deleteMany({ where: { shop } });
  await db.shop.deleteMany({ where: { domain: shop } });
}

/** One test file's world: the SQLite test database, an emulator running for the file's tests,
 * and `fixture` (setUp) whose shops are emptied after each test. */
export function remediationSuite(emulatorOptions?: Parameters<typeof startEmulator>[0]) {
  const sqlite = testDatabases()[0];
  if (!sqlite) throw new Error("no SQLite test database");
  const db = databaseFor(sqlite.url);
  const shops: string[] = [];
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator(emulatorOptions);
  });
  afterAll(async () => {
    await running?.close();
  });
  afterEach(async () => {
    for (const shop of shops.splice(0)) await clearRemediationShop(db, shop);
  });
  const emulator = (): RunningEmulator => {
    if (!running) throw new Error("the emulator starts in beforeAll");
    return running;
  };
  const fixture = async (options: FixtureOptions = {}): Promise<Fixture> => {
    const f = await setUp(db, emulator(), options);
    shops.push(f.shop);
    return f;
  };
  return { db, emulator, fixture };
}
