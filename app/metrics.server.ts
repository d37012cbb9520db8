// Prometheus metrics (GET /metrics). One registry for the process.
import { createHash, timingSafeEqual } from "node:crypto";

import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

import { env } from "./env.server";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const webhookDeliveries = new Counter({
  name: "amends_webhook_deliveries_total",
  help: "Webhook deliveries by topic (a subscribed topic, or \"other\": a label is never taken from an unauthenticated request) and outcome (stored, forged, bad_request, unknown_shop, shop_mismatch, storage_error, processed, invalid, failed, duplicate, stale).",
  labelNames: ["topic", "outcome"] as const,
  registers: [registry],
});

export const processingLag = new Histogram({
  name: "amends_webhook_processing_lag_seconds",
  help: "Time from receiving a delivery to having acted on it.",
  labelNames: ["topic"] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [registry],
});

export const incidentsOpened = new Counter({
  name: "amends_incidents_opened_total",
  help: "Incidents opened, by kind.",
  labelNames: ["kind"] as const,
  registers: [registry],
});

export const remediations = new Counter({
  name: "amends_remediations_total",
  help: "Remedies carried out on Shopify, by action and outcome (succeeded, reused, failed).",
  labelNames: ["action", "outcome"] as const,
  registers: [registry],
});

export const moneyRefunded = new Counter({
  name: "amends_money_refunded_total",
  help: "Money refunded by Amends, in the shop's currency.",
  labelNames: ["currency"] as const,
  registers: [registry],
});

export const adminApiPoints = new Counter({
  name: "amends_admin_api_points_total",
  help: "Admin API cost points used (Shopify's actualQueryCost), by operation.",
  labelNames: ["operation"] as const,
  registers: [registry],
});

export const adminApiThrottleWaits = new Counter({
  name: "amends_admin_api_throttle_wait_seconds_total",
  help: "Seconds spent waiting for the Admin API's rate limit (pacing and THROTTLED retries).",
  registers: [registry],
});

/**
 * Whether a request may read /metrics: `Authorization: Bearer <METRICS_TOKEN>`. The metrics
 * show money refunded and the shops' activity, so without a token configured nobody may; demo
 * mode (a local demonstration, never production) leaves them open.
 */
export function metricsAccess(authorization: string | null | undefined): boolean {
  const config = env();
  if (config.AMENDS_DEMO) return true;
  if (!config.METRICS_TOKEN || !authorization?.startsWith("Bearer ")) return false;
  const given = createHash("sha256").update(authorization.slice("Bearer ".length)).digest();
  const expected = createHash("sha256").update(config.METRICS_TOKEN).digest();
  return timingSafeEqual(given, expected);
}
export const dueSweepFailures = new Counter({
  name: "amends_due_sweep_failures_total",
  help: "Orders the due sweep could not check (logged with shop and order, skipped, looked at again later).",
  registers: [registry],
});
