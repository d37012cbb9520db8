// The admin in a real browser (Debian's Chromium, driven by playwright-core): the production
// build on the production server, in demo mode, showing incidents and deliveries that need
// the merchant's attention, with no console errors.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Server } from "node:http";

import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase } from "../../app/db.server";
import { recordFinding } from "../../app/models/incident.server";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOP = "e2e-demo.myshopify.com";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium is required in CI (${CHROMIUM}); .ci/run installs it`);

describe.skipIf(!available)("admin pages in Chromium", () => {
  let server: Server;
  let close: () => Promise<void>;
  let browser: Browser;
  let base = "";

  beforeAll(async () => {
    Object.assign(process.env, { AMENDS_DEMO: "true", AMENDS_DEMO_SHOP: SHOP, AMENDS_WORKER: "off", NODE_ENV: "test" });
    // The production build, exactly as `npm run build` makes it.
    const build = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], {
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);

    const db = createDatabase(process.env.DATABASE_URL ?? "");
    await recordFinding(
      db,
      SHOP,
      {
        kind: "stock_out_cancellation",
        orderId: "gid://shopify/Order/820982911946154508",
        orderName: "#1042",
        customerId: "gid://shopify/Customer/1",
        lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 1 }],
        evidence: { cancelReason: "INVENTORY" },
        responsibleParty: "store",
        responseDeadline: "2026-11-21T10:00:00Z",
        summary: "#1042 was cancelled because items were out of stock",
      },
      "rule:stock_out_cancellation",
      { email: "ava@example.com", name: "Ava Chen" },
    );
    await db.webhookDelivery.create({
      data: { id: "bad-1", shop: SHOP, topic: "orders/create", webhookId: "w", eventId: "e", payload: "{", status: "invalid", error: "The body is not valid JSON" },
    });
    await db.$disconnect();

    // @ts-expect-error -- plain ESM script without declarations
    const started = (await import("../../scripts/server.mjs")) as {
      createServer: () => Promise<{ server: Server; close: () => Promise<void> }>;
    };
    ({ server, close } = await started.createServer());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it("lists incidents and the deliveries Amends could not act on", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    const response = await page.goto(`${base}/app`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Incidents" }).first().isVisible()).resolves.toBe(true);
    const row = page.getByRole("row", { name: /#1042/ });
    await expect(row.textContent()).resolves.toMatch(/Stock-out cancellation.*open.*Ava Chen.*store/);
    await expect(page.getByText("Webhooks Amends could not act on").isVisible()).resolves.toBe(true);
    await expect(page.getByText(/orders\/create \(invalid.*not valid JSON/).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: "tests/.tmp/admin-incidents.png", fullPage: true });
    expect(errors).toEqual([]);
  });
});
