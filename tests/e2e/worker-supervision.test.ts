// kill -9 of the webhook worker under the production server (the production build, the real
// worker process): /healthz says the worker is down while it is, webhooks are still received
// and stored meanwhile, the supervisor starts the worker again, /healthz is healthy again, and
// the delivery that arrived while it was down is acted on, as is the one the killed worker had in
// hand (released at once by its successor, not five minutes later when its claim expires).
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { createDatabase } from "../../app/db.server";
import type { HealthReport } from "../../app/health.server";
import { orderPayload, webhookHeaders } from "../fixtures/webhooks";
import type { RunningServer } from "./app-server";
import { startServer } from "./app-server";

const SHOP = "e2e-supervision.myshopify.com";
// The app's secret in the test configuration (vitest.config.ts).
const SECRET = "test-api-secret";

describe("the webhook worker under supervision", () => {
  let app: RunningServer;
  let db: Database;

  beforeAll(async () => {
    db = createDatabase(process.env.DATABASE_URL ?? "");
    await db.shop.create({
      data: { domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" },
    });
    // Long enough that the test sees the worker down before it is back.
    process.env.AMENDS_WORKER_RESTART_MS = "3000";
    app = await startServer(SHOP, { worker: true });
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await db?.$disconnect();
  });

  async function health() {
    const response = await fetch(`${app.base}/healthz`);
    const body = await response.text();
    return { status: response.status, body, report: JSON.parse(body) as HealthReport };
  }

  async function deliver(name: string) {
    const body = JSON.stringify(orderPayload({ admin_graphql_api_id: `gid://shopify/Order/${Date.now()}`, name }));
    const eventId = randomUUID();
    const response = await fetch(`${app.base}/webhooks`, {
      method: "POST",
      headers: webhookHeaders({ topic: "orders/create", shop: SHOP, body, secret: SECRET, eventId }),
      body,
    });
    return { status: response.status, eventId };
  }

  /** Waits (not a timed assertion: the deadline only ends a hung test) for the delivery's status. */
  async function settled(eventId: string): Promise<string | undefined> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await db.webhookDelivery.findFirst({ where: { shop: SHOP, eventId }, select: { status: true } });
      if (row?.status !== "received" && row?.status !== "processing") return row?.status;
      if (Date.now() > deadline) return row.status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("is restarted after kill -9; /healthz is unhealthy while it is down and healthy after", async () => {
    const supervisor = app.worker;
    if (!supervisor?.process) throw new Error("the server started no worker");
    const before = await health();
    expect(before.status).toBe(200);
    expect(before.report.checks.worker?.ok).toBe(true);

    const killed = supervisor.process.pid;
    if (killed === undefined) throw new Error("the worker has no pid");
    const exited = once(supervisor.events, "exit");
    const back = once(supervisor.events, "ready");
    process.kill(killed, "SIGKILL");
    const [exit] = (await exited) as [{ pid: number; signal: string }];
    expect(exit).toMatchObject({ pid: killed, signal: "SIGKILL" });

    const down = await health();
    expect(down.status).toBe(503);
    expect(down.report.failed).toEqual(["worker"]);
    // Meanwhile the intake answers Shopify and stores what it sends.
    const during = await deliver("#6001");
    expect(during.status).toBe(200);
    expect(await db.webhookDelivery.count({ where: { shop: SHOP, eventId: during.eventId } })).toBe(1);
    // What the killed worker had in hand when it died, as its claim records it.
    const inHand = await deliver("#6002");
    await db.webhookDelivery.updateMany({
      where: { shop: SHOP, eventId: inHand.eventId },
      data: { status: "processing", attempts: 1, claimedAt: new Date(), claimedBy: `${hostname()}:${killed}` },
    });

    await back;
    expect(supervisor.process?.pid).not.toBe(killed);
    expect(supervisor.running()).toBe(true);
    const after = await health();
    expect(after.status).toBe(200);
    expect(after.report).toMatchObject({ status: "ok", failed: [] });
    expect(await settled(during.eventId)).toBe("processed");
    expect(await settled(inHand.eventId)).toBe("processed");
  });
});
