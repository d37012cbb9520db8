// Owners and responsible parties in the merchant's own words, in a real browser (the production
// build, demo mode): the inbox names each incident's party as the shop's list names it (a party
// since removed by the words of its key, never a code), its Responsible filter offers the shop's
// parties, and an owner is picked from the shop's staff (the demo's Alex Morgan and Sam Rivera)
// in the inbox's bulk "Assign owner" and on the incident page, the timeline saying who did it.
// Screenshots at 1280 and 390 px in tests/e2e/artifacts/.
import { mkdirSync } from "node:fs";

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { chromiumAvailable } from "./app-server";
import { demoAdminFor, expectFitsPhone, watchErrors } from "./demo-admin";

const SHOP = "e2e-owners.myshopify.com";
const ARTIFACTS = "tests/e2e/artifacts";
const HOUR = 3_600_000;
/** Each incident's party: two of the shop's named ones, one since removed, generic ones. */
const PARTIES = ["carrier-dhl-express", "warehouse-almacen-norte", "carrier-gone-express", "store", "unknown"];

describe.skipIf(!chromiumAvailable)("owners from the staff list and the shop's own parties in Chromium", () => {
  const running = demoAdminFor(SHOP, {
    async seed(db) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await db.responsibleParty.createMany({
        data: [
          { shop: SHOP, key: "carrier-dhl-express", name: "DHL Express", type: "carrier", responseHours: 48 },
          { shop: SHOP, key: "warehouse-almacen-norte", name: "Almacén Norte", type: "warehouse", responseHours: 24 },
        ],
      });
      const now = Date.now();
      await db.incident.createMany({
        data: PARTIES.map((party, i) => ({
          shop: SHOP,
          kind: "wrong_item",
          status: "open",
          orderId: `gid://shopify/Order/${7000 + i}`,
          orderName: `#${3001 + i}`,
          customerName: "Lucía Fernández",
          customerEmail: `lucia${i}@example.es`,
          lines: [],
          evidence: {},
          responsibleParty: party,
          // Typed before owners came from the staff list.
          owner: i === 0 ? "Marta" : null,
          responseDeadline: new Date(now + 48 * HOUR),
          createdAt: new Date(now - (i + 1) * HOUR),
        })),
      });
    },
  });

  const rowText = (page: Page, order: string) => page.getByRole("row", { name: new RegExp(`${order}\\b`) }).textContent();
  const poll = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

  async function photograph(page: Page, name: string) {
    await page.screenshot({ path: `${ARTIFACTS}/${name}-1280.png`, fullPage: true });
    await expectFitsPhone(page, name);
    await page.screenshot({ path: `${ARTIFACTS}/${name}-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  it("names the shop's parties in the inbox and filters by them", async () => {
    const admin = running();
    const page = await admin.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${admin.base}/app?tab=all`, { waitUntil: "networkidle" });
    await expect(rowText(page, "#3001")).resolves.toContain("DHL Express");
    await expect(rowText(page, "#3002")).resolves.toContain("Almacén Norte");
    await expect(rowText(page, "#3003")).resolves.toContain("Gone express (removed)");
    await expect(rowText(page, "#3004")).resolves.toContain("Your store");
    await expect(rowText(page, "#3005")).resolves.toContain("Not known yet");
    expect(await page.locator("tbody").textContent()).not.toMatch(/carrier-|warehouse-/);

    await page.getByRole("button", { name: "Search and filter results" }).click();
    await page.getByRole("button", { name: "Responsible" }).click();
    const choices = await page.locator("fieldset").filter({ has: page.getByLabel("DHL Express") }).locator("label").allTextContents();
    expect(choices).toEqual([
      "Your store",
      "Any warehouse or 3PL",
      "Any carrier",
      "Any supplier",
      "Any creator or influencer",
      "DHL Express",
      "Almacén Norte",
      "Not known yet",
    ]);
    await page.getByLabel("DHL Express").click();
    await page.waitForURL(/party=carrier-dhl-express/);
    await poll(() => page.locator("tbody tr").count()).toBe(1);
    await expect(rowText(page, "#3001")).resolves.toContain("DHL Express");
    await page.getByText("Responsible: DHL Express").waitFor();
    await photograph(page, "inbox-parties");
    expect(errors).toEqual([]);
  }, 120_000);

  it("assigns owners from the staff list, in bulk and on the incident page, saying who did it", async () => {
    const admin = running();
    const page = await admin.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${admin.base}/app?tab=all`, { waitUntil: "networkidle" });
    for (const order of ["#3002", "#3003"]) await page.getByRole("row", { name: new RegExp(`${order}\\b`) }).getByRole("checkbox").check({ force: true });
    await page.getByRole("button", { name: "Assign owner" }).click();
    const dialog = page.getByRole("dialog");
    const owner = dialog.getByLabel("Owner");
    await expect(owner.locator("option").allTextContents()).resolves.toEqual(["Nobody", "Alex Morgan", "Sam Rivera"]);
    await owner.selectOption("Sam Rivera");
    await page.screenshot({ path: `${ARTIFACTS}/inbox-assign-owner-1280.png` });
    await dialog.getByRole("button", { name: "Assign" }).click();
    await page.getByText("2 assigned.").waitFor();
    await poll(() => rowText(page, "#3002")).toContain("Sam Rivera");
    await expect(rowText(page, "#3003")).resolves.toContain("Sam Rivera");
    // The owner filter offers the staff too.
    await page.getByRole("button", { name: "Search and filter results" }).click();
    await page.getByRole("button", { name: "Owner" }).click();
    await page.getByLabel("Alex Morgan").waitFor();

    // The incident page: the typed owner stays choosable; the staff are offered.
    await page.getByRole("link", { name: "#3001" }).click();
    await page.getByRole("heading", { name: "Ownership" }).waitFor();
    const field = page.getByLabel("Owner", { exact: true });
    await expect(field.inputValue()).resolves.toBe("Marta");
    await expect(field.locator("option").allTextContents()).resolves.toEqual(["Nobody yet", "Alex Morgan", "Sam Rivera", "Marta (not on your staff list)"]);
    await expect(page.getByLabel("Responsible", { exact: true }).inputValue()).resolves.toBe("carrier-dhl-express");
    await field.selectOption("Alex Morgan");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").first().waitFor();
    // The timeline says who did it (the demo's owner) and what.
    await page.getByText("Set owner: Alex Morgan.").waitFor();
    await expect(page.locator("body").textContent()).resolves.toMatch(/Ownership changedAlex Morgan · [^]*Set owner: Alex Morgan\./);
    // By name: never the Shopify user id the timeline stores beside it.
    await expect(page.locator("body").textContent()).resolves.not.toContain("demo-owner");
    await photograph(page, "incident-owner");

    // A party since removed still reads as words there, and saving keeps it.
    await page.goto(`${admin.base}/app?tab=all`, { waitUntil: "networkidle" });
    await page.getByRole("link", { name: "#3003" }).click();
    await page.getByRole("heading", { name: "Ownership" }).waitFor();
    const party = page.getByLabel("Responsible", { exact: true });
    await expect(party.inputValue()).resolves.toBe("carrier-gone-express");
    await expect(party.locator("option:checked").textContent()).resolves.toBe("Gone express (removed)");
    await page.getByLabel("Root cause").selectOption("carrier_delay");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").first().waitFor();
    expect(errors).toEqual([]);
  }, 120_000);
});
