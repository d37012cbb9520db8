// The PostgreSQL job queue's scheduling, as the library keeps it: a remediation job per incident
// in its shop's own queue (one at a time per shop, other shops unaffected), urgent kinds first,
// and an incident queued twice still one job.
import { run } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Database } from "../../app/db.server";
import { createDatabase } from "../../app/db.server";
import type { BackgroundWork } from "../../app/jobs/background-work";
import { migrateJobQueue, postgresProducer, QUEUE_SCHEMA, queueLogger, TASKS } from "../../app/jobs/postgres-queue.server";
import { URGENCY_RANK, urgencyOf } from "../../app/remediation/policy";
import { logger } from "../../app/logger.server";
import { activeKey } from "../../app/models/incident.server";
import type { PrivatePostgres } from "../support/private-postgres";
import { privatePostgres } from "../support/private-postgres";

const postgresUrl = inject("postgresUrl");

describe.skipIf(!postgresUrl)("the PostgreSQL job queue", () => {
  let database: PrivatePostgres;
  let db: Database;
  let queue: BackgroundWork;

  beforeAll(async () => {
    database = await privatePostgres(postgresUrl ?? "", "jobs");
    db = createDatabase(database.url);
    await migrateJobQueue(database.url, logger);
    queue = postgresProducer({ url: database.url, db, log: logger });
  });

  afterAll(async () => {
    await queue?.stop();
    await db?.$disconnect();
    await database?.drop();
  });

  async function incident(shop: string, kind: string, order: number): Promise<string> {
    await db.shop.upsert({ where: { domain: shop }, create: { domain: shop, currencyCode: "EUR", timeZone: "Europe/Berlin" }, update: {} });
    const orderId = `gid://shopify/Order/${order}`;
    const row = await db.incident.create({
      data: { shop, kind, status: "open", activeKey: activeKey(shop, orderId, kind), orderId, orderName: `#${order}`, lines: [], evidence: {}, responseDeadline: new Date(Date.now() + 86_400_000) },
    });
    return row.id;
  }

  /** The job priority the queue gives an incident (lower runs first). */
  const priority = (kind: string, source = "detected") => URGENCY_RANK[urgencyOf({ kind, source })];

  const jobs = () =>
    db.$queryRawUnsafe<{ key: string; queue_name: string | null; priority: number }[]>(
      `SELECT key, queue_name, priority FROM "${QUEUE_SCHEMA}".jobs WHERE task_identifier = $1 ORDER BY key`,
      TASKS.remediate,
    );

  it("queues each incident once, in its shop's queue, stock-outs before late-parcel codes", async () => {
    const a = "queue-a.myshopify.com";
    const b = "queue-b.myshopify.com";
    const stockOut = await incident(a, "stock_out_cancellation", 1);
    const late = await incident(a, "late_delivery", 2);
    const other = await incident(b, "late_delivery", 3);
    queue.incidentsOpened(a, [late, stockOut]);
    queue.incidentsOpened(b, [other]);
    queue.incidentsOpened(a, [stockOut]); // a redelivery, the catch-up: the same job
    const expected = [
      { key: `remediate:${late}`, queue_name: `shop:${a}`, priority: priority("late_delivery") },
      { key: `remediate:${other}`, queue_name: `shop:${b}`, priority: priority("late_delivery") },
      { key: `remediate:${stockOut}`, queue_name: `shop:${a}`, priority: priority("stock_out_cancellation") },
    ].sort((x, y) => x.key.localeCompare(y.key));
    for (let i = 0; i < 200 && (await jobs()).length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await jobs()).toEqual(expected);
    expect(priority("stock_out_cancellation")).toBeLessThan(priority("late_delivery"));
    expect(priority("wrong_item", "customer")).toBeLessThan(priority("late_delivery"));

    // The library runs them (two at a time): the urgent job and shop B's first; shop A's late
    // parcel waits for A's queue, not for shop B.
    const log: { key: string; event: "start" | "end" }[] = [];
    const runner = await run({
      connectionString: database.url,
      concurrency: 2,
      noHandleSignals: true,
      pollInterval: 100,
      logger: queueLogger(logger),
      taskList: {
        [TASKS.remediate]: async (payload) => {
          const { incidentId } = payload as { incidentId: string };
          log.push({ key: incidentId, event: "start" });
          await new Promise((resolve) => setTimeout(resolve, 300));
          log.push({ key: incidentId, event: "end" });
        },
      },
    });
    try {
      for (let i = 0; i < 200 && log.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      await runner.stop();
    }
    const starts = log.filter((e) => e.event === "start").map((e) => e.key);
    expect(new Set(starts.slice(0, 2))).toEqual(new Set([stockOut, other]));
    expect(starts[2]).toBe(late);
    const lateStart = log.findIndex((e) => e.key === late && e.event === "start");
    const stockOutEnd = log.findIndex((e) => e.key === stockOut && e.event === "end");
    expect(lateStart, "shop A's jobs one at a time").toBeGreaterThan(stockOutEnd);
  });
});
