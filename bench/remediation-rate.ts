// Remediation at the rate Shopify allows: 1,000 incidents (BENCH_INCIDENTS) of 3 shops
// (BENCH_SHOPS; uneven backlogs, 60/30/10 %) remediated by the automatic policy's runner
// (app/remediation/auto.server.ts) against the Admin API emulator at Shopify's Standard rate
// limit (bucket 2,000 points, 100 points/s restored, one bucket per shop). Prints, per shop and
// in all: points Shopify charged per second ÷ the restore rate (the baseline: what Shopify
// allows; ≥ 90 % is the target), throttle errors that reached an incident's timeline (target
// 0), THROTTLED answers waited out, and when each shop finished: a small shop finishes in its
// own time, not after the big shop's backlog. Incidents: 1 in 10 a stock-out (refund + code +
// apology), the rest late fulfilments (code + apology), written straight into the database.
// Real time: at Standard rate the big shop's backlog takes minutes.
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const TMP = path.resolve("bench/.tmp-remediation");
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1000);
const SHOPS = Number(process.env.BENCH_SHOPS ?? 3);
const RESTORE = 100;
const BUCKET = 2000;
const SHARES = [0.6, 0.3, 0.1, 0.05, 0.05].slice(0, SHOPS);

Object.assign(process.env, {
  NODE_ENV: "production",
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: "bench-secret-remediation",
  SHOPIFY_APP_URL: "http://127.0.0.1",
  DATABASE_URL: `file:${path.join(TMP, "bench.sqlite")}`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
});

interface ShopFigures {
  shop: string;
  incidents: number;
  points: number;
  firstCallAt: number;
  lastCallAt: number;
  throttled: number;
}

async function main() {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  // @ts-expect-error -- plain ESM script without declarations
  const { migrate } = (await import("../scripts/prisma.mjs")) as { migrate: (url: string) => Promise<void> };
  await migrate(process.env.DATABASE_URL ?? "");
  const { createDatabase } = await import("../app/db.server");
  const { logger } = await import("../app/logger.server");
  const { AutoRemediator } = await import("../app/remediation/auto.server");
  const { activeKey } = await import("../app/models/incident.server");
  const { AdminClient, offlineTokenSource } = await import("../app/shopify/admin.server");
  const { startEmulator } = await import("../tests/shopify-emulator");
  const { installApp } = await import("../tests/support/install");
  const { DEFAULT_POLICY } = await import("../app/remediation/policy");

  const db = createDatabase(process.env.DATABASE_URL ?? "");
  const emu = await startEmulator({ bucket: { maximumAvailable: BUCKET, restoreRate: RESTORE } });
  const shops = SHARES.map((_, i) => `rate-${String.fromCharCode(97 + i)}-${randomUUID().slice(0, 6)}.myshopify.com`);
  const counts = SHARES.map((share, i) => (i === SHARES.length - 1 ? INCIDENTS - SHARES.slice(0, -1).reduce((s, x) => s + Math.round(x * INCIDENTS), 0) : Math.round(share * INCIDENTS)));
  const byShop = new Map<string, string[]>();
  // The default automatic policy, with a busy day's store-wide cap (the default $1,000 a day
  // would send the big shop's last stock-outs for approval).
  const policy = structuredClone(DEFAULT_POLICY);
  policy.caps = { ...policy.caps, maxPerDayStoreWide: "100000.00" };
  for (const [i, shop] of shops.entries()) {
    emu.store.createShop({ domain: shop, currencyCode: "USD", ianaTimezone: "UTC" });
    const product = emu.store.addProduct(shop, { title: "Blue Mug", variants: [{ price: "12.00", sku: "MUG-B", available: 100_000 }] });
    await db.shop.create({ data: { domain: shop, currencyCode: "USD", timeZone: "UTC", policy: policy as object } });
    await installApp(db, emu, shop);
    const rows = [];
    for (let n = 0; n < (counts[i] ?? 0); n++) {
      // A customer per order: one customer with hundreds of incidents would meet the policy's
      // per-customer cap and abuse signals, and wait for approval instead of being remedied.
      const customer = emu.store.addCustomer(shop, { firstName: "Ada", lastName: `Lovelace ${n}`, email: `ada.${n}@example.com` });
      const order = emu.store.addOrder(
        shop,
        { customerId: customer.id, lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 1 }], shippingLine: { title: "Standard", price: "5.00" } },
        { silent: true },
      );
      const kind = n % 10 === 0 ? "stock_out_cancellation" : "late_fulfilment";
      rows.push({
        id: randomUUID(),
        shop,
        kind,
        status: "open",
        activeKey: activeKey(shop, order.id, kind),
        orderId: order.id,
        orderName: order.name,
        customerId: customer.id,
        lines: [{ lineItemId: order.lineItems[0]?.id ?? "", quantity: 1 }],
        evidence: {},
        responseDeadline: new Date(Date.now() + 86_400_000),
      });
    }
    await db.incident.createMany({ data: rows });
    byShop.set(shop, rows.map((r) => r.id));
  }

  const clients = new Map<string, InstanceType<typeof AdminClient>>();
  const clientFor = (shop: string) => {
    let client = clients.get(shop);
    if (!client) {
      client = new AdminClient({ shop, accessToken: offlineTokenSource(shop, db), endpoint: emu.graphqlUrl(shop) });
      clients.set(shop, client);
    }
    return Promise.resolve(client);
  };
  const remediator = new AutoRemediator({ db, clientFor, log: logger });

  const loadBefore = os.loadavg();
  const finished = new Map<string, number>();
  const start = performance.now();
  for (const [shop, ids] of byShop) remediator.enqueue(shop, ids);
  const watch = setInterval(() => {
    for (const shop of shops) if (!finished.has(shop) && remediator.waiting(shop) === 0) finished.set(shop, performance.now());
  }, 50);
  const progress = setInterval(() => {
    const left = shops.map((s) => remediator.waiting(s)).join("/");
    console.log(`  … ${Math.round((performance.now() - start) / 1000)} s, waiting per shop ${left}`);
  }, Number(process.env.BENCH_PROGRESS_MS ?? 30_000));
  await remediator.idle();
  clearInterval(watch);
  clearInterval(progress);
  const seconds = (performance.now() - start) / 1000;
  const loadAfter = os.loadavg();

  // What Shopify charged: each answered request's actualQueryCost (requested minus the refund
  // of what the query did not use); THROTTLED answers cost nothing.
  const figures: ShopFigures[] = shops.map((shop, i) => ({ shop, incidents: counts[i] ?? 0, points: 0, firstCallAt: 0, lastCallAt: 0, throttled: 0 }));
  for (const request of emu.requests) {
    const f = figures.find((x) => x.shop === request.shop);
    if (!f) continue;
    const cost = request.body?.extensions?.cost;
    if (request.body?.errors?.some((e) => e.extensions?.code === "THROTTLED")) f.throttled++;
    else if (typeof cost?.actualQueryCost === "number") f.points += cost.actualQueryCost;
  }
  const failures = await db.incidentEvent.count({
    where: { incident: { shop: { in: shops } }, type: { in: ["remedy_failed", "remediation_failed"] } },
  });
  const throttleFailures = await db.incidentEvent.count({
    where: { incident: { shop: { in: shops } }, type: { in: ["remedy_failed", "remediation_failed"] }, message: { contains: "THROTTLED" } },
  });
  const unresolved = await db.incident.count({ where: { shop: { in: shops }, status: { not: "resolved" } } });

  console.log(`\nRemediation vs Shopify's rate limit (Standard: ${RESTORE} points/s, bucket ${BUCKET}), ${INCIDENTS} incidents, ${SHOPS} shops`);
  console.log(`machine: ${os.cpus().length} cores, load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
  let totalPoints = 0;
  for (const f of figures) {
    const done = ((finished.get(f.shop) ?? performance.now()) - start) / 1000;
    // The bucket starts full: its 2,000 points are a one-off burst, not the sustained rate.
    const sustained = Math.max(0, f.points - BUCKET) / done;
    totalPoints += f.points;
    console.log(
      `  ${f.shop.padEnd(34)} ${String(f.incidents).padStart(5)} incidents  ${String(f.points).padStart(6)} points in ${done.toFixed(1).padStart(6)} s` +
        `  = ${(f.points / done).toFixed(1).padStart(6)} points/s (×${(f.points / done / RESTORE).toFixed(2)} of the restore rate;` +
        ` without the first full bucket ×${(sustained / RESTORE).toFixed(2)})  ${f.throttled} THROTTLED waited out`,
    );
  }
  const [big, ...small] = figures;
  const bigDone = ((finished.get(big?.shop ?? "") ?? 0) - start) / 1000;
  for (const f of small) {
    const done = ((finished.get(f.shop) ?? 0) - start) / 1000;
    const ownTime = Math.max(0, f.points - BUCKET) / RESTORE;
    console.log(`  ${f.shop}: done after ${done.toFixed(1)} s = ×${(done / bigDone).toFixed(2)} of the big shop's ${bigDone.toFixed(1)} s (its own points alone need ≥ ${ownTime.toFixed(1)} s at the restore rate)`);
  }
  console.log(`  in all: ${totalPoints} points in ${seconds.toFixed(1)} s; incidents not resolved: ${unresolved}; failures on timelines: ${failures} (throttle errors: ${throttleFailures})`);
  await emu.close();
  await db.$disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
