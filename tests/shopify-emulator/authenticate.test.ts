// The emulator's webhooks are signed exactly as Shopify signs them: Shopify's own
// `authenticate.webhook` (@shopify/shopify-app-remix, through app/shopify.server.ts) accepts
// them, and rejects one whose body was altered on the way.
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { authenticate } from "../../app/shopify.server";
import type { RunningEmulator } from "./index";
import { seedDemoShop, startEmulator } from "./index";

const SHOP = "auth-shop.myshopify.com";
const SECRET = process.env.SHOPIFY_API_SECRET ?? "";

describe("emulator webhooks through authenticate.webhook", () => {
  let app: Server;
  let emu: RunningEmulator;
  let tamper = false;
  const seen: { status: number; topic: string | null }[] = [];

  beforeAll(async () => {
    app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let body = Buffer.concat(chunks).toString("utf8");
        if (tamper) body = body.replace(/"name":"[^"]*"/, '"name":"#TAMPERED"');
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: "POST", headers, body });
        authenticate.webhook(request).then(
          (context) => {
            seen.push({ status: 200, topic: context.topic });
            res.writeHead(200).end();
          },
          (thrown: unknown) => {
            const status = thrown instanceof Response ? thrown.status : 500;
            seen.push({ status, topic: null });
            res.writeHead(status).end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    emu = await startEmulator({
      webhooks: {
        appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
        secret: SECRET,
        maxAttempts: 1,
      },
    });
    seedDemoShop(emu.store, { shop: SHOP, seed: 7 });
  });

  afterAll(async () => {
    await emu.close();
    await new Promise((resolve) => app.close(resolve));
  });

  it("accepts a signed delivery and rejects a tampered one with 401", async () => {
    const order = emu.store.shop(SHOP).orders.values().next().value;
    if (!order) throw new Error("the seed made no orders");
    emu.store.emit({ topic: "orders/updated", shop: SHOP, subject: { kind: "order", orderId: order.id } });
    await emu.webhooks.idle();
    tamper = true;
    emu.store.emit({ topic: "orders/updated", shop: SHOP, subject: { kind: "order", orderId: order.id } });
    await emu.webhooks.idle();
    expect(seen).toEqual([
      { status: 200, topic: "ORDERS_UPDATED" },
      { status: 401, topic: null },
    ]);
  });
});
