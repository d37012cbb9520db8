// The admin in a real browser (Debian's Chromium, driven by playwright-core): the production
// build on the production server, in demo mode, showing incidents and deliveries that need
// the merchant's attention, with no console errors.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase } from "../../app/db.server";
import { recordFinding } from "../../app/models/incident.server";
import type { RunningAdmin } from "./app-server";
import { chromiumAvailable, startAdmin } from "./app-server";

const SHOP = "e2e-demo.myshopify.com";
const available = chromiumAvailable;

describe.skipIf(!available)("admin pages in Chromium", () => {
  let admin: RunningAdmin;
  let browser: Browser;
  let base = "";

  beforeAll(async () => {
    const db = createDatabase(process.env.DATABASE_URL ?? "");
    // A Spanish shop: its dates are shown in Madrid's time, written in Spanish.
    await db.shop.create({
      data: { domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" },
    });
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
    await db.dataRequest.create({
      data: {
        id: "dr-1",
        shop: SHOP,
        customerId: "gid://shopify/Customer/1",
        email: "ava@example.com",
        ordersAsked: ["820982911946154508"],
        report: { customer: { email: "ava@example.com" }, incidents: [{ order: "#1042", kind: "stock_out_cancellation" }] },
      },
    });
    await db.$disconnect();

    admin = await startAdmin(SHOP);
    ({ browser, base } = admin);
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
  });

  it("lists incidents and the deliveries Amends could not act on, and works an incident", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    const response = await page.goto(`${base}/app`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Incidents" }).first().isVisible()).resolves.toBe(true);
    const row = page.getByRole("row", { name: /#1042/ });
    await expect(row.textContent()).resolves.toMatch(/Ava Chen.*Stock-out cancellation.*Found by Amends.*Open.*Your store/);
    // Due 2026-11-21T10:00Z: 11:00 in Madrid, in Spanish; not the server's or the browser's zone.
    await expect(row.textContent()).resolves.toContain("21 nov 2026, 11:00");
    await expect(page.getByText("Webhooks Amends could not act on").isVisible()).resolves.toBe(true);
    await expect(page.getByText(/orders\/create \(invalid.*not valid JSON/).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: "tests/.tmp/admin-incidents.png", fullPage: true });

    // A customer's data request, ready for the merchant to send on.
    await expect(page.getByText("Customer data requests").isVisible()).resolves.toBe(true);
    const download = await page.request.get(`${base}/app/data-requests/dr-1`);
    expect(download.headers()["content-disposition"]).toContain("attachment");
    await expect(download.json()).resolves.toMatchObject({ shop: SHOP, incidents: [{ order: "#1042" }] });

    // The incident's page: what went wrong and its timeline, with the merchant's actions.
    await page.getByRole("link", { name: "#1042" }).click();
    await page.waitForURL(/\/app\/incidents\//);
    await page.getByText("#1042 was cancelled because items were out of stock", { exact: true }).first().waitFor();
    await expect(page.getByRole("button", { name: "Review and approve" }).isVisible()).resolves.toBe(true);
    // The order's money and parcels, read from Shopify (not installed here: the page says so).
    await expect(page.getByRole("heading", { name: "The order: items, payments, refunds and fulfilments" }).isVisible()).resolves.toBe(true);
    await expect(page.getByText("Respond by 21 nov 2026, 11:00").isVisible()).resolves.toBe(true);

    // A dismissal needs a reason: the field says so, and nothing changes.
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.getByText("Say why, in a few words").waitFor();

    // The merchant records the root cause and who was responsible; the timeline shows it.
    await page.getByLabel("Owner").selectOption("Sam Rivera");
    await page.getByLabel("Root cause").selectOption("inventory_out_of_sync");
    await page.getByLabel("Responsible").selectOption("warehouse");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Set owner: Sam Rivera, root cause: inventory out of sync, responsible party: Any warehouse or 3PL.").waitFor();
    await page.screenshot({ path: "tests/.tmp/admin-incident.png", fullPage: true });

    await page.getByLabel("Reason to dismiss").fill("Customer already re-ordered");
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.getByText("Dismissed: Customer already re-ordered").waitFor();
    await expect(page.getByRole("button", { name: "Review and approve" }).count()).resolves.toBe(0);
    expect(errors.filter((e) => !e.includes("422"))).toEqual([]);
  });

  // Polaris changed the page's scrollbar colour on html:hover; being inherited, that restyled
  // every element of the page when the pointer came in, in the way of the first click.
  it("keeps the page's styles as they are when the pointer comes onto the page", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/app`, { waitUntil: "networkidle" });
    const colours = () => page.evaluate(() => [getComputedStyle(document.documentElement).scrollbarColor, getComputedStyle(document.body).scrollbarColor]);
    const outside = await colours();
    await page.getByRole("heading", { name: "Incidents" }).first().hover();
    await expect(page.evaluate(() => document.documentElement.matches(":hover"))).resolves.toBe(true);
    await expect(colours()).resolves.toEqual(outside);
    // The thumb is drawn as Polaris draws it under the pointer, not in the page's background colour.
    const [thumb, track] = (outside[0] ?? "").split(/ (?=rgb)/);
    expect(thumb).not.toEqual(track);
    await page.close();
  });
});
