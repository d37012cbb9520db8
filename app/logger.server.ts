// Structured logs: one JSON line per event with shop, topic, event id, incident id as fields.
import { pino } from "pino";

/** Credentials never reach a log line, at the top of what is logged or one level down (a
 * session, a request's headers): Shopify tokens, refresh tokens, bearer and HMAC headers. */
export const REDACTED = [
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-shopify-access-token"]',
  '*.headers["x-shopify-access-token"]',
  'headers["x-shopify-hmac-sha256"]',
  '*.headers["x-shopify-hmac-sha256"]',
];

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "amends" },
  redact: REDACTED,
});

export type Logger = typeof logger;
