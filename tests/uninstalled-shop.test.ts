// A shop that uninstalled Amends is left alone: its orders are not swept, its incidents not
// remedied, its customers not e-mailed, and deliveries Shopify sent before the uninstall open
// nothing when they are taken up after it. Shopify's compliance requests (customers/redact,
// shop/redact) are honoured all the same. Installing Amends again (afterAuth → recordInstall)
// picks up where it stopped. On SQLite and on a PostgreSQL database of this file's own (the
// sweep, the catch-up pass and the sender act on every shop's rows).
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { createDatabase } from "../app/db.server";
import { logger } from "../app/logger.server";
import { sendDueMessages, smtpMailer } from "../app/messaging/sender.server";
import type { Mailer } from "../app/messaging/sender.server";
import { loadOrder } from "../app/models/order.server";
import { recordInstall } from "../app/models/shop.server";
import { AutoRemediator } from "../app/remediation/auto.server";
import { remediate } from "../app/remediation/engine/index.server";
import { sweepDueOrders } from "../app/scheduler/sweep.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import type { DeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import type { SubscribedTopic } from "../app/webhooks/topics";
import { documentedPayload, webhookHeaders } from "./fixtures/webhooks";
import { effects, setUp } from "./remediation/support";
import type { RunningEmulator } from "./shopify-emulator";
import { startEmulator } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import { installApp } from "./support/install";
import { installedShops } from "./support/installed-shops";
import type { MailServer } from "./support/mail-server";
import { startMailServer } from "./support/mail-server";
import type { PrivatePostgres } from "./support/private-postgres";
import { privatePostgres } from "./support/private-postgres";

const SECRET = "uninstalled-secret";
type Json = Record<string, unknown>;

const PROFILE = { name: "Casa Azul", currencyCode: "USD", timeZone: "UTC", country: "US", primaryLocale: "en", email: null };
const lookups: ShopifyLookups = {
  inventoryItemStock: () => Promise.reject(new Error("not used in this suite")),
  fulfilmentLocations: () => Promise.reject(new Error("not used in this suite")),
  shopProfile: () => Promise.resolve(PROFILE),
};

let emu: RunningEmulator;
let smtp: MailServer;
let mailer: Mailer;

beforeAll(async () => {
  emu = await startEmulator({ bucket: { maximumAvailable: 2000, restoreRate: 100 } });
  smtp = await startMailServer();
  mailer = smtpMailer(smtp.url);
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await emu.close();
});

describe.each(testDatabases())("a shop that uninstalled Amends, on $name", ({ name, url: runUrl }) => {
  let db: Database;
  let store: DeliveryStore;
  let privateDb: PrivatePostgres | undefined;

  beforeAll(async () => {
    privateDb = name === "postgres" ? await privatePostgres(runUrl, "uninstalled") : undefined;
    const url = privateDb?.url ?? runUrl;
    db = createDatabase(url);
    store = openDeliveryStore(url);
  });
  afterAll(async () => {
    await store.close();
    await db.$disconnect();
    await privateDb?.drop();
  });

  /** Shopify sends a signed delivery; the worker takes it up at `now`. */
  async function deliver(shop: string, topic: SubscribedTopic, body: string, triggeredAt: Date, now: Date) {
    const eventId = randomUUID();
    const headers = webhookHeaders({ topic, shop, body, secret: SECRET, eventId, triggeredAt });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });
    const response = await intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) });
    expect(response.status).toBe(200);
    await processPendingDeliveries({ db, lookups, log: logger, clock: () => now });
    return db.webhookDelivery.findFirst({ where: { shop, eventId } });
  }

  const orderBody = (overrides: Json) =>
    JSON.stringify({ ...(documentedPayload("orders/create") as Json), cancelled_at: null, cancel_reason: null, ...overrides });

  it("opens nothing from deliveries sent before the uninstall, sweeps nothing, and still honours customers/redact", async () => {
    const shop = `gone-${randomUUID().slice(0, 8)}.myshopify.com`;
    await db.shop.create({ data: { domain: shop, currencyCode: "USD", timeZone: "UTC" } });
    const id = "gid://shopify/Order/5555";
    const paid = "2026-11-16T09:00:00Z"; // Monday; 3 business days (UTC shop) → Thursday 09:00
    const monday = new Date("2026-11-16T10:00:00Z");
    const paidOrder = { admin_graphql_api_id: id, name: "#5005", financial_status: "paid", processed_at: paid, created_at: paid, updated_at: paid, fulfillment_status: null };
    await deliver(shop, "orders/create", orderBody(paidOrder), monday, monday);
    expect((await loadOrder(db, shop, id))?.dueAt?.toISOString()).toBe("2026-11-19T09:00:00.000Z");

    // Tuesday noon the merchant uninstalls Amends.
    const uninstalled = new Date("2026-11-17T12:00:00Z");
    await deliver(shop, "app/uninstalled", JSON.stringify(documentedPayload("app/uninstalled")), uninstalled, uninstalled);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).uninstalledAt).toEqual(uninstalled);

    // Shopify retries a cancellation it first sent at 10:00, which failed then: it arrives after
    // the uninstall, and is not acted on.
    const cancelledAt = "2026-11-17T10:00:00Z";
    const cancelled = orderBody({ ...paidOrder, admin_graphql_api_id: "gid://shopify/Order/5556", name: "#5006", cancelled_at: cancelledAt, cancel_reason: "inventory", updated_at: cancelledAt });
    const retried = await deliver(shop, "orders/cancelled", cancelled, new Date(cancelledAt), new Date("2026-11-17T12:30:00Z"));
    expect(retried).toMatchObject({ status: "processed", error: null });
    expect(await db.incident.count({ where: { shop } })).toBe(0);

    // Thursday, the paid order is past its fulfilment deadline: the sweep leaves it, still due.
    const thursday = new Date("2026-11-19T10:00:00Z");
    await sweepDueOrders(db, thursday);
    expect(await db.incident.count({ where: { shop } })).toBe(0);
    expect((await loadOrder(db, shop, id))?.dueAt?.toISOString()).toBe("2026-11-19T09:00:00.000Z");

    // A customer asks to be forgotten: honoured, though the shop uninstalled.
    const customerId = "115310627314723954";
    const redact = { ...(documentedPayload("customers/redact") as Json), shop_domain: shop, customer: { id: 0, email: "john@example.com", phone: null }, orders_to_redact: [] };
    const redacted = await deliver(shop, "customers/redact", JSON.stringify(redact).replace('"id":0', `"id":${customerId}`), thursday, thursday);
    expect(redacted).toMatchObject({ status: "processed", error: null });
    expect((await loadOrder(db, shop, id))?.state.customer).toBeNull();

    // The merchant installs Amends again: the overdue order is swept.
    await recordInstall(db, shop, PROFILE);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).uninstalledAt).toBeNull();
    await sweepDueOrders(db, new Date("2026-11-19T10:05:00Z"));
    expect(await db.incident.findFirstOrThrow({ where: { shop } })).toMatchObject({ kind: "late_fulfilment", orderId: id, status: "open" });

    // Shopify retries the old app/uninstalled late, after the new install: it undoes nothing.
    await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_new_install" } });
    const late = await deliver(shop, "app/uninstalled", JSON.stringify(documentedPayload("app/uninstalled")), uninstalled, new Date("2026-11-19T10:10:00Z"));
    expect(late).toMatchObject({ status: "processed", error: null });
    expect(await db.session.count({ where: { shop } })).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).uninstalledAt).toBeNull();
  });

  it("acts on a delivery sent after the uninstall (the shop installed Amends again)", async () => {
    const shop = `back-${randomUUID().slice(0, 8)}.myshopify.com`;
    await db.shop.create({ data: { domain: shop, currencyCode: "USD", timeZone: "UTC", uninstalledAt: new Date("2026-11-17T12:00:00Z") } });
    const at = "2026-11-18T09:00:00Z";
    const cancelled = orderBody({ admin_graphql_api_id: "gid://shopify/Order/6666", name: "#6006", financial_status: "paid", cancelled_at: at, cancel_reason: "inventory", updated_at: at });
    await deliver(shop, "orders/cancelled", cancelled, new Date(at), new Date(at));
    expect(await db.incident.findFirstOrThrow({ where: { shop } })).toMatchObject({ kind: "stock_out_cancellation" });
  });

  it("still erases the shop on shop/redact, 48 hours after the uninstall", async () => {
    const shop = `erase-${randomUUID().slice(0, 8)}.myshopify.com`;
    await db.shop.create({ data: { domain: shop, currencyCode: "USD", timeZone: "UTC" } });
    const monday = new Date("2026-11-16T10:00:00Z");
    await deliver(shop, "orders/create", orderBody({ admin_graphql_api_id: "gid://shopify/Order/7777", financial_status: "paid", updated_at: monday.toISOString() }), monday, monday);
    const uninstalled = new Date("2026-11-17T12:00:00Z");
    await deliver(shop, "app/uninstalled", JSON.stringify(documentedPayload("app/uninstalled")), uninstalled, uninstalled);
    const later = new Date("2026-11-19T12:00:00Z");
    const redact = JSON.stringify({ ...(documentedPayload("shop/redact") as Json), shop_domain: shop });
    expect(await deliver(shop, "shop/redact", redact, later, later)).toBeNull();
    expect(await db.orderRecord.count({ where: { shop } })).toBe(0);
    expect(await db.shop.count({ where: { domain: shop } })).toBe(0);
  });

  it("neither remedies its open incidents nor e-mails its customers until it installs Amends again", async () => {
    smtp.reset();
    // One incident remedied (its apology waits in the outbox), one still open, when the
    // merchant uninstalls.
    const sent = await setUp(db, emu, { shopName: "Casa Azul", incident: { customerEmail: "ada@example.com", customerName: "Ada Lovelace" } });
    const open = await setUp(db, emu, { shopName: "Casa Azul" });
    expect((await remediate(sent.deps, { shop: sent.shop, incidentId: sent.incidentId, trigger: "automatic", actor: "rule:policy" })).status).toBe("resolved");
    expect(await db.outgoingMessage.count({ where: { shop: sent.shop, status: "pending" } })).toBe(1);
    const uninstall = async (shop: string) => {
      const at = new Date();
      await deliver(shop, "app/uninstalled", JSON.stringify(documentedPayload("app/uninstalled")), at, at);
    };
    await uninstall(sent.shop);
    await uninstall(open.shop);
    const asksOf = (shops: string[]) => emu.requests.filter((r) => shops.includes(r.shop)).length;
    const requestsBefore = asksOf([sent.shop, open.shop]);

    // Not even tried: Amends does not ask for the shop's Admin access (the token is revoked).
    const asked: string[] = [];
    const clientFor = (shop: string) => {
      asked.push(shop);
      return open.deps.clientFor(shop);
    };
    const worker = new AutoRemediator({ ...open.deps, clientFor, log: logger }, 0);
    await worker.catchUp(new Date(Date.now() + 1000));
    worker.enqueue(open.shop, [open.incidentId]);
    await worker.idle();
    expect(await db.incidentEvent.count({ where: { incidentId: open.incidentId, type: "decision" } })).toBe(0);
    expect(await db.incident.findUniqueOrThrow({ where: { id: open.incidentId } })).toMatchObject({ status: "open" });
    expect(effects(emu, open.shop, open.order.id).discounts).toHaveLength(0);
    expect(asksOf([sent.shop, open.shop])).toBe(requestsBefore);
    expect(asked).not.toContain(open.shop);
    expect(asked).not.toContain(sent.shop);

    const sender = { db, mailer, from: "Casa Azul <shop@casa-azul.example>", log: logger };
    expect(await sendDueMessages(sender, 20)).toBe(0);
    expect(smtp.received).toHaveLength(0);
    expect(await db.outgoingMessage.findFirstOrThrow({ where: { shop: sent.shop } })).toMatchObject({ status: "pending", attempts: 0 });

    // Installed again: a new token, the profile read, and the waiting work goes on.
    for (const f of [sent, open]) {
      await installApp(db, emu, f.shop);
      await recordInstall(db, f.shop, PROFILE);
    }
    await worker.catchUp(new Date(Date.now() + 1000));
    expect(await db.incident.findUniqueOrThrow({ where: { id: open.incidentId } })).toMatchObject({ status: "resolved" });
    expect(await sendDueMessages(sender, 20)).toBeGreaterThanOrEqual(1);
    expect(smtp.received.map((m) => m.envelopeTo)).toContainEqual(["ada@example.com"]);
  });
});
