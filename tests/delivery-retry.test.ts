// A delivery whose processing fails is retried later and later (exponential backoff with
// jitter), not straight away; after the last attempt it is failed, with its reason. A claim
// expires by the time it was claimed, not received: a delivery that waited in a backlog is never
// taken from the processor working on it. On SQLite and PostgreSQL.
import { randomUUID } from "node:crypto";

import { afterAll, beforeEach, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { failedDeliveries } from "../app/models/delivery.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { installedShops } from "./support/installed-shops";
import type { ProcessorDeps } from "../app/webhooks/process.server";
import {
  CLAIM_EXPIRES_MS,
  MAX_ATTEMPTS,
  STOPPED_WHILE_IN_HAND,
  nextAttemptAt,
  processPendingDeliveries,
  releaseClaimsOf,
} from "../app/webhooks/process.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { orderPayload, webhookHeaders } from "./fixtures/webhooks";

const SECRET = "retry-secret";
const PROFILE = { name: "Super Toys", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es", email: null };

/** Shopify's answer to "what is this shop", as the test decides it: fails, waits, or answers.
 * `calls` counts the questions about the test's own shops (PostgreSQL is shared by the run's
 * files, so a processor here may also meet other files' deliveries). */
function shopifyLookups(profile: () => Promise<typeof PROFILE>): ShopifyLookups & { calls: number } {
  const lookups = {
    calls: 0,
    inventoryItemStock: () => Promise.reject(new Error("not used in this suite")),
    fulfilmentLocations: () => Promise.reject(new Error("not used in this suite")),
    shopProfile: (shop: string) => {
      if (shop.startsWith("retry-")) lookups.calls++;
      return profile();
    },
  };
  return lookups;
}

const unreachable = () => Promise.reject(new Error("Shopify did not answer (503 Service Unavailable)"));

describe("the retry schedule", () => {
  it("waits between half and all of 1, 4, 16, 64 minutes after attempts 1 to 4, at most two hours", () => {
    const now = new Date("2026-11-20T15:00:00Z");
    const wait = (attempt: number, random: number) => (nextAttemptAt(now, attempt, random).getTime() - now.getTime()) / 60_000;
    expect([1, 2, 3, 4].map((n) => wait(n, 0))).toEqual([0.5, 2, 8, 32]);
    expect([1, 2, 3, 4].map((n) => wait(n, 0.999_999))).toEqual([1, 4, 16, 64].map((m) => expect.closeTo(m, 3)));
    expect(wait(10, 0.999_999)).toBeCloseTo(120, 3);
  });
});

describe.each(testDatabases())("delivery retries on $name", ({ name, url }) => {
  // The processor serves every shop. PostgreSQL is shared by the run's files, so the tests that
  // move the clock hours ahead (and would take up, or fail, other files' deliveries) run on this
  // file's own SQLite database; the race runs on both, at the real time.
  const ownDatabase = it.skipIf(name === "postgres");
  const db: Database = databaseFor(url);
  const store = openDeliveryStore(url);
  const intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });
  let shop = "";
  const shops: string[] = [];

  beforeEach(async () => {
    shop = `retry-${randomUUID().slice(0, 8)}.myshopify.com`;
    shops.push(shop);
    // Installed, but Amends has not read its profile yet: the first delivery asks Shopify.
    await db.shop.create({ data: { domain: shop } });
  });
  afterAll(async () => {
    await store.close();
    for (const each of shops) await clearShop(db, each);
  });

  async function receive(name: string) {
    const body = JSON.stringify(
      orderPayload({ admin_graphql_api_id: `gid://shopify/Order/${randomUUID().replace(/\D/g, "").slice(0, 12)}`, name }),
    );
    const headers = webhookHeaders({ topic: "orders/create", shop, body, secret: SECRET });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const answer = await intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) });
    expect(answer.status).toBe(200);
    return db.webhookDelivery.findFirstOrThrow({ where: { shop, eventId: lower["x-shopify-event-id"] } });
  }

  const deps = (lookups: ShopifyLookups, at: Date): ProcessorDeps => ({ db, lookups, log: logger, clock: () => at, random: () => 0.5 });
  const row = (id: string) => db.webhookDelivery.findUniqueOrThrow({ where: { id } });

  ownDatabase("retries a failed delivery later and later, then fails it for good with the reason", async () => {
    const lookups = shopifyLookups(unreachable);
    const delivery = await receive("#2001");
    let at = new Date(delivery.receivedAt.getTime() + 1_000);

    await processPendingDeliveries(deps(lookups, at));
    let stored = await row(delivery.id);
    expect(stored).toMatchObject({ status: "received", attempts: 1, error: "Shopify did not answer (503 Service Unavailable)" });
    // Half way between half and all of a minute (the test's jitter is 0.5).
    expect(stored.nextAttemptAt?.getTime()).toBe(at.getTime() + 45_000);

    // Not straight away: asked again before its time, it is left alone.
    await processPendingDeliveries(deps(lookups, new Date(at.getTime() + 44_000)));
    expect(lookups.calls).toBe(1);
    expect((await row(delivery.id)).attempts).toBe(1);

    const waits: number[] = [];
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      const due = stored.nextAttemptAt;
      if (!due) throw new Error(`attempt ${attempt - 1} left no time for the next`);
      at = due;
      await processPendingDeliveries(deps(lookups, at));
      stored = await row(delivery.id);
      expect(stored.attempts).toBe(attempt);
      if (stored.nextAttemptAt) waits.push((stored.nextAttemptAt.getTime() - at.getTime()) / 60_000);
    }
    expect(lookups.calls).toBe(MAX_ATTEMPTS);
    expect(waits).toEqual([3, 12, 48]);
    expect(stored).toMatchObject({ status: "failed", error: "Shopify did not answer (503 Service Unavailable)", nextAttemptAt: null });
    expect(await failedDeliveries(db, shop)).toEqual([
      expect.objectContaining({ id: delivery.id, topic: "orders/create", attempts: MAX_ATTEMPTS, error: "Shopify did not answer (503 Service Unavailable)" }),
    ]);
    // Nothing more happens to it on its own.
    await processPendingDeliveries(deps(lookups, new Date(at.getTime() + 24 * 3_600_000)));
    expect(lookups.calls).toBe(MAX_ATTEMPTS);
  });

  ownDatabase("never takes a claimed delivery from a live processor, however long it waited before; takes it over once the claim expires", async () => {
    const delivery = await receive("#2002");
    // It waited ten minutes in a backlog before processor A claimed it.
    const claimedAt = new Date(delivery.receivedAt.getTime() + 10 * 60_000);
    let answerA: (profile: typeof PROFILE) => void = () => {};
    let aAsked: () => void = () => {};
    const aIsWorking = new Promise<void>((resolve) => (aAsked = resolve));
    const lookupsA = shopifyLookups(() => {
      aAsked();
      return new Promise((resolve) => (answerA = resolve));
    });
    const runA = processPendingDeliveries(deps(lookupsA, claimedAt));
    await aIsWorking;
    expect(await row(delivery.id)).toMatchObject({ status: "processing", attempts: 1, claimedAt });

    // B, a minute later: A's claim holds.
    const lookupsB = shopifyLookups(() => Promise.resolve(PROFILE));
    await processPendingDeliveries(deps(lookupsB, new Date(claimedAt.getTime() + 60_000)));
    expect(lookupsB.calls).toBe(0);
    expect(await row(delivery.id)).toMatchObject({ status: "processing", attempts: 1 });

    // A went silent past the claim's life (a crash, as far as anyone can tell): B takes over.
    const later = new Date(claimedAt.getTime() + CLAIM_EXPIRES_MS + 1_000);
    await processPendingDeliveries(deps(lookupsB, later));
    expect(lookupsB.calls).toBe(1);
    expect(await row(delivery.id)).toMatchObject({ status: "processed", attempts: 2, error: null });

    // A's answer arrives at last: A's outcome is not written over B's, the order stored once.
    answerA(PROFILE);
    await runA;
    expect(await row(delivery.id)).toMatchObject({ status: "processed", attempts: 2 });
    expect(await db.orderRecord.count({ where: { shop } })).toBe(1);
  });

  /** A worker that dies in the middle of the delivery: its Shopify call never comes back. */
  async function claimAndDie(claimant: string, at: Date) {
    let asked: () => void = () => {};
    const inHand = new Promise<void>((resolve) => (asked = resolve));
    const dying = shopifyLookups(() => {
      asked();
      return new Promise(() => {});
    });
    void processPendingDeliveries({ ...deps(dying, at), claimant });
    await inHand;
  }

  ownDatabase("a restarted worker takes up at once what its dead predecessor held", async () => {
    const delivery = await receive("#2003");
    const at = new Date(delivery.receivedAt.getTime() + 1_000);
    await claimAndDie("host-a:111", at);
    expect(await row(delivery.id)).toMatchObject({ status: "processing", claimedBy: "host-a:111" });

    // Another host's dead worker is not this one's to release.
    expect(await releaseClaimsOf(db, "host-b:111", at)).toBe(0);
    expect(await releaseClaimsOf(db, "host-a:111", at)).toBe(1);
    const lookups = shopifyLookups(() => Promise.resolve(PROFILE));
    await processPendingDeliveries({ ...deps(lookups, new Date(at.getTime() + 1_000)), claimant: "host-a:222" });
    expect(await row(delivery.id)).toMatchObject({ status: "processed", attempts: 2, claimedBy: null });
  });

  ownDatabase("fails a delivery that was in hand each time the worker died, rather than take it up again", async () => {
    const delivery = await receive("#2004");
    const at = new Date(delivery.receivedAt.getTime() + 1_000);
    for (let death = 1; death <= MAX_ATTEMPTS; death++) {
      await claimAndDie(`host-a:${death}`, at);
      await releaseClaimsOf(db, `host-a:${death}`, at);
    }
    expect(await row(delivery.id)).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, error: STOPPED_WHILE_IN_HAND });
    expect(await failedDeliveries(db, shop)).toEqual([expect.objectContaining({ id: delivery.id, error: STOPPED_WHILE_IN_HAND })]);
  });

  it("two processors racing over a backlog act on each delivery once", async () => {
    await db.shop.update({ where: { domain: shop }, data: { currencyCode: "EUR", timeZone: "Europe/Madrid", primaryLocale: "es", country: "ES" } });
    const received = [];
    for (let i = 0; i < 12; i++) received.push(await receive(`#30${String(i).padStart(2, "0")}`));
    const at = new Date();
    const lookups = shopifyLookups(() => Promise.resolve(PROFILE));
    await Promise.all([processPendingDeliveries(deps(lookups, at)), processPendingDeliveries(deps(lookups, at))]);
    const rows = await db.webhookDelivery.findMany({ where: { shop }, select: { status: true, attempts: true } });
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.status === "processed" && r.attempts === 1)).toBe(true);
  });
});
