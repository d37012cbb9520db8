// The incident page in Chromium (Debian's, via playwright-core) against the production build in
// demo mode and the Shopify emulator, for a Spanish shop (euros, Madrid, e-mails in Spanish):
// the merchant reads the customer's words, changes the remedy (a partial refund and the wrong
// item asked back), sees exactly what will happen in the confirmation, approves it, gets a toast
// and the timeline; then marks the incident escalated and sees the facts. Screenshots at 1280 px
// and 390 px go to tests/.tmp/ as test artefacts.
import { mkdirSync } from "node:fs";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase } from "../../app/db.server";
import { activeKey } from "../../app/models/incident.server";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import { installApp } from "../support/install";
import type { RunningAdmin } from "./app-server";
import { chromiumAvailable, startAdmin } from "./app-server";

const SHOP = "e2e-incidente.myshopify.com";
const WAIT = { timeout: 60_000 };
const SHOTS = "tests/.tmp";
// Amounts are written the shop's way, with a no-break space before the euro sign.
const plain = (text: string) => text.replaceAll("\u00a0", " ");

describe.skipIf(!chromiumAvailable)("the incident page in Chromium", () => {
  let emu: RunningEmulator;
  let admin: RunningAdmin;
  let browser: Browser;
  let incidentId = "";
  let orderNumber = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    emu = await startEmulator({});
    emu.store.createShop({ domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", ianaTimezone: "Europe/Madrid", countryCode: "ES", primaryLocale: "es" });
    const mug = emu.store.addProduct(SHOP, { title: "Taza azul", variants: [{ price: "12.00", sku: "TZ-AZ", available: 5 }] });
    const plate = emu.store.addProduct(SHOP, { title: "Plato de lino", variants: [{ price: "8.00", available: 5 }] });
    const customer = emu.store.addCustomer(SHOP, { firstName: "Lucía", lastName: "Martín", email: "lucia@example.com", phone: "+34 600 111 222" });
    const order = emu.store.addOrder(
      SHOP,
      {
        customerId: customer.id,
        lineItems: [
          { variantId: mug.variantIds[0] ?? "", quantity: 2 },
          { variantId: plate.variantIds[0] ?? "", quantity: 1 },
        ],
        shippingLine: { title: "Estándar", price: "5.00" },
      },
      { silent: true },
    );
    const taza = order.lineItems[0];
    if (!taza) throw new Error("seed");
    emu.store.addFulfillment(SHOP, order.id, { trackingCompany: "Correos", trackingNumber: "PK123ES" }, { silent: true });
    orderNumber = order.id.split("/").pop() ?? "";
    Object.assign(process.env, { SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json` });

    const db = createDatabase(process.env.DATABASE_URL ?? "");
    await db.shop.create({ data: { domain: SHOP, name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" } });
    await installApp(db, emu, SHOP);
    const words = "Me llegaron dos tazas verdes en vez de azules. Las necesito para un regalo el sábado.";
    const incident = await db.incident.create({
      data: {
        shop: SHOP,
        kind: "wrong_item",
        status: "awaiting_approval",
        activeKey: activeKey(SHOP, order.id, "wrong_item"),
        orderId: order.id,
        orderName: order.name,
        customerId: customer.id,
        customerEmail: "lucia@example.com",
        customerName: "Lucía Martín",
        source: "order_page",
        lines: [{ lineItemId: taza.id, quantity: 2 }],
        evidence: { description: words, reportedBy: "customer", channel: "order_page" },
        responseDeadline: new Date(Date.now() + 86_400_000),
        events: {
          create: [
            { type: "opened", actor: "customer", message: `The customer reports a wrong item on ${order.name}.`, data: { description: words, reportedBy: "customer" } },
            { type: "decision", actor: "rule:policy", message: "Proposed a replacement; it needs your approval.", data: { outcome: "needs_approval", option: 0, reasons: ["The policy for wrong item incidents asks for your approval."] } },
          ],
        },
      },
    });
    incidentId = incident.id;
    await db.$disconnect();
    admin = await startAdmin(SHOP);
    browser = admin.browser;
  }, 300_000);

  afterAll(async () => {
    await admin?.close();
    await emu?.close();
  });

  async function open(width: number): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${admin.base}/app/incidents/${incidentId}`);
    await page.getByRole("heading", { name: "The customer", exact: true }).first().waitFor(WAIT);
    return { page, errors };
  }

  it("shows what is needed to decide, with links into Shopify admin and no raw ids", async () => {
    const { page, errors } = await open(1280);
    await expect(page.getByText("Me llegaron dos tazas verdes en vez de azules").isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "lucia@example.com" }).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText("Correos PK123ES").isVisible()).resolves.toBe(true);
    const orderLink = await page.getByRole("link", { name: "Open in Shopify" }).getAttribute("href");
    expect(orderLink).toBe(`https://admin.shopify.com/store/e2e-incidente/orders/${orderNumber}`);
    const body = await page.locator("body").innerText();
    expect(body).not.toContain("gid://");
    expect(body).not.toContain("rule:policy");
    expect(body).toContain("Your remediation policy");
    await page.screenshot({ path: `${SHOTS}/incident-1280.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("changes the remedy, confirms exactly what will happen, approves it: toast and timeline", async () => {
    const { page, errors } = await open(1280);
    await page.getByLabel("Choose the remedies myself").check();
    await page.getByLabel("Refund", { exact: true }).check();
    await page.getByLabel("Amount (EUR)").fill("30");
    await page.getByLabel("Ask for the item back (Shopify return)").check();
    await page.getByRole("button", { name: "Review and approve" }).click();
    // Above what is left: refused on the field, nothing done.
    await page.getByText("At most 24,00 € is left to refund for these items").waitFor(WAIT);
    await page.getByLabel("Amount (EUR)").fill("10");
    await page.getByRole("button", { name: "Review and approve" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("What Amends will do on Shopify").waitFor(WAIT);
    const lines = plain(await dialog.getByTestId("confirmation-lines").innerText());
    expect(lines).toContain("Refund 10,00 € to the customer's original payment method for 2 × Taza azul.");
    expect(lines).toContain("Open a Shopify return for 2 × Taza azul that have shipped (reason: wrong item received)");
    const email = plain(await dialog.getByTestId("customer-message").first().innerText());
    // The customer hears it in the shop's language.
    expect(email).toContain("Lucía");
    expect(email.toLowerCase()).toContain("reembolso de 10,00 €");
    await page.screenshot({ path: `${SHOTS}/incident-confirmation-1280.png` });
    expect(emu.store.order(SHOP, `gid://shopify/Order/${orderNumber}`).refunds).toHaveLength(0);

    await dialog.getByRole("button", { name: "Approve and carry out" }).click();
    await page.getByTestId("toast").getByText("Done: the remedy was carried out.").waitFor(WAIT);
    await page.getByTestId("timeline").getByText(/^Opened return #1001-R1 on Shopify/).waitFor(WAIT);
    const timeline = plain(await page.getByTestId("timeline").innerText());
    expect(timeline).toContain("Opened return #1001-R1 on Shopify for 2");
    expect(timeline).toContain("Taza azul (wrong item received).");
    expect(timeline).toContain("Refunded 10,00 €");
    const order = emu.store.order(SHOP, `gid://shopify/Order/${orderNumber}`);
    expect(order.refunds).toHaveLength(1);
    expect(order.returns).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}/incident-approved-1280.png`, fullPage: true });
    // The refused preview answered 422 (the browser logs that); nothing else went wrong.
    expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
    await page.close();
  }, 180_000);

  it("marks it escalated and shows the facts a calm team checks", async () => {
    const { page, errors } = await open(1280);
    await page.getByLabel("Why it is escalated").fill("Amenaza con publicarlo en Instagram");
    await page.getByRole("button", { name: "Mark escalated" }).click();
    const facts = page.getByTestId("escalation-facts");
    await facts.waitFor(WAIT);
    const text = plain(await facts.innerText());
    expect(text).toContain("Was it our error?");
    expect(text).toContain("Offered before it escalated");
    expect(text).toContain("Refunded 10,00 €");
    expect(text).toContain("1 order");
    expect(text).toContain("What the policy would do");
    await page.screenshot({ path: `${SHOTS}/incident-escalated-1280.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("fits a phone: no sideways scrolling at 390 px", async () => {
    const { page, errors } = await open(390);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/incident-390.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
