// Structured logs: one JSON line per event with shop, topic, event id, incident id as fields.
import { pino } from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "amends" },
  redact: ["accessToken", "*.accessToken", "headers.authorization"],
});

export type Logger = typeof logger;
