// Prometheus metrics (GET /metrics). One registry for the process.
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const webhookDeliveries = new Counter({
  name: "amends_webhook_deliveries_total",
  help: "Webhook deliveries by topic and outcome (stored, forged, bad_request, storage_error, processed, invalid, failed, duplicate, stale).",
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

export const dueSweepFailures = new Counter({
  name: "amends_due_sweep_failures_total",
  help: "Orders the due sweep could not check (logged with shop and order, skipped, looked at again later).",
  registers: [registry],
});
