// The triage inbox on a phone (390 px wide) in a real browser (the production build, demo
// mode): whichever tab is open is shown whole, opened from its address or by a tap; incidents
// are selected with their checkboxes and a bulk action reports on each one; and at no step does
// the page scroll sideways. Screenshots (the screen as a person sees it, and the full page) in
// tests/e2e/artifacts/inbox-phone-*.png, with the 1280 px page for comparison.
import { mkdirSync } from "node:fs";

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { INBOX_TABS } from "../../app/incidents/inbox";
import { chromiumAvailable } from "./app-server";
import { demoAdminFor, watchErrors } from "./demo-admin";

const SHOP = "e2e-inbox-phone.myshopify.com";
const ARTIFACTS = "tests/e2e/artifacts";
const HOUR = 3_600_000;

describe.skipIf(!chromiumAvailable)("the triage inbox on a phone in Chromium", () => {
  const running = demoAdminFor(SHOP, {
    async seed(db) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const now = Date.now();
      // 24 incidents: 4 waiting for approval, 12 open (2 overdue, 3 escalated), 8 resolved.
      await db.incident.createMany({
        data: Array.from({ length: 24 }, (_, i) => ({
          shop: SHOP,
          kind: ["wrong_item", "damaged", "late_delivery"][i % 3] ?? "other",
          status: i < 4 ? "awaiting_approval" : i < 16 ? "open" : "resolved",
          orderId: `gid://shopify/Order/${8000 + i}`,
          orderName: `#${4001 + i}`,
          customerName: ["María José Rodríguez-Villalobos", "Jordi Puig"][i % 2] ?? null,
          customerEmail: `cliente.con.un.correo.largo${i}@example.es`,
          lines: [],
          evidence: {},
          responsibleParty: ["store", "carrier"][i % 2] ?? "unknown",
          source: ["email", "phone", "detected"][i % 3] ?? "detected",
          responseDeadline: new Date(i === 5 || i === 6 ? now - 2 * HOUR : now + 48 * HOUR),
          escalatedAt: i % 5 === 4 && i < 16 ? new Date(now - HOUR) : null,
          createdAt: new Date(now - (i + 1) * HOUR),
        })),
      });
    },
  });

  const fits = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  /** The selected tab's box lies wholly inside the screen and inside its scrolling strip. */
  async function selectedTabShown(page: Page, tab: string) {
    const selected = page.locator(`button#${tab}[aria-selected=true]`);
    await selected.waitFor();
    // Polaris scrolls the strip to the selected tab once it has laid the tabs out.
    await expect
      .poll(
        () =>
          selected.evaluate((button) => {
            const box = button.getBoundingClientRect();
            const strip = (button.closest("ul")?.parentElement?.parentElement ?? document.body).getBoundingClientRect();
            return box.left >= Math.max(0, strip.left) - 0.5 && box.right <= Math.min(window.innerWidth, strip.right) + 0.5 && box.width > 0;
          }),
        { timeout: 10_000, message: `${tab} tab shown whole` },
      )
      .toBe(true);
  }

  it("shows the open tab whole, from the address and after a tap", async () => {
    const admin = running();
    const page = await admin.browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = watchErrors(page);
    for (const tab of INBOX_TABS) {
      await page.goto(`${admin.base}/app?tab=${tab}`, { waitUntil: "networkidle" });
      await selectedTabShown(page, tab);
      await expect(fits(page), `${tab} fits`).resolves.toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-tab-${tab}-390.png` });
    }
    // A tap on a tab further along brings it whole into view too.
    await page.goto(`${admin.base}/app`, { waitUntil: "networkidle" });
    await page.locator("button#resolved").tap().catch(() => page.locator("button#resolved").click());
    await page.waitForURL(/tab=resolved/);
    await selectedTabShown(page, "resolved");
    expect(errors).toEqual([]);
  }, 120_000);

  it("selects incidents with their checkboxes and reports a bulk action per incident, without sideways scrolling", async () => {
    const admin = running();
    const page = await admin.browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const errors = watchErrors(page);
    await page.goto(`${admin.base}/app?tab=all`, { waitUntil: "networkidle" });
    await expect(fits(page)).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-all-390.png`, fullPage: true });

    const select = async (order: string) => {
      const checkbox = page.getByRole("row", { name: new RegExp(`${order}\\b`) }).getByRole("checkbox");
      await checkbox.evaluate((element) => element.scrollIntoView({ block: "center" }));
      await checkbox.check({ force: true });
    };
    // An open incident and a resolved one: dismissing reports each.
    await select("#4008");
    await select("#4020");
    await expect(fits(page)).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-selected-390.png` });
    await page.getByRole("button", { name: "Dismiss" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Reason to dismiss").fill("Customer called: parcel found");
    await expect(fits(page)).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-dismiss-390.png` });
    await dialog.getByRole("button", { name: "Dismiss" }).click();
    await page.getByText("1 dismissed; #4020 could not be dismissed: it is already resolved.").waitFor();
    await expect.poll(() => page.getByRole("row", { name: /#4008\b/ }).textContent(), { timeout: 20_000 }).toContain("Dismissed");

    // Then two more, assigned to a staff member.
    await select("#4002");
    await select("#4003");
    // Two actions fit beside the count; the others are under "More actions".
    await page.getByRole("button", { name: "More actions" }).click();
    await expect(fits(page)).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-more-actions-390.png` });
    await page.getByRole("menuitem", { name: "Assign owner" }).or(page.getByRole("button", { name: "Assign owner" })).first().click();
    await dialog.getByLabel("Owner").selectOption("Alex Morgan");
    await dialog.getByRole("button", { name: "Assign" }).click();
    await page.getByText("2 assigned.").waitFor();
    await expect.poll(() => page.getByRole("row", { name: /#4002\b/ }).textContent(), { timeout: 20_000 }).toContain("Owner: Alex Morgan");
    await expect(fits(page)).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-after-390.png`, fullPage: true });

    // The same inbox at 1280 px, for comparison.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload({ waitUntil: "networkidle" });
    await page.screenshot({ path: `${ARTIFACTS}/inbox-phone-after-1280.png`, fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
