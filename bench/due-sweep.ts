// The due sweep's cost must follow the number of orders due, not the number stored:
// 1,000,000 stored orders of which 1 % (10,000) are due, then 10,000,000 with the same 10,000
// due. Rows are written straight into SQLite (the setup is not what is measured); the sweep is
// Amends' own (app/scheduler/sweep.server.ts) through Prisma. Prints times and the ratio.
import { copyFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";

import { createDatabase } from "../app/db.server";
import type { OrderState } from "../app/incidents/model";
import { sweepDueOrders } from "../app/scheduler/sweep.server";

const TMP = path.resolve("bench/.tmp-sweep");
const DUE = Number(process.env.BENCH_DUE ?? 10_000);
const SIZES = (process.env.BENCH_ORDERS ?? "1000000,10000000").split(",").map(Number);
const NOW = new Date("2026-11-20T12:00:00Z");
const iso = (d: Date) => d.toISOString().replace("Z", "+00:00"); // Prisma's SQLite format

function order(n: number, paidDaysAgo: number): OrderState {
  const paid = new Date(NOW.getTime() - paidDaysAgo * 86_400_000).toISOString();
  return {
    id: `gid://shopify/Order/${5_000_000_000 + n}`,
    name: `#${1000 + n}`,
    createdAt: paid,
    paidAt: paid,
    cancelledAt: null,
    cancelReason: null,
    customer: { id: `gid://shopify/Customer/${n % 5000}`, email: null, firstName: "Ana", lastName: null },
    lines: [
      {
        id: `gid://shopify/LineItem/${9_000_000_000 + n}`,
        variantId: "gid://shopify/ProductVariant/1",
        title: "Mug",
        sku: null,
        quantity: 1,
        unfulfilledQuantity: 1,
        unitPrice: { amount: "12.00", currencyCode: "USD" },
      },
    ],
    fulfillments: [],
    totalPrice: { amount: "12.00", currencyCode: "USD" },
  };
}

function fill(file: string, total: number) {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const insert = sqlite.prepare(
    `INSERT INTO "OrderRecord" (shop, orderId, name, customerId, state, sourceUpdatedAt, dueAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const future = iso(new Date(NOW.getTime() + 3 * 86_400_000));
  const stamp = iso(NOW);
  // Orders paid 10 days ago are late (due now); the others were paid today and are due later.
  const late = JSON.stringify(order(0, 10));
  const fresh = JSON.stringify(order(0, 0));
  const step = Math.floor(total / DUE);
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const isDue = n % step === 0 && n / step < DUE;
      const state = (isDue ? late : fresh).replaceAll("5000000000", String(5_000_000_000 + n));
      insert.run("bench.myshopify.com", `gid://shopify/Order/${5_000_000_000 + n}`, `#${1000 + n}`, null, state, stamp, isDue ? iso(new Date(NOW.getTime() - 60_000)) : future, stamp);
    }
  });
  for (let from = 0; from < total; from += 100_000) batch(from, Math.min(total, from + 100_000));
  sqlite.close();
}

async function measure(total: number) {
  const file = path.join(TMP, `sweep-${total}.sqlite`);
  copyFileSync(path.join(TMP, "base.sqlite"), file);
  const t0 = performance.now();
  fill(file, total);
  const fillSeconds = (performance.now() - t0) / 1000;
  const db = createDatabase(`file:${file}`);
  const start = performance.now();
  const result = await sweepDueOrders(db, NOW);
  const seconds = (performance.now() - start) / 1000;
  await db.$disconnect();
  const size = statSync(file).size;
  rmSync(file, { force: true });
  return { total, fillSeconds, seconds, ...result, sizeMb: size / 1e6 };
}

async function main() {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  // @ts-expect-error -- plain ESM script without declarations
  const { migrate } = (await import("../scripts/prisma.mjs")) as { migrate: (url: string) => Promise<void> };
  const base = `file:${path.join(TMP, "base.sqlite")}`;
  await migrate(base);
  // The shop with its profile as Amends stores it at install: without a time zone the sweep
  // defers every order for an hour instead of checking it (sweep.server.ts).
  const setup = createDatabase(base);
  await setup.shop.create({ data: { domain: "bench.myshopify.com", currencyCode: "USD", timeZone: "America/New_York" } });
  await setup.$disconnect();
  const rows = [];
  for (const total of SIZES) rows.push(await measure(total));
  console.log(`\nDue sweep — ${DUE} due orders among N stored (SQLite, WAL)`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}\n`);
  console.log("| orders stored | due | checked | incidents opened | sweep s | orders/s | time vs first |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const first = rows[0];
  for (const r of rows) {
    console.log(
      `| ${r.total.toLocaleString("en")} | ${DUE} | ${r.checked} | ${r.opened.length} | ${r.seconds.toFixed(2)} | ${(r.checked / r.seconds).toFixed(0)} | ${first ? (r.seconds / first.seconds).toFixed(2) : "1.00"} |`,
    );
  }
  rmSync(TMP, { recursive: true, force: true });
  // A sweep that opened fewer incidents than orders were due measured something else.
  const short = rows.filter((r) => r.opened.length !== DUE || r.failed.length > 0);
  if (short.length > 0) throw new Error(`the sweep did not open an incident for every due order: ${short.map((r) => `${r.opened.length} of ${DUE} among ${r.total}`).join(", ")}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
