// Scale-out on PostgreSQL: a stored backlog of several stores' mixed webhooks (orders,
// fulfilments, fulfilment events, refunds, …, rendered by the emulator from each store's history)
// processed by 1, then 2 worker processes (`npm run worker`, real processes) sharing the job
// queue. Each run gets a fresh database with the same backlog; the workers are started and idle
// before the backlog's jobs are queued, in one statement, so only processing is timed. Prints
// deliveries a second for each and the ratio 2 vs 1 — on a 2-core machine whose PostgreSQL and
// emulator share the cores, what a second worker adds is the point, not the absolute figure.
import os from "node:os";

import pg from "pg";

import { createDatabase } from "../app/db.server";
import { migrateJobQueue, QUEUE_SCHEMA, TASKS } from "../app/jobs/postgres-queue.server";
import { logger } from "../app/logger.server";
import { ensureShop } from "../app/models/shop.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import type { DeliveryRow } from "../app/webhooks/delivery-store.server";
import { timeOrderedId } from "../app/webhooks/intake.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import type { DeliveryRecord, RunningEmulator } from "../tests/shopify-emulator";
import { seedDemoShop, startEmulator } from "../tests/shopify-emulator";
import type { AppProcess } from "../tests/support/app-processes";
import { startAppProcess } from "../tests/support/app-processes";
import { installApp } from "../tests/support/install";
import { privatePostgres } from "../tests/support/private-postgres";
import { storeHistory } from "../tests/support/store-history";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SHOPS = Number(process.env.BENCH_SHOPS ?? 4);
const ORDERS = Number(process.env.BENCH_ORDERS_PER_SHOP ?? 80);
/** 0: the baseline, this process processing the backlog itself without the queue. */
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? "0,1,2").split(",").map(Number);
const JOB_SIZE = 20; // as the intake queues them (delivery-store.server.ts)

const load = () => os.loadavg().map((n) => n.toFixed(2)).join(" ");

interface Backlog {
  emu: RunningEmulator;
  shops: { domain: string; token: string }[];
  deliveries: DeliveryRecord[];
}

async function renderBacklog(): Promise<Backlog> {
  let now = Date.now() - 2 * 86_400_000;
  // Shopify's rate limit is not what is measured here (bench/remediation measures it): a bucket
  // so large that no lookup ever waits for it.
  const emu = await startEmulator({ clock: { now: () => now }, bucket: { maximumAvailable: 10_000_000, restoreRate: 1_000_000 } });
  emu.webhooks.configure({ appUrl: null });
  const shops: Backlog["shops"] = [];
  for (let i = 0; i < SHOPS; i++) {
    const domain = `bench-workers-${i}.myshopify.com`;
    const token = `shpat_bench_${i}`;
    const seeded = seedDemoShop(emu.store, { shop: { domain, accessToken: token, ianaTimezone: "UTC" }, now, seed: 100 + i, orders: ORDERS });
    for (const { at, event } of storeHistory(seeded)) {
      now = Math.max(now, at);
      emu.store.emit(event);
    }
    shops.push({ domain, token });
  }
  // From here the emulator keeps real time, as the workers do: the history is in the past.
  now = Date.now();
  setInterval(() => (now = Date.now()), 5).unref();
  const deliveries = emu.webhooks.deliveries.filter((d) => d.state === "skipped");
  return { emu, shops, deliveries };
}

async function run(backlog: Backlog, workers: number): Promise<{ deliveries: number; seconds: number; perSecond: number }> {
  const database = await privatePostgres(ADMIN_URL, "bench_workers");
  const db = createDatabase(database.url);
  const started: AppProcess[] = [];
  try {
    await migrateJobQueue(database.url, logger);
    for (const { domain, token } of backlog.shops) {
      const clientFor = (shop: string) => Promise.resolve(new AdminClient({ shop, accessToken: token, endpoint: backlog.emu.graphqlUrl(shop), baseDelayMs: 5 }));
      await ensureShop(db, domain, () => shopifyLookups(clientFor).shopProfile(domain));
      await installApp(db, backlog.emu, domain);
    }
    const store = openDeliveryStore(database.url);
    const rows: DeliveryRow[] = backlog.deliveries.map((d) => ({
      id: timeOrderedId(),
      shop: d.shop,
      topic: d.topic,
      webhookId: d.webhookId,
      eventId: d.eventId,
      triggeredAt: new Date(d.triggeredAt),
      apiVersion: "2026-10",
      payload: Buffer.from(d.body),
      receivedAt: new Date(),
    }));
    for (let i = 0; i < rows.length; i += 200) await store.insert(rows.slice(i, i + 200));
    await store.close();

    const env = {
      DATABASE_URL: database.url,
      SHOPIFY_ADMIN_API_URL_TEMPLATE: `${backlog.emu.url}/{shop}/admin/api/{version}/graphql.json`,
      WORKER_SCHEDULES: "false",
      SHOPIFY_API_KEY: "bench-key",
      SHOPIFY_API_SECRET: "bench-secret",
      SHOPIFY_APP_URL: "http://127.0.0.1",
      NODE_ENV: "production",
      AMENDS_DEMO: "false",
      LOG_LEVEL: "error",
    };
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    if (workers === 0) {
      // The baseline: this process alone, no queue (processPendingDeliveries, as on SQLite).
      const clientFor = async (shop: string) => {
        const token = backlog.shops.find((s) => s.domain === shop)?.token ?? "";
        return new AdminClient({ shop, accessToken: token, endpoint: backlog.emu.graphqlUrl(shop), baseDelayMs: 5 });
      };
      const deps = { db, lookups: shopifyLookups(clientFor), log: logger };
      const t0 = performance.now();
      while ((await processPendingDeliveries(deps, 100)) > 0);
      const seconds = (performance.now() - t0) / 1000;
      await client.end();
      return { deliveries: rows.length, seconds, perSecond: rows.length / seconds };
    }
    for (let i = 0; i < workers; i++) started.push(startAppProcess("worker", env));
    await Promise.all(started.map((w) => w.ready));
    const t0 = performance.now();
    await client.query(
      `SELECT "${QUEUE_SCHEMA}".add_job($1::text, json_build_object('ids', json_agg(id ORDER BY id)), max_attempts => 10)
       FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $2 AS batch FROM "WebhookDelivery") AS numbered GROUP BY batch`,
      [TASKS.deliveries, JOB_SIZE],
    );
    for (;;) {
      const { rows: left } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE status IN ('received', 'processing')`);
      if ((left[0]?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    await client.end();
    return { deliveries: rows.length, seconds, perSecond: rows.length / seconds };
  } finally {
    for (const worker of started) await worker.stop().catch(() => worker.crash());
    await db.$disconnect();
    await database.drop();
  }
}

async function main() {
  logger.level = process.env.LOG_LEVEL ?? "error";
  console.log(`PostgreSQL queue workers: ${os.cpus().length} cores, Node ${process.version}, load ${load()}`);
  const backlog = await renderBacklog();
  console.log(`backlog: ${backlog.deliveries.length} deliveries from ${SHOPS} stores' histories`);
  const results = new Map<number, number>();
  try {
    for (const workers of WORKER_COUNTS) {
      const result = await run(backlog, workers);
      results.set(workers, result.perSecond);
      const label = workers === 0 ? "no queue, in-process (baseline)" : `${workers} worker${workers === 1 ? "" : "s"}`;
      console.log(
        `${label}: ${result.deliveries} deliveries in ${result.seconds.toFixed(1)} s = ${result.perSecond.toFixed(0)}/s (load ${load()})`,
      );
    }
  } finally {
    await backlog.emu.close();
  }
  const one = results.get(1);
  const two = results.get(2);
  const none = results.get(0);
  if (none && one) console.log(`1 queue worker vs in-process: ${(one / none).toFixed(2)}×`);
  if (one && two) console.log(`2 workers vs 1: ${(two / one).toFixed(2)}× (shared machine: noisy; compare on a quiet one)`);
}

await main();
