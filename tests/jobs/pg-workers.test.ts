// Issue 14, scale-out: on PostgreSQL, three worker processes (`npm run worker`, real child
// processes) share the job queue while a redelivery storm hits the intake — every webhook of a
// store's day ×5, shuffled, sent concurrently — and one worker is killed with SIGKILL while it
// holds a delivery. Then: each incident once, each refund, code and replacement once in the
// emulator's store, every delivery processed, and the killed worker's job finished by another.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Database } from "../../app/db.server";
import { migrateJobQueue, QUEUE_SCHEMA, TASKS } from "../../app/jobs/postgres-queue.server";
import { logger } from "../../app/logger.server";
import { ensureShop } from "../../app/models/shop.server";
import { AdminClient } from "../../app/shopify/admin.server";
import { shopifyLookups } from "../../app/shopify/lookups.server";
import { apologyCode } from "../../app/shopify/operations/discount.server";
import { incidentTag } from "../../app/shopify/operations/replacement.server";
import { workerName } from "../../app/webhooks/process.server";
import type { DeliveryRecord, RunningEmulator, SeededShop } from "../shopify-emulator";
import { seedDemoShop } from "../shopify-emulator";
import type { AppProcess } from "../support/app-processes";
import { startAppProcess } from "../support/app-processes";
import { installApp } from "../support/install";
import type { StoreWithWebhooks } from "../support/store-with-webhooks";
import { startStoreWithWebhooks } from "../support/store-with-webhooks";
import { eventsActedOnOnce } from "../support/events-acted-on";
import { STORM_COPIES, playStormDay, replaceTroubledParcels, sendStorm } from "../support/storm-day";

const SECRET = "queue-secret";
const SHOP = "northwind-queue.myshopify.com";
const TOKEN = "shpat_queue";
const WORKERS = 3;
const EXCEPTIONS = new Set(["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"]);
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const postgresUrl = inject("postgresUrl");

/** The emulator's time: set by hand while the day is played, then real time (the workers'). */
function playableClock(start: number) {
  let fixed: number | null = start;
  return {
    now: () => fixed ?? Date.now(),
    set: (ms: number) => {
      fixed = ms;
    },
    real: () => {
      fixed = null;
    },
  };
}

describe.skipIf(!postgresUrl)("three queue workers on PostgreSQL under a redelivery storm", () => {
  // The day played: 08:00 was nine hours ago, so the workers' real time is just after it.
  const base = Date.now() - 10 * 3600_000;
  const at = (hour: number, minute = 0, ms = 0) => base + (hour - 8) * 3600_000 + minute * 60_000 + ms;
  const clock = playableClock(at(8));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let seeded: SeededShop;
  let day: DeliveryRecord[] = [];
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: "postgres",
      runUrl: postgresUrl ?? "",
      label: "queue",
      secret: SECRET,
      emulator: { clock },
      // As the app's runtime does on PostgreSQL: each stored batch queues its job.
      deliveryStore: (url) => ({ queue: { schema: QUEUE_SCHEMA, task: TASKS.deliveries, ready: () => migrateJobQueue(url, logger) } }),
    });
    ({ db, emu } = store);
    seeded = seedDemoShop(emu.store, { shop: { domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC" }, now: at(8), seed: 29, orders: 12 });
    const clientFor = (shop: string) => Promise.resolve(new AdminClient({ shop, accessToken: TOKEN, endpoint: emu.graphqlUrl(shop), baseDelayMs: 5 }));
    await ensureShop(db, SHOP, () => shopifyLookups(clientFor).shopProfile(SHOP));
    await replaceTroubledParcels(db, emu, SHOP);
    day = playTheDay();
    clock.real();
    // Installed now, on the emulator's real time: the workers' token is good for an hour.
    await installApp(db, emu, SHOP);
    await migrateJobQueue(urlOf(), logger);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.crash();
    await store?.close();
  });

  /** The private database the store opened: the intake's and the workers'. */
  const urlOf = () => store.url;

  function playTheDay(): DeliveryRecord[] {
    playStormDay(emu, seeded, clock, at, { shop: SHOP, trackingNumber: "1ZQUEUE0001" });
    clock.set(at(17));
    emu.webhooks.configure({ appUrl: store.server.url }); // what Amends' own remedies cause is sent as it happens
    return emu.webhooks.deliveries.filter((d) => d.state === "skipped");
  }


  it(
    "each incident, refund, code and replacement once; a worker killed with SIGKILL mid-job is taken over",
    async () => {
      expect(day.length).toBeGreaterThan(60);
      const env = {
        DATABASE_URL: urlOf(),
        SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
        REMEDIATION_LEASE_SECONDS: "2",
        WORKER_CATCH_UP_SECONDS: "1",
        WORKER_CONCURRENCY: "3",
        // The due sweep runs on real time, hours after the day played: it would escalate the
        // day's parcels (correctly) and blur what this test counts. The storm suite has none either.
        WORKER_SCHEDULES: "false",
        AMENDS_DEMO: "false",
        LOG_LEVEL: "error",
      };
      for (let i = 0; i < WORKERS; i++) workers.push(startAppProcess("worker", env));
      await Promise.all(workers.map((w) => w.ready));
      const [victim] = workers;
      if (!victim) throw new Error("no worker");

      // The victim is killed the moment it holds a delivery (its job locked, its claim taken).
      const victimName = workerName(victim.pid);
      let held: string | null = null;
      const watch = (async () => {
        for (let i = 0; i < 20_000 && !held; i++) {
          const row = await db.webhookDelivery.findFirst({ where: { status: "processing", claimedBy: victimName }, select: { id: true } });
          if (row) {
            held = row.id;
            await victim.crash();
            return;
          }
          await pause(1);
        }
      })();
      const sent = await sendStorm(store.server.url, day, SECRET);
      expect(sent).toBe(day.length * STORM_COPIES);
      await watch;
      expect(held, "the victim never held a delivery").not.toBeNull();

      // Settle: nothing waiting (deliveries, jobs, remedies) for two seconds in a row.
      const busy = async () => {
        const deliveries = await db.webhookDelivery.count({ where: { shop: SHOP, status: { in: ["received", "processing"] } } });
        const jobs = await db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM "${QUEUE_SCHEMA}".jobs WHERE task_identifier = ANY($1) AND attempts < max_attempts`,
          [TASKS.deliveries, TASKS.remediate],
        );
        const remedies = await db.remediation.count({ where: { shop: SHOP, status: { not: "succeeded" } } });
        const remediating = await db.incident.count({ where: { shop: SHOP, status: { in: ["open", "remediating"] } } });
        return deliveries + (jobs[0]?.n ?? 0) + remedies + remediating;
      };
      const deadline = Date.now() + 150_000;
      let quietSince: number | null = null;
      while (Date.now() < deadline) {
        await emu.webhooks.idle();
        if ((await busy()) === 0) {
          quietSince ??= Date.now();
          if (Date.now() - quietSince >= 2_000) break;
        } else quietSince = null;
        await pause(100);
      }
      const stderr = workers.map((w) => w.stderr()).join("\n");

      expect(await eventsActedOnOnce(db, SHOP), stderr).toEqual({ statuses: ["duplicate", "processed"], twice: [], unheld: [] });
      const victimsDelivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: held ?? "" } });
      // Finished by another worker: acted on, or found to be a copy of an event another holds.
      expect(["processed", "duplicate"]).toContain(victimsDelivery.status);
      expect(victimsDelivery.attempts, "taken up again after the kill").toBeGreaterThanOrEqual(2);

      // Each incident once: the day's stock-out and carrier exception among them, none twice.
      const incidents = await db.incident.findMany({ where: { shop: SHOP } });
      const keys = incidents.map((i) => `${i.kind} ${i.orderName}`);
      expect(new Set(keys).size).toBe(keys.length);
      const shop = emu.store.shop(SHOP);
      const orders = [...shop.orders.values()];
      const expected: string[] = [];
      for (const order of orders) {
        if (order.cancelledAt !== null && order.cancelReason === "INVENTORY") expected.push(`stock_out_cancellation ${order.name}`);
        for (const f of order.fulfillments) if (f.events.some((e) => EXCEPTIONS.has(e.status))) expected.push(`carrier_exception ${order.name}`);
      }
      expect(expected).toEqual(expect.arrayContaining([expect.stringMatching(/^stock_out_cancellation /), expect.stringMatching(/^carrier_exception /)]));
      expect(keys).toEqual(expect.arrayContaining(expected));

      // Each money move once in Shopify's store, and recorded once as done.
      for (const incident of incidents) {
        const refunds = orders.flatMap((o) => o.refunds).filter((r) => r.note?.includes(incident.id));
        const codes = [...shop.discounts.values()].filter((d) => d.code === apologyCode(SHOP, incident.id));
        const replacements = orders.filter((o) => o.tags.includes(incidentTag(incident.id)));
        const events = await db.incidentEvent.findMany({ where: { incidentId: incident.id }, orderBy: { at: "asc" }, select: { type: true, message: true, data: true } });
        const jobs = await db.$queryRawUnsafe<{ key: string; attempts: number; last_error: string | null }[]>(
          `SELECT task_identifier, key, attempts, max_attempts, last_error FROM "${QUEUE_SCHEMA}".jobs WHERE key = $1 OR last_error IS NOT NULL`,
          [`remediate:${incident.id}`],
        );
        const what = `${incident.kind} ${incident.orderName} (${incident.status}): ${JSON.stringify(events)} jobs ${JSON.stringify(jobs)}\n${stderr.slice(-3000)}`;
        if (incident.kind === "stock_out_cancellation") {
          expect(incident.status, what).toBe("resolved");
          expect([refunds.length, codes.length, replacements.length], what).toEqual([1, 1, 0]);
        } else if (incident.kind === "carrier_exception") {
          expect(incident.status, what).toBe("resolved");
          expect([refunds.length, codes.length, replacements.length], what).toEqual([0, 0, 1]);
        } else {
          // Opened by the due sweep (real time): whatever its policy did, at most once.
          expect(Math.max(refunds.length, codes.length, replacements.length), what).toBeLessThanOrEqual(1);
        }
      }
      const remedies = await db.remediation.groupBy({ by: ["action", "status"], where: { shop: SHOP }, _count: true });
      expect(remedies.filter((r) => r.status !== "succeeded"), stderr).toEqual([]);
    },
    240_000,
  );
});
