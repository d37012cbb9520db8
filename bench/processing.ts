// Processing throughput: a flash-sale day's stored backlog (several shops' history and a busy
// day — orders, fulfilments, carrier events, inventory levels, refunds, cancellations; see
// tests/support/busy-day.ts), ~30,000 deliveries, on SQLite.
//   1. Baseline, same run: the deliveries are stored through the real intake (WebhookIntake:
//      HMAC check, the installed-shop check, the delivery store's batched durable write; in
//      process, 50 at a time, no HTTP). Deliveries stored per second.
//   2. The real processor (processPendingDeliveries in batches of 50, as DeliveryProcessor
//      runs it) drains the backlog, asking the Shopify emulator what the rules need. The
//      emulator runs in a process of its own (bench/shopify-elsewhere.ts), as Shopify does.
//      Deliveries processed per second, drain time for 30,000, and the ratio to (1).
//   3. Correctness: every delivery processed, none failed; and on a sample (one shop's first
//      BENCH_SAMPLE deliveries, both runs in the order Shopify sent them) processDeliveries in
//      batches of 50 leaves the database exactly as one id at a time does.
// Prints load average, and waits for the CPUs to settle before the drain (bench/quiet.ts): on a
// shared machine every figure moves; the ratio holds up better.
// Run: npx tsx bench/processing.ts (BENCH_SHOPS, BENCH_HISTORY, BENCH_SALE, BENCH_SAMPLE,
// BENCH_CPU_PROFILE).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";

import { pino } from "pino";

import type { Database } from "../app/db.server";
import { createDatabase } from "../app/db.server";
import { REDACTED } from "../app/logger.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { InstalledShops } from "../app/webhooks/installed-shops.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import type { ProcessorDeps } from "../app/webhooks/process.server";
import { processDeliveries, processPendingDeliveries } from "../app/webhooks/process.server";
import { isInstalledShop } from "../app/models/shop.server";
import { busyShare, cpuTimes, QUIET, waitForQuiet } from "./quiet";
import type { SentWebhook, ShopifyElsewhere } from "./shopify-elsewhere";
import { startShopifyElsewhere, tokenFor } from "./shopify-elsewhere";

const TMP = path.resolve("bench/.tmp-processing");
const SECRET = "bench-processing-secret";
const SHOPS = Number(process.env.BENCH_SHOPS ?? 6);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 1000);
const SALE = Number(process.env.BENCH_SALE ?? 150);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 1000);
const BATCH = 50;
/** BENCH_CPU_PROFILE=file.cpuprofile: a CPU profile of the drain (step 2) alone. */
const PROFILE = process.env.BENCH_CPU_PROFILE;
const MORNING = Date.UTC(2026, 10, 27, 8);
const EVENING = Date.UTC(2026, 10, 27, 20);

// Production logs every delivery at info: the same work here, written to /dev/null.
const log = pino({ level: "info", base: { app: "amends" }, redact: REDACTED }, pino.destination({ dest: "/dev/null", sync: true }));

async function freshDatabase(name: string): Promise<{ url: string; db: Database }> {
  const file = path.join(TMP, `${name}.sqlite`);
  const url = `file:${file}`;
  // @ts-expect-error -- plain ESM script without declarations
  const { migrate } = (await import("../scripts/prisma.mjs")) as { migrate: (url: string) => Promise<void> };
  await migrate(url);
  const db = createDatabase(url);
  // createDatabase sets its pragmas in the background: let them land before any transaction.
  await db.shop.count();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { url, db };
}

/** Stores the deliveries through the intake, `concurrency` at a time; returns the seconds taken. */
async function store(url: string, db: Database, deliveries: SentWebhook[], concurrency = 50): Promise<number> {
  for (const shop of new Set(deliveries.map((d) => d.shop))) {
    await db.shop.upsert({ where: { domain: shop }, create: { domain: shop }, update: {} });
  }
  const deliveryStore = openDeliveryStore(url);
  const intake = new WebhookIntake({ store: deliveryStore, secret: SECRET, shops: new InstalledShops({ lookup: (shop) => isInstalledShop(db, shop) }) });
  const started = performance.now();
  let next = 0;
  const send = async () => {
    for (let d = deliveries[next++]; d; d = deliveries[next++]) {
      const headers = new Map(Object.entries(d.headers).map(([name, value]) => [name.toLowerCase(), value]));
      const answer = await intake.receive({ method: "POST", header: (name) => headers.get(name.toLowerCase()), body: Buffer.from(d.body) });
      if (answer.status !== 200) throw new Error(`${d.topic} refused: ${answer.status} ${answer.body}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, send));
  await intake.drain();
  const seconds = (performance.now() - started) / 1000;
  await deliveryStore.close();
  return seconds;
}

/**
 * The stored deliveries' ids in the order Shopify sent them: the sample's two runs act on them in
 * one order. Not by receivedAt: each run's own clock, so deliveries received in the same
 * millisecond (or stored side by side) would fall in different orders in the two runs, and the
 * runs would differ whatever the batch size (a refund before or after the cancellation whose
 * incident it joins).
 */
async function inSentOrder(db: Database, deliveries: SentWebhook[]): Promise<string[]> {
  const sent = new Map<string, number>();
  for (const [index, d] of deliveries.entries()) if (!sent.has(d.webhookId)) sent.set(d.webhookId, index);
  const rows = await db.webhookDelivery.findMany({ select: { id: true, webhookId: true } });
  return rows.sort((a, b) => (sent.get(a.webhookId) ?? Infinity) - (sent.get(b.webhookId) ?? Infinity)).map((r) => r.id);
}

/** BENCH_COUNT_QUERIES=1: counts the processor's database queries by model and operation. */
const queries = new Map<string, number>();
function counted(db: Database): Database {
  if (!process.env.BENCH_COUNT_QUERIES) return db;
  return db.$extends({
    query: {
      $allOperations({ model, operation, args, query }) {
        const key = `${model ?? "raw"}.${operation}`;
        queries.set(key, (queries.get(key) ?? 0) + 1);
        return query(args);
      },
    },
  }) as unknown as Database;
}

function depsFor(db: Database, shopify: ShopifyElsewhere): ProcessorDeps {
  const clientFor = (shop: string) => Promise.resolve(new AdminClient({ shop, accessToken: tokenFor(shop), endpoint: shopify.graphqlUrl(shop), baseDelayMs: 5 }));
  return { db: counted(db), lookups: shopifyLookups(clientFor), log, clock: () => new Date(EVENING), random: () => 0.5 };
}

/** What processing left in the database, in a form two runs can be compared by. */
async function snapshot(db: Database) {
  const incidents = await db.incident.findMany({ include: { events: { orderBy: { at: "asc" } } }, orderBy: [{ shop: "asc" }, { orderId: "asc" }, { kind: "asc" }] });
  return {
    deliveries: (await db.webhookDelivery.findMany({ select: { webhookId: true, status: true, error: true, attempts: true }, orderBy: { webhookId: "asc" } })),
    orders: (await db.orderRecord.findMany({ select: { shop: true, orderId: true, state: true, copyVersion: true, dueAt: true }, orderBy: [{ shop: "asc" }, { orderId: "asc" }] })),
    waiting: await db.waitingLine.findMany({ select: { shop: true, orderId: true, variantId: true, quantity: true }, orderBy: [{ orderId: "asc" }, { variantId: "asc" }] }),
    shortfalls: await db.inventoryShortfall.findMany({ select: { shop: true, variantId: true, locationId: true, available: true }, orderBy: [{ variantId: "asc" }, { locationId: "asc" }] }),
    incidents: incidents.map((i) => ({
      shop: i.shop,
      kind: i.kind,
      orderId: i.orderId,
      status: i.status,
      lines: i.lines,
      evidence: i.evidence,
      events: i.events.map((e) => [e.type, e.actor, e.message]),
    })),
  };
}

function countBy<T>(list: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of list) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

async function main() {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const shopify = await startShopifyElsewhere({ shops: SHOPS, historyOrders: HISTORY, saleOrders: SALE, morning: MORNING, evening: EVENING, secret: SECRET });
  const loadBefore = os.loadavg();
  try {
    const generated = shopify.generatedSeconds;
    const deliveries = shopify.deliveries;
    console.log(`\nProcessing a flash-sale day's backlog — ${deliveries.length} deliveries (${SHOPS} shops), SQLite`);
    console.log(`by topic: ${JSON.stringify(countBy(deliveries, (d) => d.topic))} (generated in ${generated.toFixed(1)} s)`);

    // 1. The intake stores them (the baseline).
    const full = await freshDatabase("full");
    const intakeSeconds = await store(full.url, full.db, deliveries);
    const intakeRate = deliveries.length / intakeSeconds;

    // 2. The processor drains them, once the intake's writes have settled (the kernel writes
    // back the hundreds of megabytes just stored, and the previous benchmark may still be
    // stopping): otherwise the figure measures that too.
    const deps = depsFor(full.db, shopify);
    const settled = await waitForQuiet();
    const drainingFrom = cpuTimes();
    const profiler = PROFILE ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let handled = 0;
    for (let n; (n = await processPendingDeliveries(deps, BATCH)) > 0; ) handled += n;
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const busy = busyShare(drainingFrom, cpuTimes());
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (queries.size > 0) console.log(`queries while draining, per delivery: ${[...queries].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / handled).toFixed(2)}`).join(", ")}`);
    const asked = await shopify.asked();
    if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(PROFILE as string, JSON.stringify(profile));
      profiler.disconnect();
    }
    const rate = handled / seconds;

    // 3. Correctness.
    const statuses = countBy(await full.db.webhookDelivery.findMany({ select: { status: true } }), (d) => d.status);
    const incidents = countBy(await full.db.incident.findMany({ select: { kind: true } }), (i) => i.kind);
    const stuck = await full.db.webhookDelivery.findMany({ where: { status: { not: "processed" } }, select: { topic: true, status: true, error: true }, take: 5 });
    if (stuck.length > 0) console.log("not processed, for example:", stuck);
    const firstShop = deliveries[0]?.shop;
    const sample = deliveries.filter((d) => d.shop === firstShop).slice(0, SAMPLE);
    const alone = await freshDatabase("sample-alone");
    await store(alone.url, alone.db, sample);
    const aloneDeps = depsFor(alone.db, shopify);
    const ids = await inSentOrder(alone.db, sample);
    const sampleStarted = performance.now();
    for (const id of ids) await processDeliveries(aloneDeps, [id]);
    const aloneSeconds = (performance.now() - sampleStarted) / 1000;
    const batched = await freshDatabase("sample-batched");
    await store(batched.url, batched.db, sample);
    const batchedDeps = depsFor(batched.db, shopify);
    const batchedStarted = performance.now();
    const batchedIds = await inSentOrder(batched.db, sample);
    for (let i = 0; i < batchedIds.length; i += BATCH) await processDeliveries(batchedDeps, batchedIds.slice(i, i + BATCH));
    const batchedSeconds = (performance.now() - batchedStarted) / 1000;
    const same = JSON.stringify(await snapshot(alone.db)) === JSON.stringify(await snapshot(batched.db));

    const loadText = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}`);
    console.log(`load average (1, 5, 15 min): before ${loadText(loadBefore)}, after ${loadText(os.loadavg())}`);
    console.log(`CPUs ${(settled * 100).toFixed(0)} % busy before the drain (waits for ≤ ${QUIET * 100} %, at most a minute), ${(busy * 100).toFixed(0)} % during it (the emulator's process included)\n`);
    console.log("| step | deliveries | seconds | deliveries/s |");
    console.log("| --- | ---: | ---: | ---: |");
    console.log(`| intake stores them (baseline: WebhookIntake → delivery store, in process) | ${deliveries.length} | ${intakeSeconds.toFixed(1)} | ${intakeRate.toFixed(0)} |`);
    console.log(`| processor drains them (batches of ${BATCH}) | ${handled} | ${seconds.toFixed(1)} | ${rate.toFixed(0)} |`);
    console.log(`| sample, one delivery at a time | ${ids.length} | ${aloneSeconds.toFixed(1)} | ${(ids.length / aloneSeconds).toFixed(0)} |`);
    console.log(`| sample, batches of ${BATCH} | ${ids.length} | ${batchedSeconds.toFixed(1)} | ${(ids.length / batchedSeconds).toFixed(0)} |`);
    // On a busy machine the wall clock counts the time other processes had the cores; the
    // process's own CPU time (the emulator's, in its own process, not included) moves less.
    console.log(`\nCPU time of this process while draining: ${cpuSeconds.toFixed(1)} s, ${((cpuSeconds * 1000) / handled).toFixed(2)} ms per delivery (${(handled / cpuSeconds).toFixed(0)} deliveries per CPU-second)`);
    console.log(`Processing vs intake (same run): ${(rate / intakeRate).toFixed(3)} ×`);
    console.log(`A 30,000-delivery backlog drains in ${(30_000 / rate).toFixed(1)} s at this rate (target ≤ 30 s, ≥ 1,000/s).`);
    console.log(`Shopify (the emulator) was asked, while processing: ${JSON.stringify(asked)}`);
    console.log(`Outcomes: ${JSON.stringify(statuses)}; incidents opened: ${JSON.stringify(incidents)}`);
    const allProcessed = (statuses.processed ?? 0) === deliveries.length;
    console.log(allProcessed ? "Every delivery processed, none invalid or failed." : "NOT EVERY DELIVERY WAS PROCESSED.");
    console.log(same ? `Sample (${ids.length} deliveries of ${firstShop}): batched processing left the database exactly as one-at-a-time did.` : "SAMPLE DIFFERS: batched processing did not match one-at-a-time.");
    await full.db.$disconnect();
    await alone.db.$disconnect();
    await batched.db.$disconnect();
    if (!allProcessed || !same) process.exitCode = 1;
  } finally {
    await shopify.close();
    rmSync(TMP, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
