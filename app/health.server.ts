// GET /healthz: is the database reachable? GET /metrics: Prometheus text.
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import { AggregatorRegistry } from "prom-client";

import { db } from "./db.server";
import { registry } from "./metrics.server";

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

export async function healthCheck(): Promise<{ status: number; body: string }> {
  try {
    await db().$queryRawUnsafe("SELECT 1");
    return { status: 200, body: JSON.stringify({ status: "ok", database: "reachable" }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 503, body: JSON.stringify({ status: "unavailable", database: message }) };
  }
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
