// The settings pages, the navigation and the error pages in a real browser (the production
// build on the production server, demo mode), acting as the demo's two staff members: the
// store owner sets the support agent's approval limit; the support agent cannot change it;
// a responsible party is added and given a response time; a missing incident and an unknown
// address are the app's own 404 pages with a way back. Every page is photographed at 1280 px
// and 390 px (tests/.tmp/pages-*.png), and none may scroll sideways at phone width.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { chromiumAvailable } from "./app-server";
import { demoAdminFor, expectFitsPhone, watchErrors } from "./demo-admin";

const SHOP = "e2e-staff.myshopify.com";
const SUPPORT_LIMIT = '[name="staff.demo-support.approvalLimit"]';

describe.skipIf(!chromiumAvailable)("staff, settings pages, navigation and errors in Chromium", () => {
  const running = demoAdminFor(SHOP);

  /** Full-page screenshots at desktop and phone width; the page must fit the phone's width. */
  async function photograph(page: Page, name: string) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: `tests/.tmp/pages-${name}-1280.png`, fullPage: true });
    await expectFitsPhone(page, name);
    await page.screenshot({ path: `tests/.tmp/pages-${name}-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  it("the owner limits the support agent; the support agent sees the limit and cannot change it", async () => {
    const admin = running();
    // The support agent opens Amends first, so the owner finds them on the list.
    const support = await admin.browser.newContext();
    const supportPage = await support.newPage();
    await supportPage.goto(`${admin.base}/app/settings/staff?staff=support`, { waitUntil: "networkidle" });
    await supportPage.getByText("Demo: acting as Sam Rivera").waitFor();

    const owner = await admin.browser.newContext();
    const page = await owner.newPage();
    const errors = watchErrors(page);
    await page.goto(`${admin.base}/app/settings`, { waitUntil: "networkidle" });
    await page.getByText("Demo: acting as Alex Morgan (store owner)").waitFor();
    await photograph(page, "settings-index");

    await page.getByRole("link", { name: "Staff and approvals" }).click();
    await page.getByRole("heading", { name: "Staff and approvals" }).waitFor();
    expect(await page.locator(SUPPORT_LIMIT).inputValue()).toBe("50.00");
    await page.locator(SUPPORT_LIMIT).fill("40,5");
    await page.getByRole("region", { name: "Unsaved changes" }).getByRole("button", { name: "Save" }).click();
    await page.getByText("Nothing was saved").waitFor();
    expect(await page.getByText("Enter an amount such as 50.00, or leave empty for no limit").count()).toBe(1);
    await page.locator(SUPPORT_LIMIT).fill("40.50");
    await page.getByRole("region", { name: "Unsaved changes" }).getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor();
    await photograph(page, "settings-staff");

    // The support agent's page shows the new limit; the fields are theirs to read, not change,
    // and a forged post is refused on the server.
    await supportPage.reload({ waitUntil: "networkidle" });
    expect(await supportPage.locator(SUPPORT_LIMIT).inputValue()).toBe("40.50");
    expect(await supportPage.locator(SUPPORT_LIMIT).isDisabled()).toBe(true);
    await supportPage.getByText("Only the store owner can change these rights.").waitFor();
    const forged = await supportPage.evaluate(async () => {
      const body = new URLSearchParams({ "staff.demo-support.canApprove": "on", "staff.demo-support.approvalLimit": "" });
      const response = await fetch("/app/settings/staff", { method: "POST", body });
      return response.status;
    });
    expect(forged).toBe(403);
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.locator(SUPPORT_LIMIT).inputValue()).toBe("40.50");
    await photograph(supportPage, "settings-staff-as-support");
    await support.close();
    expect(errors.filter((e) => !/422/.test(e))).toEqual([]);
    await owner.close();
  });

  it("adds a responsible party with its response time and gives the store its own", async () => {
    const admin = running();
    const page = await admin.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${admin.base}/app/settings/parties?staff=owner`, { waitUntil: "networkidle" });
    await page.getByLabel("Name").fill("DHL Express");
    await page.getByLabel("Kind").selectOption("carrier");
    await page.getByLabel("Respond within").last().fill("");
    await page.getByRole("button", { name: "Add party" }).click();
    await page.getByText("Enter how many hours this party has to respond").waitFor();
    await page.getByLabel("Respond within").last().fill("48");
    await page.getByRole("button", { name: "Add party" }).click();
    await page.getByText("Added. It is now on the list above").waitFor();
    const dhl = page.locator('[name="hours.carrier-dhl-express"]');
    expect(await dhl.inputValue()).toBe("48");

    await page.locator('[name="hours.store"]').fill("12");
    await page.getByRole("region", { name: "Unsaved changes" }).getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor();
    expect(await page.locator('[name="hours.store"]').inputValue()).toBe("12");
    await photograph(page, "settings-parties");
    expect(errors.filter((e) => !/422/.test(e))).toEqual([]);
  });

  it("asks before leaving a settings page with unsaved changes, and discards on request", async () => {
    const admin = running();
    const page = await admin.browser.newPage();
    await page.goto(`${admin.base}/app/settings/limits`, { waitUntil: "networkidle" });
    const cap = page.locator('[name="caps.maxPerIncident"]');
    const before = await cap.inputValue();
    await cap.fill("123");
    await page.getByRole("navigation", { name: "Amends" }).getByRole("link", { name: "Settings" }).click();
    await page.getByText("Leave this page with unsaved changes?").waitFor();
    await photograph(page, "settings-limits-leaving");
    await page.getByRole("button", { name: "Stay on this page" }).click();
    expect(await cap.inputValue()).toBe("123");
    await page.getByRole("region", { name: "Unsaved changes" }).getByRole("button", { name: "Discard" }).click();
    expect(await cap.inputValue()).toBe(before);
    await page.getByRole("navigation", { name: "Amends" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
  });

  it("shows every settings page, and the navigation, in a plain browser", async () => {
    const admin = running();
    const page = await admin.browser.newPage();
    const errors = watchErrors(page);
    for (const [path, heading] of [
      ["/app/settings/remedies/wrong_item", "Wrong item"],
      ["/app/settings/limits", "Caps and abuse checks"],
      ["/app/settings/messages", "Customer messages"],
      ["/app/settings/detection", "Detection and response times"],
    ] as const) {
      await page.goto(`${admin.base}${path}`, { waitUntil: "networkidle" });
      await page.getByRole("heading", { name: heading }).first().waitFor();
      const nav = page.getByRole("navigation", { name: "Amends" });
      expect(await nav.getByRole("link").allTextContents()).toEqual(["Incidents", "Analytics", "Settings", "Switch to Sam Rivera"]);
      await photograph(page, `settings-${path.split("/").pop() ?? ""}`);
    }
    expect(errors).toEqual([]);
  });

  it("shows an unknown incident and an unknown address as the app's 404 pages, with a way back", async () => {
    const admin = running();
    const page = await admin.browser.newPage();
    const missing = await page.goto(`${admin.base}/app/incidents/no-such-incident`, { waitUntil: "networkidle" });
    expect(missing?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await page.getByText("Incident not found.").waitFor();
    // Still inside the app: its navigation is there.
    expect(await page.getByRole("navigation", { name: "Amends" }).count()).toBe(1);
    await photograph(page, "incident-not-found");

    const unknown = await page.goto(`${admin.base}/app/nowhere/at-all`, { waitUntil: "networkidle" });
    expect(unknown?.status()).toBe(404);
    await page.getByText("This page does not exist in Amends.").waitFor();
    expect(await page.content()).not.toMatch(/at .*\.js:\d+|Error: No route matches/);
    await photograph(page, "app-not-found");
    await page.getByRole("link", { name: "Back to incidents" }).click();
    await page.waitForURL(`${admin.base}/app`);

    const outside = await page.goto(`${admin.base}/no-such-page`, { waitUntil: "networkidle" });
    expect(outside?.status()).toBe(404);
    await page.getByText("This address is not a page of Amends.").waitFor();
    // What the page shows (outside production mode Remix also ships the error to the browser's
    // hydration data; production sanitises it).
    expect(await page.locator("body").innerText()).not.toMatch(/No route matches|\.js:\d+/);
  });
});
