// The triage inbox in a real browser (the production build on the production server, demo
// mode) for a Spanish shop in Madrid: tabs with counts, the Overdue tab, a channel filter,
// search, paging, a bulk assignment and a bulk dismissal reported per incident; and at phone
// width (390 px) the condensed list with no sideways scrolling. Screenshots at 1280 and 390 px
// go to tests/e2e/artifacts/ (git-ignored) for a person to look at.
import { mkdirSync } from "node:fs";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase } from "../../app/db.server";
import type { RunningAdmin } from "./app-server";
import { chromiumAvailable, startAdmin } from "./app-server";

const SHOP = "e2e-inbox.myshopify.com";
const ARTIFACTS = "tests/e2e/artifacts";
const HOUR = 3_600_000;
const CHANNELS = ["detected", "order_page", "email", "phone", "chat", "social", "marketplace", "in_person"];
const KINDS = ["wrong_item", "damaged", "late_delivery", "missing_item", "lost"];
const NAMES = ["Lucía Fernández", "Jordi Puig", "Ana Martínez", "Pablo Ruiz", "Marta Gómez"];

describe.skipIf(!chromiumAvailable)("the triage inbox in Chromium", () => {
  let admin: RunningAdmin;
  let errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const db = createDatabase(process.env.DATABASE_URL ?? "");
    await db.shop.create({
      data: { domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" },
    });
    // 64 incidents, one an hour back from now: 6 waiting for approval, 24 open (4 of them past
    // their response time), 3 with a remedy under way, the rest resolved or dismissed; some
    // escalated, some owned.
    const now = Date.now();
    await db.incident.createMany({
      data: Array.from({ length: 64 }, (_, i) => {
        const status = i < 6 ? "awaiting_approval" : i < 30 ? "open" : i < 33 ? "remediating" : i % 5 === 0 ? "dismissed" : "resolved";
        return {
          shop: SHOP,
          kind: KINDS[i % KINDS.length] ?? "other",
          status,
          orderId: `gid://shopify/Order/${5000 + i}`,
          orderName: `#${1001 + i}`,
          customerName: NAMES[i % NAMES.length] ?? null,
          customerEmail: `cliente${i}@example.es`,
          lines: [],
          evidence: {},
          responsibleParty: ["store", "carrier", "warehouse", "supplier"][i % 4] ?? "unknown",
          owner: i % 6 === 0 ? "Marta" : null,
          source: CHANNELS[i % CHANNELS.length] ?? "detected",
          // Four open ones missed their response time (the 7th to 10th newest).
          responseDeadline: new Date(i >= 6 && i < 10 ? now - 2 * HOUR : now + 48 * HOUR),
          escalatedAt: i % 9 === 4 ? new Date(now - i * HOUR) : null,
          createdAt: new Date(now - i * HOUR),
        };
      }),
    });
    await db.$disconnect();
    admin = await startAdmin(SHOP);
  }, 240_000);

  afterAll(async () => {
    await admin?.close();
  });

  async function open(width: number, path = "/app"): Promise<Page> {
    const page = await admin.browser.newPage({ viewport: { width, height: width > 500 ? 900 : 844 } });
    errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    const response = await page.goto(`${admin.base}${path}`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    return page;
  }

  /** Waits (without a time limit of its own beyond the test's) for what the page shows. */
  const poll = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

  const orderNames = (page: Page) => page.locator("tbody tr a[href^='/app/incidents/'], li a[href^='/app/incidents/']").allTextContents();

  it("works the inbox at 1280 px: tabs, Overdue, a filter, search, pages and bulk actions", async () => {
    const page = await open(1280);
    // Tabs with counts; the inbox opens on Open (waiting, open and under way: 33).
    // (Polaris's tabs are buttons named by the tab's id; a hidden copy measures them.)
    const tab = (id: string) => page.locator(`button#${id}`);
    for (const [id, words] of [["needs_approval", "Needs approval: 6 incidents"], ["open", "Open: 33 incidents"], ["overdue", "Overdue: 4 incidents"], ["escalated", "Escalated: 7 incidents"], ["resolved", "Resolved: 31 incidents"], ["all", "All: 64 incidents"]] as const) {
      await expect(tab(id).getAttribute("aria-label"), id).resolves.toBe(words);
      await expect(tab(id).textContent(), id).resolves.toMatch(new RegExp(`^${words.split(":")[0]}(New)?${words.split(" ").at(-2)}$`));
    }
    const row = page.getByRole("row", { name: /#1001/ });
    // Merchant's words, the owner, and "respond by" in Madrid's time written in Spanish.
    await expect(row.textContent()).resolves.toMatch(/#1001.*Lucía Fernández.*Wrong item.*Found by Amends.*Needs approval.*Your store.*Marta/);
    // (Seeded relative to now: any month and year, written in Spanish.)
    await expect(row.textContent()).resolves.toMatch(/\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) \d{4}, \d{1,2}:\d{2}/);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-1280.png`, fullPage: true });

    // Overdue: the four that missed their time, each saying so.
    await tab("overdue").click();
    await page.waitForURL(/tab=overdue/);
    await page.locator("button#overdue[aria-selected=true]").waitFor();
    await poll(() => orderNames(page).then((names) => names.sort())).toEqual(["#1007", "#1008", "#1009", "#1010"]);
    await expect(page.locator("tbody").getByText("Overdue", { exact: true }).count()).resolves.toBe(4);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-overdue-1280.png`, fullPage: true });

    // All, then search by a customer's name.
    await tab("all").click();
    await page.waitForURL(/tab=all/);
    await page.locator("button#all[aria-selected=true]").waitFor();
    await page.getByRole("button", { name: "Search and filter results" }).click();
    await page.getByPlaceholder("Search by order, customer name or e-mail").fill("Jordi");
    await page.waitForURL(/q=Jordi/);
    await poll(() => orderNames(page).then((names) => names.length)).toBe(13);
    await expect(page.locator("tbody tr").filter({ hasNotText: "Jordi Puig" }).count()).resolves.toBe(0);

    // A channel filter on top: Jordi's incidents that came by phone.
    await page.getByRole("button", { name: "Channel" }).click();
    await page.getByLabel("Phone").click();
    await page.waitForURL(/channel=phone/);
    // Jordi is every 5th incident from #1002, phone every 8th from #1004: #1012 and #1052.
    await poll(() => orderNames(page)).toEqual(["#1012", "#1052"]);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-filtered-1280.png`, fullPage: true });
    await page.getByRole("button", { name: "Clear all" }).click();
    await page.waitForURL((url) => !url.search.includes("q="));

    // Pages of 50, from a cursor: the second page holds the 14 oldest; back again.
    await poll(() => orderNames(page).then((names) => names.length)).toBe(50);
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/after=/);
    await poll(() => orderNames(page).then((names) => [names.length, names[0], names.at(-1)])).toEqual([14, "#1051", "#1064"]);
    await page.getByRole("button", { name: "Previous" }).click();
    await page.waitForURL(/before=/);
    await poll(() => orderNames(page).then((names) => [names.length, names[0]])).toEqual([50, "#1001"]);

    // Bulk: assign two incidents to a staff member, then dismiss one open and one resolved incident.
    await page.goto(`${admin.base}/app?tab=all`, { waitUntil: "networkidle" });
    // Centred first: a row at the bottom edge sits under the table's sticky pagination bar.
    const select = async (name: string) => {
      const checkbox = page.getByRole("row", { name: new RegExp(`${name}\\b`) }).getByRole("checkbox");
      await checkbox.evaluate((element) => element.scrollIntoView({ block: "center" }));
      await checkbox.check({ force: true });
    };
    await select("#1011");
    await select("#1012");
    await page.getByRole("button", { name: "Assign owner" }).click();
    await page.getByRole("dialog").getByLabel("Owner").selectOption("Sam Rivera");
    await page.getByRole("dialog").getByRole("button", { name: "Assign" }).click();
    await page.getByText("2 assigned.").waitFor();
    await poll(() => page.getByRole("row", { name: /#1011\b/ }).textContent()).toContain("Sam Rivera");

    await select("#1012");
    await select("#1035");
    await page.getByRole("button", { name: "Dismiss" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("button", { name: "Dismiss" }).isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("Reason to dismiss").fill("Duplicate of a phone complaint");
    await dialog.getByRole("button", { name: "Dismiss" }).click();
    await page.getByText("1 dismissed; #1035 could not be dismissed: it is already resolved.").waitFor();
    await poll(() => page.getByRole("row", { name: /#1012\b/ }).textContent()).toContain("Dismissed");
    await page.screenshot({ path: `${ARTIFACTS}/inbox-bulk-1280.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);

  it("fits a phone: condensed rows, no sideways scrolling", async () => {
    const page = await open(390);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await expect(fits()).resolves.toBe(true);
    // As many rows as the Open tab counts (the other test may have dismissed some).
    const openCount = Number((await page.locator("button#open").getAttribute("aria-label"))?.match(/\d+/)?.[0]);
    expect(openCount).toBeGreaterThan(25);
    await expect(orderNames(page).then((names) => names.length)).resolves.toBe(openCount);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-390.png`, fullPage: true });
    await page.goto(`${admin.base}/app?tab=overdue`, { waitUntil: "networkidle" });
    await expect(fits()).resolves.toBe(true);
    await page.getByText("Respond by").first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/inbox-overdue-390.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
