// `npm run worker`: the webhook worker started alone (no server over it, no IPC) runs until it
// is told to stop, acts on what the intake stored, and stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { databaseFor } from "../../tests/support/databases";
import { installedShops, markInstalled } from "../../tests/support/installed-shops";
import { openDeliveryStore } from "../webhooks/delivery-store.server";
import { WebhookIntake } from "../webhooks/intake.server";
import { webhookSignature } from "../webhooks/verify";

const root = path.resolve(import.meta.dirname, "../..");

describe("the webhook worker on its own (npm run worker)", () => {
  it("keeps running, processes stored deliveries, and exits 0 on SIGTERM", async () => {
    const url = process.env.DATABASE_URL ?? "";
    const db = databaseFor(url);
    const shop = `worker-${randomUUID().slice(0, 8)}.myshopify.com`;
    await markInstalled(db, shop);
    const store = openDeliveryStore(url);
    const intake = new WebhookIntake({ store, secret: "worker-secret", shops: installedShops(db) });
    // Stored, and not what Shopify documents: the worker marks it invalid, with the reason.
    const body = '{"not":"an order"';
    const answer = await intake.receive({
      method: "POST",
      body: Buffer.from(body),
      header: (name) =>
        ({
          "x-shopify-topic": "orders/create",
          "x-shopify-hmac-sha256": webhookSignature(body, "worker-secret"),
          "x-shopify-shop-domain": shop,
          "x-shopify-webhook-id": randomUUID(),
        })[name.toLowerCase()],
    });
    await store.close();
    expect(answer.status).toBe(200);

    const worker = spawn(process.execPath, ["--import", "tsx", "app/server/worker.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, SHOPIFY_API_SECRET: "worker-secret", LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    worker.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(worker, "exit");
    try {
      const deadline = Date.now() + 30_000;
      let status = "received";
      // "processing" while its batch is claimed, then the outcome.
      while ((status === "received" || status === "processing") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await db.webhookDelivery.findFirstOrThrow({ where: { shop } })).status;
      }
      expect(status, stderr).toBe("invalid");
      // Still running: nothing but SIGTERM ends it.
      expect(worker.exitCode).toBeNull();
    } finally {
      worker.kill("SIGTERM");
    }
    const [code] = (await exited) as [number | null];
    expect(code, stderr).toBe(0);
  });
});
