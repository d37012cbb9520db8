// The late delivery settings page in a real browser (the production build on the production
// server, demo mode): the merchant changes the discount and its apology message, saves from the
// save bar, and finds them kept after a reload; a message with an unknown placeholder is refused
// next to that message, nothing is saved, and leaving with the change unsaved asks first.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { chromiumAvailable } from "./app-server";
import { demoAdminFor, watchErrors } from "./demo-admin";

const SHOP = "e2e-settings.myshopify.com";
const PERCENTAGE = '[name="kinds.late_delivery.discountValue"]';
const TEMPLATE = 'textarea[name="kinds.late_delivery.messageTemplate"]';
const MESSAGE =
  "Hi {{customer_first_name}},\nSorry {{order_name}} is late.{{#code}} Use {{code}}.{{/code}}";

describe.skipIf(!chromiumAvailable)("settings page in Chromium", () => {
  const running = demoAdminFor(SHOP);

  /** The error text the field points at with aria-describedby. */
  async function describedError(page: Page, selector: string): Promise<string> {
    const field = page.locator(selector);
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const ids = (await field.getAttribute("aria-describedby")) ?? "";
    const texts = await Promise.all(
      ids
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    return texts.join(" ");
  }

  it("saves the late delivery discount and message, and refuses an unknown placeholder", async () => {
    const admin = running();
    const page = await admin.browser.newPage();
    const errors = watchErrors(page);

    // Leaving with unsaved changes asks first (beforeunload); the test answers "leave".
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    const response = await page.goto(`${admin.base}/app/settings/remedies/late_delivery`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { name: "Late delivery" }).waitFor();
    expect(await page.locator(PERCENTAGE).inputValue()).toBe("15");
    // Empty: the default message, shown as the placeholder.
    expect(await page.locator(TEMPLATE).inputValue()).toBe("");
    expect(await page.locator(TEMPLATE).getAttribute("placeholder")).toMatch(
      /^Hi \{\{customer_first_name\}\},\n\nWe're sorry your order \{\{order_name\}\} is taking longer/,
    );

    const saveBar = page.getByRole("region", { name: "Unsaved changes" });
    expect(await saveBar.count()).toBe(0);
    await page.locator(PERCENTAGE).fill("20");
    await page.locator(TEMPLATE).fill(MESSAGE);
    // The contextual save bar appears with the first change; Discard would undo, Save saves.
    await saveBar.waitFor();
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor();
    // Once the saved values are back from the server, nothing is unsaved.
    await saveBar.waitFor({ state: "detached" });
    await page.screenshot({ path: "tests/.tmp/admin-settings.png", fullPage: true });

    await page.reload({ waitUntil: "networkidle" });
    expect(await page.locator(PERCENTAGE).inputValue()).toBe("20");
    expect(await page.locator(TEMPLATE).inputValue()).toBe(MESSAGE);
    expect(await page.getByText("Settings saved").count()).toBe(0);

    await page.locator(TEMPLATE).fill("Sorry about {{foo}}");
    await page.getByRole("button", { name: "Save" }).first().click();
    await page.getByText("Nothing was saved").waitFor();
    await page.getByText("Fix the fields marked below, then save again.").waitFor();
    expect(await describedError(page, TEMPLATE)).toContain("Unknown placeholder {{foo}}.");
    // What the merchant typed stays in the field to be corrected.
    expect(await page.locator(TEMPLATE).inputValue()).toBe("Sorry about {{foo}}");
    await page.screenshot({ path: "tests/.tmp/admin-settings-error.png", fullPage: true });

    expect(dialogs).toEqual([]);
    await page.reload({ waitUntil: "networkidle" });
    expect(dialogs).toEqual(["beforeunload"]);
    expect(await page.locator(TEMPLATE).inputValue()).toBe(MESSAGE);

    // The refused save answers 422, which Chromium also logs; nothing else may go wrong.
    const expected = (e: string) => e.startsWith("422 ") || /status of 422/.test(e);
    expect(errors.filter((e) => !expected(e))).toEqual([]);
    expect(errors.some(expected)).toBe(true);
  });

  it("offers asking for the item back where the customer has the item, and keeps it ticked after saving", async () => {
    const admin = running();
    const page = await admin.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${admin.base}/app/settings/remedies/late_delivery`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Late delivery" }).waitFor();
    expect(await page.getByText("Ask for the item back").count()).toBe(0);

    await page.goto(`${admin.base}/app/settings/remedies/wrong_item`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Wrong item" }).waitFor();
    const ask = page.locator('[name="kinds.wrong_item.return"]');
    expect(await ask.isChecked()).toBe(false);
    await page.getByText("Ask for the item back").click();
    expect(await ask.isChecked()).toBe(true);
    const saveBar = page.getByRole("region", { name: "Unsaved changes" });
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.getByText("Settings saved").waitFor();
    await page.screenshot({ path: "tests/.tmp/admin-settings-wrong-item.png", fullPage: true });
    await page.reload({ waitUntil: "networkidle" });
    expect(await ask.isChecked()).toBe(true);
    expect(await page.locator('[name="kinds.wrong_item.replacement"]').isChecked()).toBe(true);
    expect(errors).toEqual([]);
  });
});
