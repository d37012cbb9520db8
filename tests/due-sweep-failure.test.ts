// One order that throws in the due sweep (here, a stored state this version cannot read) is
// logged with its shop and order, counted, and looked at again later; the sweep goes on with
// the others. On SQLite and PostgreSQL.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";

import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { registry } from "../app/metrics.server";
import { FAILED_ORDER_RETRY_MS, sweepDueOrders } from "../app/scheduler/sweep.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { installedShops } from "./support/installed-shops";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { orderPayload, webhookHeaders } from "./fixtures/webhooks";

const SECRET = "sweep-secret";
const CREATED = "2026-11-02T10:00:00-05:00";
// Weeks later: every unfulfilled order is past its fulfilment deadline.
const SWEEP_AT = new Date("2026-11-30T15:00:00Z");

const lookups: ShopifyLookups = {
  inventoryItemStock: () => Promise.reject(new Error("not used in this suite")),
  fulfilmentLocations: () => Promise.reject(new Error("not used in this suite")),
  shopProfile: () => Promise.reject(new Error("not used in this suite")),
};

async function failuresCounted(): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === "amends_due_sweep_failures_total");
  return Number(metric?.values[0]?.value ?? 0);
}

describe.each(testDatabases())("the due sweep on $name", ({ url }) => {
  const db: Database = databaseFor(url);
  const store = openDeliveryStore(url);
  const intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });
  const shop = `sweep-${randomUUID().slice(0, 8)}.myshopify.com`;
  const orderIds = ["A", "B", "C"].map((_, i) => `gid://shopify/Order/${7_000_000 + i}${Date.now() % 100_000}`);

  beforeAll(async () => {
    await db.shop.create({
      data: { domain: shop, currencyCode: "EUR", timeZone: "Europe/Madrid", primaryLocale: "es", country: "ES" },
    });
    for (const [i, id] of orderIds.entries()) {
      const body = JSON.stringify(
        orderPayload({
          admin_graphql_api_id: id,
          name: `#40${i}`,
          created_at: CREATED,
          processed_at: CREATED,
          updated_at: CREATED,
          financial_status: "paid",
          cancelled_at: null,
          cancel_reason: null,
          fulfillment_status: null,
          fulfillments: [],
        }),
      );
      const headers = webhookHeaders({ topic: "orders/create", shop, body, secret: SECRET });
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      expect((await intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) })).status).toBe(200);
    }
    await processPendingDeliveries({ db, lookups, log: logger, clock: () => new Date(CREATED) });
  });
  afterAll(async () => {
    await store.close();
    await clearShop(db, shop);
  });

  it("records and skips the order that throws, and checks the others", async () => {
    const [broken, ...good] = orderIds as [string, string, string];
    expect(await db.orderRecord.count({ where: { shop, dueAt: { lte: SWEEP_AT } } })).toBe(3);
    // Written by some older version, or by hand: not the state the rules read.
    await db.orderRecord.update({ where: { shop_orderId: { shop, orderId: broken } }, data: { state: { lineItems: "?" } } });

    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const before = await failuresCounted();

    // PostgreSQL is shared by the run's files: the sweep sees other shops' orders too.
    const result = await sweepDueOrders(db, SWEEP_AT, log);
    const ours = <T extends { shop: string }>(list: T[]) => list.filter((entry) => entry.shop === shop);

    expect(ours(result.failed)).toEqual([{ shop, orderId: broken, error: expect.any(String) as string }]);
    expect(ours(result.opened)).toHaveLength(2);
    const incidents = await db.incident.findMany({ where: { shop }, select: { orderId: true, kind: true } });
    expect(incidents.map((i) => i.orderId).sort()).toEqual([...good].sort());
    expect(incidents.every((i) => i.kind === "late_fulfilment")).toBe(true);
    expect(await failuresCounted()).toBe(before + result.failed.length);
    const logged = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === 50 && entry.shop === shop);
    expect(logged).toEqual([expect.objectContaining({ shop, orderId: broken, msg: "due sweep could not check an order; skipped" })]);
    // Looked at again later, not in a loop now; the good ones are not due again now.
    const row = await db.orderRecord.findUniqueOrThrow({ where: { shop_orderId: { shop, orderId: broken } } });
    expect(row.dueAt?.getTime()).toBe(SWEEP_AT.getTime() + FAILED_ORDER_RETRY_MS);
    const again = await sweepDueOrders(db, SWEEP_AT, log);
    expect([...ours(again.opened), ...ours(again.failed)]).toEqual([]);
    expect(await db.orderRecord.count({ where: { shop, dueAt: { lte: SWEEP_AT } } })).toBe(0);
  });
});
