// The Analytics page in Chromium: charts drawn from the database's figures, the CSV download,
// and the page at desktop and phone width (screenshots in tests/.tmp for a person to look at).
import { readFileSync } from "node:fs";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase } from "../../app/db.server";
import { seedIncidents } from "../support/seed-incidents";
import type { RunningAdmin } from "./app-server";
import { chromiumAvailable, startAdmin } from "./app-server";

const SHOP = "e2e-analytics.myshopify.com";
const COUNT = 400;

describe.skipIf(!chromiumAvailable)("Analytics in Chromium", () => {
  let admin: RunningAdmin;
  let browser: Browser;
  let base = "";

  beforeAll(async () => {
    const url = process.env.DATABASE_URL ?? "";
    const db = createDatabase(url);
    await db.shop.create({
      data: { domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" },
    });
    await db.$disconnect();
    // 400 incidents, one an hour, the newest an hour ago: all within the default 30 days.
    await seedIncidents(url.replace(/^file:/, ""), { shop: SHOP, count: COUNT, newest: new Date(Date.now() - 3_600_000), spacingMinutes: 60 });
    admin = await startAdmin(SHOP);
    ({ browser, base } = admin);
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
  });

  it("draws the charts, shows the figures and downloads the CSV", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(error.message));
    const response = await page.goto(`${base}/app/analytics`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "Analytics" }).first().isVisible()).resolves.toBe(true);
    // The charts are SVG drawn by polaris-viz in the browser when they scroll into view.
    for (const chart of ["Incidents per day by kind", "Remedy cost per day", "By root cause: incidents", "By responsible party: incidents"]) {
      const box = page.locator(`[aria-label="${chart}"]`);
      await box.scrollIntoViewIfNeeded();
      await box.locator("svg").first().waitFor();
    }
    const figures = await page.locator("main, body").first().textContent();
    expect(figures).toContain(`Incidents${COUNT}`);
    // Every 2nd incident's first staff action came 90 minutes after it opened.
    expect(figures).toContain("Median time to first action1 h 30 min");
    expect(figures).toContain("Median time to resolution6 h");
    // Refunds: every 3rd of 400 at 12,50 € = 134 × 12,50 = 1675 €, in Spanish.
    expect(figures).toMatch(/Refunds1675,00\s€/);
    expect(figures).toContain("Amends does not know what they cost you");
    await page.screenshot({ path: "tests/.tmp/analytics-1280.png", fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download incidents as CSV" }).click()]);
    const file = await download.path();
    const csv = readFileSync(file, "utf8");
    const lines = csv.split("\r\n").filter(Boolean);
    expect(lines[0]).toContain("Created (Europe/Madrid)");
    expect(lines).toHaveLength(COUNT + 1);
    expect(download.suggestedFilename()).toMatch(/^amends-incidents-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/app/analytics`, { waitUntil: "networkidle" });
    for (const chart of ["Incidents per day by kind", "Remedy cost per day", "By root cause: incidents", "By responsible party: incidents"]) {
      const box = page.locator(`[aria-label="${chart}"]`);
      await box.scrollIntoViewIfNeeded();
      await box.locator("svg").first().waitFor();
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "tests/.tmp/analytics-390.png", fullPage: true });

    // Dates the merchant typed wrongly: said so, and the default shown.
    await page.goto(`${base}/app/analytics?from=2026-12-01&to=2026-11-01`, { waitUntil: "networkidle" });
    await expect(page.getByText("The start date is after the end date").isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);
});
