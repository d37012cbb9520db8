// GET /healthz's checks (app/health.server.ts) against real databases: a database that answers
// reads but takes no write is unhealthy (a write lock held elsewhere on SQLite, a read-only
// PostgreSQL session); a delivery that waited too long to be acted on is; a worker that is down
// is. The answer names each failed check in plain words and never carries the database's error
// text, which goes to the log.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";

import Sqlite from "better-sqlite3";
import { pino } from "pino";
import { afterAll, describe, expect, inject, it } from "vitest";

import type { Database } from "../app/db.server";
import { createDatabase } from "../app/db.server";
import type { HealthOptions, HealthReport } from "../app/health.server";
import { healthCheck } from "../app/health.server";
import { openDeliveryStore } from "../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../app/webhooks/intake.server";
import { installedShops, markInstalled } from "./support/installed-shops";
import { databaseFor } from "./support/databases";
import { orderPayload, webhookHeaders } from "./fixtures/webhooks";

const SECRET = "health-secret";
const MINUTE = 60_000;

/** A logger whose lines the test reads: where the database's own words must go. */
function capturedLog() {
  const lines: string[] = [];
  const log = pino({ level: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
  return { log, text: () => lines.join("\n") };
}

async function check(options: HealthOptions) {
  const { status, body } = await healthCheck({ backlogMaxAgeMs: 10 * MINUTE, ...options });
  return { status, body, report: JSON.parse(body) as HealthReport };
}

const sqliteUrl = () => process.env.DATABASE_URL ?? "";

describe("health on SQLite", () => {
  const db: Database = databaseFor(sqliteUrl());
  const store = openDeliveryStore(sqliteUrl());
  const intake = new WebhookIntake({ store, secret: SECRET, shops: installedShops(db) });
  const shop = `health-${randomUUID().slice(0, 8)}.myshopify.com`;
  afterAll(() => store.close());

  async function receive() {
    await markInstalled(db, shop);
    const body = JSON.stringify(orderPayload({ name: "#5001" }));
    const headers = webhookHeaders({ topic: "orders/create", shop, body, secret: SECRET });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect((await intake.receive({ method: "POST", header: (n) => lower[n.toLowerCase()], body: Buffer.from(body) })).status).toBe(200);
    return db.webhookDelivery.findFirstOrThrow({ where: { shop, eventId: lower["x-shopify-event-id"] } });
  }

  it("is healthy when the database takes a write and nothing waits too long", async () => {
    const { status, report } = await check({ db, workerRunning: true });
    expect(status).toBe(200);
    expect(report).toMatchObject({ status: "ok", failed: [] });
    expect(Object.keys(report.checks).sort()).toEqual(["backlog", "database", "worker"]);
  });

  it("is unhealthy once a delivery has waited longer than the limit, and not for one waiting for its retry", async () => {
    const delivery = await receive();
    const after = (ms: number) => new Date(delivery.receivedAt.getTime() + ms);
    expect((await check({ db, now: after(9 * MINUTE) })).status).toBe(200);

    const late = await check({ db, now: after(11 * MINUTE) });
    expect(late.status).toBe(503);
    expect(late.report.failed).toEqual(["backlog"]);
    expect(late.report.checks.backlog?.detail).toBe("A webhook delivery has waited 11 minutes to be acted on (the limit is 10 minutes).");

    // It failed once and waits for its retry: not overdue until that time has come and gone.
    await db.webhookDelivery.update({ where: { id: delivery.id }, data: { attempts: 1, nextAttemptAt: after(8 * MINUTE) } });
    expect((await check({ db, now: after(11 * MINUTE) })).status).toBe(200);
    expect((await check({ db, now: after(19 * MINUTE) })).status).toBe(503);

    await db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "processed", processedAt: after(12 * MINUTE) } });
    expect((await check({ db, now: after(60 * MINUTE) })).status).toBe(200);
  });

  it("is unhealthy while the database cannot be written, though it still answers reads", async () => {
    // Another process holds SQLite's write lock (a stuck writer, a backup tool).
    const other = new Sqlite(sqliteUrl().replace(/^file:/, ""));
    other.exec("BEGIN IMMEDIATE; INSERT INTO HealthProbe (id, checkedAt) VALUES ('other', 0)");
    try {
      await expect(db.webhookDelivery.count()).resolves.toBeTypeOf("number");
      const { log, text } = capturedLog();
      const { status, body, report } = await check({ db, log, workerRunning: true });
      expect(status).toBe(503);
      expect(report.failed).toEqual(["database"]);
      expect(report.checks.database?.detail).toBe("Amends cannot write to its database; the error is in the app's log.");
      expect(body).not.toMatch(/locked|sqlite|busy|\.sqlite|prisma/i);
      expect(text()).toMatch(/database is locked|SQLITE_BUSY/i);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect((await check({ db })).status).toBe(200);
  });

  it("says the worker is down when its supervisor says so", async () => {
    const { status, report } = await check({ db, workerRunning: false });
    expect(status).toBe(503);
    expect(report.failed).toEqual(["worker"]);
    expect(report.checks.worker?.detail).toMatch(/^The webhook worker is not running; it is being restarted\./);
  });
});

describe.skipIf(!inject("postgresUrl"))("health on PostgreSQL", () => {
  const url = inject("postgresUrl") ?? "";
  const opened: Database[] = [];
  const open = (connection: string) => {
    const client = createDatabase(connection);
    opened.push(client);
    return client;
  };
  afterAll(() => Promise.all(opened.map((client) => client.$disconnect())));

  it("is unhealthy on a read-only session, without the server's words", async () => {
    const readOnly = new URL(url);
    readOnly.searchParams.set("options", "-c default_transaction_read_only=on");
    const db = open(readOnly.toString());
    expect(await db.$queryRawUnsafe("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    const { log, text } = capturedLog();
    const { status, body, report } = await check({ db, log });
    expect(status).toBe(503);
    expect(report.failed).toEqual(["database"]);
    expect(body).not.toMatch(/read-only|transaction|postgres|amends_test/i);
    expect(text()).toMatch(/read-only transaction/);
  });

  it("does not tell the public where the database is when it cannot be reached", async () => {
    const { log, text } = capturedLog();
    const { status, body, report } = await check({ db: open("postgresql://amends:secret@127.0.0.1:1/amends"), log });
    expect(status).toBe(503);
    expect(report.failed).toEqual(["database"]);
    expect(body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|amends:secret|:1\b/);
    expect(text()).toMatch(/ECONNREFUSED|connect|reach/i);
  });

  it("is healthy when it takes a write", async () => {
    expect((await check({ db: open(url), backlogMaxAgeMs: 365 * 24 * 60 * MINUTE })).status).toBe(200);
  });
});
