// Shops that are not US dollar shops in UTC, end to end: the local store sends signed webhooks to
// the real intake, the processor reads the shop's profile from the Admin API (its first webhook
// arrived before Amends stored the install), and automatic remediation acts in the shop's own
// currency and time zone. A euro shop in Madrid and a yen shop in Tokyo are refunded and get
// their codes without the merchant; a late-fulfilment deadline counts business days in Madrid
// across the night the clocks go back.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { AutoRemediator } from "../app/remediation/auto.server";
import { sweepDueOrders } from "../app/scheduler/sweep.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type { RunningEmulator, ShopInput } from "./shopify-emulator";
import { manualClock } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "profile-secret";
const TOKEN = "shpat_profile_e2e";
const HOUR = 3_600_000;

describe.each(testDatabases())("shops in their own currency and time zone on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(Date.UTC(2026, 10, 18, 9));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let remediator: AutoRemediator;

  const clientFor = (shop: string) =>
    Promise.resolve(new AdminClient({ shop, accessToken: TOKEN, endpoint: emu.graphqlUrl(shop), baseDelayMs: 5 }));
  const lookups = shopifyLookups(clientFor);

  /** Waits for the store's deliveries, processes them, and lets the policy act on what opened. */
  async function settle() {
    const onIncidentsOpened = (shop: string, ids: string[]) => remediator.enqueue(shop, ids);
    await store.settle({ lookups, clock: () => new Date(clock.now()), onIncidentsOpened });
    await remediator.idle();
  }

  /** A shop installed in the store and in Amends (its offline session), with one customer. */
  async function install(profile: Omit<ShopInput, "domain" | "accessToken">) {
    const shop = `profile-${randomUUID().slice(0, 8)}.myshopify.com`;
    emu.store.createShop({ ...profile, domain: shop, accessToken: TOKEN });
    await db.session.create({
      data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: TOKEN, scope: "write_orders,read_locales" },
    });
    const customer = emu.store.addCustomer(shop, {
      firstName: "Lucía",
      lastName: "Fernández",
      email: `lucia.${shop.slice(8, 16)}@example.es`,
      address: { firstName: "Lucía", lastName: "Fernández", address1: "Calle de Alcalá 42", city: "Madrid", countryCode: "ES", zip: "28014" },
    });
    return { shop, customer };
  }

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: name,
      runUrl,
      label: "profile",
      secret: SECRET,
      emulator: { clock, jobAutoCompleteMs: null },
    });
    ({ db, emu } = store);
    remediator = new AutoRemediator({
      db,
      clientFor,
      log: logger,
      now: () => new Date(clock.now()),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
      jobPollIntervalMs: 10,
    });
  });

  afterAll(async () => {
    await store.close();
  });

  it.each([
    {
      store: "a euro shop in Madrid",
      profile: { name: "Cerámica Lucía", currencyCode: "EUR", ianaTimezone: "Europe/Madrid", countryCode: "ES", primaryLocale: "es" },
      price: "19.95",
      refundedMinor: 3990,
    },
    {
      store: "a yen shop in Tokyo",
      profile: { name: "Tokyo Tea", currencyCode: "JPY", ianaTimezone: "Asia/Tokyo", countryCode: "JP", primaryLocale: "ja" },
      price: "1200",
      refundedMinor: 2400,
    },
  ])("$store: a stock-out cancellation is refunded and apologised for without the merchant", async ({ profile, price, refundedMinor }) => {
    const { shop, customer } = await install(profile);
    const product = emu.store.addProduct(shop, { title: "Tetera de hierro", variants: [{ price, available: 5 }] });
    const order = emu.store.addOrder(shop, { customerId: customer.id, lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 2 }] });
    await settle();

    // Out of stock: the merchant cancels without refunding; Amends does the rest.
    const cancel = emu.store.cancelOrder(shop, { orderId: order.id, reason: "INVENTORY", restock: true, refund: false });
    if (!("job" in cancel)) throw new Error("the store refused the cancellation");
    emu.store.completeJob(shop, cancel.job.id);
    await settle();

    const incident = await db.incident.findFirstOrThrow({ where: { shop, kind: "stock_out_cancellation" }, include: { events: true } });
    expect(incident.status, incident.events.map((e) => e.message).join("\n")).toBe("resolved");
    const stored = emu.store.order(shop, order.id);
    expect(stored.refunds).toHaveLength(1);
    // The two units, in the shop's minor unit: cents of a euro, whole yen.
    const refundTotal = stored.transactions.filter((t) => t.kind === "REFUND").reduce((sum, t) => sum + t.amountCents, 0);
    expect(refundTotal).toBe(refundedMinor);
    const remediations = await db.remediation.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
    expect(remediations.map((r) => `${r.action}:${r.status}`)).toEqual(
      expect.arrayContaining(["refund:succeeded", "discount_code:succeeded"]),
    );
    const codes = [...emu.store.shop(shop).discounts.values()];
    expect(codes).toHaveLength(1);

    // Amends first heard of the shop by webhook: it asked Shopify what the shop is.
    expect(await db.shop.findUniqueOrThrow({ where: { domain: shop } })).toMatchObject({
      name: profile.name,
      currencyCode: profile.currencyCode,
      timeZone: profile.ianaTimezone,
      country: profile.countryCode,
      primaryLocale: profile.primaryLocale,
    });
  });

  it("counts a late fulfilment's business days in Madrid, across the night the clocks go back", async () => {
    // Paid on Friday 23 October 2026 at 10:00 in Madrid (08:00 UTC, summer time). Three
    // business days on is Wednesday 28 October at 10:00 in Madrid: 09:00 UTC, since the
    // clocks went back on Sunday 25 October. Counted in UTC, it would be 08:00 UTC.
    clock.set(Date.UTC(2026, 9, 23, 8));
    const { shop, customer } = await install({ name: "Cerámica Lucía", currencyCode: "EUR", ianaTimezone: "Europe/Madrid", countryCode: "ES", primaryLocale: "es" });
    const product = emu.store.addProduct(shop, { title: "Cuenco azul", variants: [{ price: "24.50", available: 5 }] });
    emu.store.addOrder(shop, { customerId: customer.id, lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 1 }] });
    await settle();

    const late = () => db.incident.findFirst({ where: { shop, kind: "late_fulfilment" } });
    const sweep = async (at: number) => {
      clock.set(at);
      const result = await sweepDueOrders(db, new Date(at), logger);
      for (const opened of result.opened) remediator.enqueue(opened.shop, [opened.incidentId]);
      await remediator.idle();
    };
    await sweep(Date.UTC(2026, 9, 28, 8, 30));
    expect(await late()).toBeNull();
    await sweep(Date.UTC(2026, 9, 28, 9) + 1000);
    const incident = await late();
    expect(incident).not.toBeNull();
    expect(incident?.responseDeadline?.getTime()).toBe(Date.UTC(2026, 9, 28, 9) + 1000 + 24 * HOUR);

    // The euro policy applies on its own: the apology code is made, nothing waits for approval.
    const after = await db.incident.findUniqueOrThrow({ where: { id: incident?.id ?? "" }, include: { events: true } });
    expect(after.status, after.events.map((e) => e.message).join("\n")).toBe("resolved");
    expect([...emu.store.shop(shop).discounts.values()]).toHaveLength(1);
  });
});
