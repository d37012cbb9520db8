// The failed webhooks page in a real browser (the production build, demo mode): a delivery that
// failed after every retry is shown with its reason; Replay puts it back in line and says so;
// a second Replay of it is refused in words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { createDatabase } from "../../app/db.server";
import type { RunningAdmin } from "./app-server";
import { chromiumAvailable, startAdmin } from "./app-server";

const SHOP = "e2e-deliveries.myshopify.com";
const REASON = "Shopify did not answer (503 Service Unavailable)";

describe.skipIf(!chromiumAvailable)("failed webhooks page in Chromium", () => {
  let admin: RunningAdmin;
  let db: Database;

  beforeAll(async () => {
    db = createDatabase(process.env.DATABASE_URL ?? "");
    await db.shop.create({
      data: { domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" },
    });
    // As the processor leaves one after its last attempt (tests/delivery-retry.test.ts).
    await db.webhookDelivery.create({
      data: {
        id: "failed-delivery",
        shop: SHOP,
        topic: "orders/create",
        webhookId: "webhook-1",
        eventId: "event-1",
        payload: "{}",
        receivedAt: new Date("2026-11-20T09:30:00Z"),
        status: "failed",
        attempts: 5,
        error: REASON,
        processedAt: new Date("2026-11-20T11:00:00Z"),
      },
    });
    admin = await startAdmin(SHOP);
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
    await db?.$disconnect();
  });

  it("shows the reason and replays it once", async () => {
    const page = await admin.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    const response = await page.goto(`${admin.base}/app/deliveries`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await page.getByText(REASON).waitFor();
    await page.getByText("Tried 5 times").waitFor();
    // In the shop's zone and language: 10:30 in Madrid, written in Spanish.
    await page.getByText("20 nov 2026, 10:30").waitFor();

    // Two tabs on the same page, Replay pressed in each: one replay.
    const second = await admin.browser.newPage();
    await second.goto(`${admin.base}/app/deliveries`, { waitUntil: "networkidle" });
    await page.getByRole("button", { name: "Replay" }).click();
    await page.getByText("Amends is trying this webhook again.").waitFor();
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: "failed-delivery" } })).toMatchObject({ status: "received", attempts: 0 });

    // Not said to be acted on: it is listed as being tried again, with why it failed last.
    await page.getByText("No webhook has failed for good").waitFor();
    await page.getByText("Not acted on yet: being tried again").waitFor();
    await page.getByText(`being tried now. Last time: ${REASON}`).waitFor();

    await second.getByRole("button", { name: "Replay" }).click();
    await second.getByText("That webhook is no longer waiting for a replay").waitFor();
    await page.screenshot({ path: "tests/.tmp/admin-deliveries.png", fullPage: true });
    expect(errors).toEqual([]);
  });
});
