// GET /healthz: is the database reachable? GET /metrics: Prometheus text.
import { db } from "./db.server";
import { registry } from "./metrics.server";

export async function healthCheck(): Promise<{ status: number; body: string }> {
  try {
    await db().$queryRawUnsafe("SELECT 1");
    return { status: 200, body: JSON.stringify({ status: "ok", database: "reachable" }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 503, body: JSON.stringify({ status: "unavailable", database: message }) };
  }
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
