// GET /healthz: can Amends do its job? 200 when the database takes a write, the webhook worker
// runs, and no delivery has waited too long to be acted on; otherwise 503, naming each failed
// check in plain words. The database's own error text goes to the log, never into the answer
// (it is public, and names files, hosts and users). GET /metrics: Prometheus text.
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import { AggregatorRegistry } from "prom-client";

import type { Database } from "./db.server";
import { db as appDatabase } from "./db.server";
import { env } from "./env.server";
import type { Logger } from "./logger.server";
import { logger } from "./logger.server";
import { registry } from "./metrics.server";
import { oldestOverdueDelivery } from "./models/delivery.server";

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

export interface HealthOptions {
  db?: Database;
  log?: Logger;
  now?: Date;
  /** Whether the webhook worker process is up, as its supervisor (app/server/app-server.ts) knows;
   * omitted where no worker is supervised here (another host's, or one in this process). */
  workerRunning?: boolean;
  /** HEALTH_BACKLOG_MAX_AGE_SECONDS, in ms. */
  backlogMaxAgeMs?: number;
}

export interface HealthReport {
  status: "ok" | "unhealthy";
  /** The name of each check that failed. */
  failed: string[];
  checks: Record<string, { ok: boolean; detail: string }>;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} minute${Math.round(ms / 60_000) === 1 ? "" : "s"}`;

export async function healthCheck(options: HealthOptions = {}): Promise<{ status: number; body: string }> {
  const database = options.db ?? appDatabase();
  const log = options.log ?? logger;
  const now = options.now ?? new Date();
  const limit = options.backlogMaxAgeMs ?? env().HEALTH_BACKLOG_MAX_AGE_SECONDS * 1000;
  const checks: HealthReport["checks"] = {};

  let writable = false;
  try {
    // A real write, of one row: reads keep working on a disk that is full, read-only or locked.
    await database.healthProbe.upsert({
      where: { id: "healthz" },
      create: { id: "healthz", checkedAt: now },
      update: { checkedAt: now },
    });
    writable = true;
    checks.database = { ok: true, detail: "Amends can write to its database." };
  } catch (error) {
    log.error({ err: error }, "health check: the database cannot be written");
    checks.database = { ok: false, detail: "Amends cannot write to its database; the error is in the app's log." };
  }

  if (options.workerRunning !== undefined) {
    checks.worker = options.workerRunning
      ? { ok: true, detail: "The webhook worker is running." }
      : { ok: false, detail: "The webhook worker is not running; it is being restarted. Webhooks are still received and stored." };
  }

  if (writable) {
    try {
      const overdue = await oldestOverdueDelivery(database, new Date(now.getTime() - limit));
      checks.backlog = overdue
        ? {
            ok: false,
            detail: `A webhook delivery has waited ${minutes(now.getTime() - overdue.getTime())} to be acted on (the limit is ${minutes(limit)}).`,
          }
        : { ok: true, detail: `No webhook delivery has waited more than ${minutes(limit)} to be acted on.` };
    } catch (error) {
      log.error({ err: error }, "health check: could not read the delivery backlog");
      checks.backlog = { ok: false, detail: "Amends could not read its webhook backlog; the error is in the app's log." };
    }
  }

  const failed = Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  const report: HealthReport = { status: failed.length === 0 ? "ok" : "unhealthy", failed, checks };
  return { status: failed.length === 0 ? 200 : 503, body: JSON.stringify(report) };
}

/** This process's metrics, for another process to merge (the webhook worker's reach the
 * server's /metrics this way). */
export function metricsSnapshot(): Promise<MetricsSnapshot> {
  return registry.getMetricsAsJSON();
}

/** This process's metrics, merged with other processes' snapshots (counters are summed). */
export async function metricsText(others: MetricsSnapshot[] = []): Promise<{ contentType: string; body: string }> {
  if (others.length === 0) return { contentType: registry.contentType, body: await registry.metrics() };
  const merged = AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...others]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
