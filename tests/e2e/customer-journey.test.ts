// The whole customer journey in Chromium, both sides, against the real things: the app's
// production build on its production server (with its worker, which sends the outbox), SQLite,
// the Shopify emulator, a real SMTP server in this process, and the demo's customer view (the
// extension's own bundle in the stand-in host, signed in with Shopify-style session tokens).
// A demo customer reports a wrong item from the order page → the merchant's incidents list shows
// it waiting for approval → the merchant approves a replacement → the customer's status block
// shows the replacement order's name → the e-mail with it is in the mailbox.
import type { Server } from "node:http";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDatabase } from "../../app/db.server";
import type { CustomerView, DemoCustomer } from "../../scripts/customer-view";
import { pickDemoCustomer, startCustomerView } from "../../scripts/customer-view";
import { startMailbox } from "../../scripts/mailbox";
import type { RunningEmulator } from "../shopify-emulator";
import { seedDemoShop, startEmulator } from "../shopify-emulator";
import { installApp } from "../support/install";
import type { MailServer } from "../support/mail-server";
import { startMailServer } from "../support/mail-server";
import type { RunningAdmin } from "./app-server";
import { chromiumAvailable, startAdmin } from "./app-server";

const SHOP = "e2e-journey.myshopify.com";
// Two builds, a browser, a worker and an SMTP round trip on a loaded 2-core machine.
const WAIT = { timeout: 60_000 };

describe.skipIf(!chromiumAvailable)("a customer's wrong item, from the order page to the mailbox", () => {
  let emu: RunningEmulator;
  let mail: MailServer;
  let mailbox: Server;
  let mailboxUrl = "";
  let admin: RunningAdmin;
  let browser: Browser;
  let view: CustomerView;
  let customer: DemoCustomer;

  beforeAll(async () => {
    emu = await startEmulator({});
    const seeded = seedDemoShop(emu.store, { shop: SHOP, seed: 7 });
    customer = pickDemoCustomer(seeded);
    mail = await startMailServer();
    mailbox = await startMailbox(mail.received, 0);
    const address = mailbox.address();
    mailboxUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
    Object.assign(process.env, {
      SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
      SMTP_URL: mail.url,
      SMTP_FROM: "Lana y Lino <hola@lanaylino.example>",
    });
    const db = createDatabase(process.env.DATABASE_URL ?? "");
    await installApp(db, emu, SHOP);
    // What afterAuth stores at install: the shop's profile, read from the store.
    const { saveShopProfile } = await import("../../app/models/shop.server");
    const { fetchShopProfile } = await import("../../app/shopify/shop.server");
    const { adminClientFor } = await import("../../app/shopify/admin.server");
    await saveShopProfile(db, SHOP, await fetchShopProfile(await adminClientFor(SHOP, db)));
    await db.$disconnect();

    admin = await startAdmin(SHOP, { worker: true });
    browser = admin.browser;
    view = await startCustomerView({
      shop: SHOP,
      apiKey: process.env.SHOPIFY_API_KEY ?? "",
      apiSecret: process.env.SHOPIFY_API_SECRET ?? "",
      appUrl: admin.base,
      customer,
      store: emu.store,
    });
  }, 300_000);

  afterAll(async () => {
    await view?.close();
    await admin?.close();
    mailbox?.close();
    await mail?.close();
    await emu?.close();
  });

  it("reports, approves a replacement, and the customer sees it and gets the e-mail", { timeout: 300_000 }, async () => {
    const errors: string[] = [];
    // The customer's browser as Shopify's library sees it: headless Chromium says "HeadlessChrome",
    // which the library's bot check answers with 410, as it would a crawler.
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
    const customerContext = await browser.newContext({ locale: "es-ES", timezoneId: "Europe/Madrid", userAgent });
    const customerPage = await customerContext.newPage();
    customerPage.on("pageerror", (error) => errors.push(`customer: ${error.message}`));
    expect((await customerPage.goto(view.url))?.status()).toBe(200);

    // The customer, on their delivered order: nothing reported yet.
    const block = customerPage.frameLocator("#block");
    await block.getByText("No se ha informado de ningún problema con este pedido", { exact: false }).waitFor(WAIT);
    const ordered = emu.store.shop(SHOP).orders.get(customer.order.id);
    const first = ordered?.lineItems[0];
    if (!first) throw new Error("the demo customer's order has no line");

    // Report a problem → wrong item, one of the first line, in their own words.
    await customerPage.frameLocator("#menu").getByRole("button", { name: "Informar de un problema" }).click(WAIT);
    const modal = customerPage.frameLocator("#modal iframe");
    await modal.getByLabel("¿Qué ha pasado?").selectOption("wrong_item", WAIT);
    await modal.getByLabel(first.title, { exact: false }).first().fill("1");
    await modal.getByLabel("Cuéntanoslo con tus palabras").fill("Pedí otro color, me llegó uno distinto.");
    await modal.getByRole("button", { name: "Enviar" }).click();
    await modal.getByRole("dialog", { name: "Gracias, hemos recibido tu aviso" }).waitFor(WAIT);
    await modal.getByRole("button", { name: "Cerrar" }).click();
    await block.getByText("Artículo equivocado").waitFor(WAIT);
    await block.getByText("En revisión").waitFor(WAIT);

    // The merchant's incidents: the report, waiting for approval.
    const merchant = await browser.newPage();
    merchant.on("pageerror", (error) => errors.push(`admin: ${error.message}`));
    expect((await merchant.goto(`${admin.base}/app`))?.status()).toBe(200);
    const row = merchant.getByRole("row", { name: new RegExp(customer.order.name) });
    await row.waitFor(WAIT);
    await expect(row.textContent()).resolves.toMatch(/Wrong item.*Needs approval/);

    // The incident's page: the merchant approves the replacement the policy proposes.
    const before = new Set(emu.store.customerOrders(SHOP, customer.customerId).map((o) => o.id));
    await merchant.getByRole("link", { name: customer.order.name }).first().click();
    await merchant.waitForURL(/\/app\/incidents\//, WAIT);
    // The proposal is written in the shop's language (a Spanish shop): "un reemplazo de …".
    await merchant.getByText(new RegExp(`reemplazo de 1 × ${first.title}`)).first().waitFor(WAIT);
    // The confirmation shows what will happen before it happens.
    await merchant.getByRole("button", { name: "Review and approve" }).click();
    await merchant.getByRole("dialog").getByText(`Create a replacement order for 1 × ${first.title}`, { exact: false }).waitFor(WAIT);
    await merchant.getByRole("button", { name: "Approve and carry out" }).click();
    await merchant.getByText("Resolved", { exact: true }).first().waitFor(WAIT);
    await merchant.screenshot({ path: "tests/.tmp/journey-incident.png", fullPage: true });

    // The replacement is a real order in the store, for this customer.
    const replacements = emu.store.customerOrders(SHOP, customer.customerId).filter((o) => !before.has(o.id));
    expect(replacements).toHaveLength(1);
    const replacement = replacements[0]!.name;

    // The customer's block, reloaded as they come back to the page: resolved, with the order.
    await customerPage.reload();
    await block.getByText("Resuelto").waitFor(WAIT);
    await block.getByText(`Pedido de reposición: ${replacement}`, { exact: false }).waitFor(WAIT);
    await customerPage.screenshot({ path: "tests/.tmp/journey-customer.png", fullPage: true });

    // The e-mail naming the replacement reached the customer through SMTP, and the mailbox lists it.
    await expect
      .poll(() => mail.received.find((m) => m.envelopeTo.includes(customer.email ?? "") && (m.parsed.text ?? "").includes(replacement)), WAIT)
      .toBeTruthy();
    const sent = mail.received.find((m) => (m.parsed.text ?? "").includes(replacement))!;
    const inbox = await browser.newPage();
    expect((await inbox.goto(mailboxUrl))?.status()).toBe(200);
    await inbox.getByRole("heading", { name: sent.parsed.subject ?? "" }).first().waitFor(WAIT);
    await expect(inbox.locator("pre").filter({ hasText: replacement }).count()).resolves.toBeGreaterThan(0);
    await inbox.screenshot({ path: "tests/.tmp/journey-mailbox.png", fullPage: true });

    expect(errors).toEqual([]);
    await customerContext.close();
  });
});
