// What the server (worker-process.ts) and its webhook worker process (worker.ts) say over IPC.
import type { MetricsSnapshot } from "../health.server";

/** Server → worker. "kick": deliveries were stored; "pause"/"resume": the intake is (no
 * longer) saturated; "sweep": run the due sweep now; metrics: send your metrics back. */
export type ToWorker = "kick" | "pause" | "resume" | "sweep" | { type: "metrics"; id: number };

/** Worker → server. "ready" once it is up. */
export type FromWorker =
  | "ready"
  | { type: "swept"; error?: string }
  | { type: "metrics"; id: number; metrics: MetricsSnapshot };

export function isMetricsRequest(message: unknown): message is { type: "metrics"; id: number } {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "metrics";
}
