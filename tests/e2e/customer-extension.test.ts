// The customer's screens in real Chromium: the extension's own bundle, built by its build script,
// running in the stand-in customer-account host (tests/customer-host) with the endpoint answered
// by a stub that follows the contract. Each state — nothing reported, form errors (ours and the
// endpoint's), submitted, under review, resolved with a code to copy — in English and Spanish.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CustomerCase, OrderCasesResponse } from "../../extensions/amends-order/src/api-contract";
import { buildExtensionBundle } from "../customer-host/build";
import { startCustomerHost, type CustomerHost, type PageOptions } from "../customer-host/server";
import { startStubEndpoint, type StubEndpoint } from "../customer-host/stub-endpoint";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) throw new Error(`Chromium is required in CI (${CHROMIUM})`);

const SHOP = "extension-screens.myshopify.com";
const CUSTOMER = "gid://shopify/Customer/7001";
const ORDER_ID = "820982911946154508"; // beyond Number.MAX_SAFE_INTEGER: kept a string end to end
const ORDER = { id: `gid://shopify/Order/${ORDER_ID}`, name: "#1042" };
const POLICY = "We answer within one working day.\n\nWrong or damaged items are replaced or refunded.";
const RESPOND_BY = "2026-12-02T15:30:00.000Z";

const LANGUAGES = {
  en: { locale: "en-US", timezone: "America/New_York" },
  es: { locale: "es-ES", timezone: "Europe/Madrid" },
} as const;

const TEXT = {
  en: {
    menu: "Report a problem",
    heading: "Problems with this order",
    empty: "Nothing has been reported on this order.",
    policy: "What to expect",
    kind: "What happened?",
    message: "Tell us in your own words",
    send: "Send report",
    required: "Please fill this in.",
    range: "Choose between 0 and 2.",
    done: "Thanks, your report is in",
    answerBy: "answer by",
    reviewing: "Being reviewed",
    resolved: "Resolved",
    copy: "Copy code",
    copied: "Code copied",
    line: "Linen shirt (M) (you bought 2)",
    retry: "Too many reports just now. Please try again in 2 minutes.",
  },
  es: {
    menu: "Informar de un problema",
    heading: "Problemas con este pedido",
    empty: "No se ha informado de ningún problema con este pedido.",
    policy: "Qué puedes esperar",
    kind: "¿Qué ha pasado?",
    message: "Cuéntanoslo con tus palabras",
    send: "Enviar",
    required: "Rellena este campo.",
    range: "Elige entre 0 y 2.",
    done: "Gracias, hemos recibido tu aviso",
    answerBy: "te responderá antes del",
    reviewing: "En revisión",
    resolved: "Resuelto",
    copy: "Copiar código",
    copied: "Código copiado",
    line: "Linen shirt (M) (compraste 2)",
    retry: "Demasiados avisos seguidos. Inténtalo de nuevo en 2 minutos.",
  },
} as const;

function orderWith(cases: { reports?: CustomerCase[]; incidents?: CustomerCase[] } = {}): OrderCasesResponse {
  return {
    order: {
      id: ORDER.id,
      name: ORDER.name,
      lines: [
        { lineItemId: "gid://shopify/LineItem/1", title: "Linen shirt", variantTitle: "M", quantity: 2 },
        { lineItemId: "gid://shopify/LineItem/2", title: "Canvas tote", variantTitle: null, quantity: 1 },
      ],
    },
    policyText: POLICY,
    reports: cases.reports ?? [],
    incidents: cases.incidents ?? [],
  };
}

// A page load, a build and a browser on a shared 2-core machine: more than the default 30 s.
describe.skipIf(!chromiumAvailable)("the customer's screens in Chromium", { timeout: 90_000 }, () => {
  let stub: StubEndpoint;
  let host: CustomerHost;
  let browser: Browser;
  let outdir: string;

  beforeAll(async () => {
    stub = await startStubEndpoint("test-api-secret", "test-api-key");
    outdir = await mkdtemp(path.join(tmpdir(), "amends-extension-"));
    const { file, exitCode, printed } = await buildExtensionBundle(stub.url, outdir);
    expect(exitCode, printed).toBe(0);
    host = await startCustomerHost({ shop: SHOP, apiKey: "test-api-key", apiSecret: "test-api-secret", customerId: CUSTOMER, bundleFile: file });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await stub?.close();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  async function open(language: keyof typeof LANGUAGES, target: PageOptions["target"]): Promise<Page> {
    const { locale, timezone } = LANGUAGES[language];
    const context = await browser.newContext({ locale, timezoneId: timezone });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: host.url });
    const page = await context.newPage();
    await page.goto(host.pageUrl({ target, order: ORDER, locale, currency: "EUR", timezone }));
    await page.locator("html[data-rendered=true]").waitFor();
    return page;
  }

  async function hostErrors(page: Page): Promise<string[]> {
    return page.evaluate(() => window.hostErrors);
  }

  /** The text of the error a field points at with aria-describedby. */
  async function fieldError(page: Page, label: string): Promise<string> {
    const field = page.getByLabel(label, { exact: true });
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    return field.evaluate((element) => {
      const id = element.getAttribute("aria-describedby") ?? "";
      return (element.getRootNode() as ShadowRoot).getElementById(id)?.textContent ?? "";
    });
  }

  /** How the buyer's locale writes a date, as Intl in the browser formats it. */
  function localDate(page: Page, iso: string, locale: string, withTime: boolean) {
    return page.evaluate(
      ([iso, locale, withTime]) =>
        new Intl.DateTimeFormat(locale, withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" }).format(new Date(iso)),
      [iso, locale, withTime] as const,
    );
  }

  it("the order page: Report a problem opens the form, and after closing it the block shows the report", async () => {
    const order = orderWith();
    stub.orders.set(ORDER_ID, order);
    stub.onReport = (_orderId, body) => {
      const report: CustomerCase = { id: "r9", kind: body.kind, status: "received", createdAt: new Date().toISOString(), respondBy: RESPOND_BY };
      order.reports.unshift(report);
      return { status: 201, body: { report, respondBy: RESPOND_BY } };
    };
    const context = await browser.newContext({ locale: "en-US", timezoneId: "America/New_York" });
    const page = await context.newPage();
    await page.goto(host.orderPageUrl({ order: ORDER, locale: "en-US", currency: "EUR" }));
    const block = page.frameLocator("#block");
    await block.getByText(TEXT.en.empty).waitFor();

    await page.frameLocator("#menu").getByRole("button", { name: TEXT.en.menu }).click();
    const modal = page.frameLocator("#modal iframe");
    await modal.getByLabel(TEXT.en.kind).selectOption("missing_item");
    await modal.getByLabel("Canvas tote", { exact: false }).fill("1");
    await modal.getByLabel(TEXT.en.message).fill("The tote was not in the parcel.");
    await modal.getByRole("button", { name: TEXT.en.send }).click();
    await modal.getByRole("dialog", { name: TEXT.en.done }).waitFor();
    await modal.getByRole("button", { name: "Close" }).click();

    await expect.poll(() => page.locator("#modal iframe").count()).toBe(0);
    await block.getByText("Missing item").waitFor();
    await block.getByText("Received").waitFor();
    await page.screenshot({ path: "tests/.tmp/extension-order-page.png", fullPage: true });
    await context.close();
  });

  for (const language of ["en", "es"] as const) {
    const t = TEXT[language];

    describe(language, () => {
      it("shows the order's menu item", async () => {
        const page = await open(language, "customer-account.order.action.menu-item.render");
        await page.getByRole("button", { name: t.menu }).waitFor();
        expect(await hostErrors(page)).toEqual([]);
        await page.context().close();
      });

      it("empty: nothing reported, and the store's policy", async () => {
        stub.orders.set(ORDER_ID, orderWith());
        const page = await open(language, "customer-account.order-status.block.render");
        await page.getByRole("heading", { name: t.heading }).waitFor();
        await page.getByText(t.empty).waitFor();
        await page.getByRole("heading", { name: t.policy }).waitFor();
        await page.getByText("We answer within one working day.").waitFor();
        await page.screenshot({ path: `tests/.tmp/extension-empty-${language}.png`, fullPage: true });
        const call = stub.calls.at(-1)!;
        expect(call).toMatchObject({ method: "GET", path: `/api/customer/orders/${ORDER_ID}`, sub: CUSTOMER });
        expect(await hostErrors(page)).toEqual([]);
        await page.context().close();
      });

      it("form errors: the form's own, then the endpoint's 422 on the right field", async () => {
        stub.orders.set(ORDER_ID, orderWith());
        const page = await open(language, "customer-account.order.action.render");
        await page.getByText("We answer within one working day.").waitFor(); // the policy, before reporting
        const before = stub.calls.length;

        await page.getByRole("button", { name: t.send }).click();
        expect(await fieldError(page, t.kind)).toBe(t.required);
        expect(await fieldError(page, t.message)).toBe(t.required);
        // Only what was bought: two shirts at most.
        await page.getByLabel(t.line).fill("3");
        await page.getByRole("button", { name: t.send }).click();
        expect(await fieldError(page, t.line)).toBe(t.range);
        expect(stub.calls.length).toBe(before); // nothing sent while the form is wrong
        await page.screenshot({ path: `tests/.tmp/extension-form-errors-${language}.png`, fullPage: true });

        // The endpoint refuses a quantity (say the line was partly refunded meanwhile).
        stub.onReport = () => ({ status: 422, body: { errors: { "lines.0.quantity": "quantity_out_of_range" } } });
        await page.getByLabel(t.kind).selectOption("wrong_item");
        await page.getByLabel(t.line).fill("2");
        await page.getByLabel(t.message).fill("The shirt is blue, I ordered green.");
        await page.getByRole("button", { name: t.send }).click();
        expect(await fieldError(page, t.line)).toBe(t.range);
        const sent = stub.calls.at(-1)?.body;
        // Too many reports: the wait the endpoint gives (Retry-After, exposed through CORS).
        stub.onReport = () => ({ status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": "90" } });
        await page.getByRole("button", { name: t.send }).click();
        await page.getByText(t.retry).waitFor();
        expect(sent).toEqual({
          kind: "wrong_item",
          lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
          message: "The shirt is blue, I ordered green.",
        });
        expect(await hostErrors(page)).toEqual([]);
        await page.context().close();
      });

      it("submitted: what happens next, by when, and the policy", async () => {
        stub.orders.set(ORDER_ID, orderWith());
        stub.onReport = () => ({
          status: 201,
          body: {
            report: { id: "r1", kind: "damaged", status: "received", createdAt: "2026-11-30T15:30:00.000Z", respondBy: RESPOND_BY },
            respondBy: RESPOND_BY,
          },
        });
        const page = await open(language, "customer-account.order.action.render");
        await page.getByLabel(t.kind).selectOption("damaged");
        await page.getByLabel("Canvas tote", { exact: false }).fill("1");
        await page.getByLabel(t.message).fill("  The handle was torn.  ");
        await page.getByRole("button", { name: t.send }).click();
        await page.getByRole("dialog", { name: t.done }).waitFor();
        const answerBy = await localDate(page, RESPOND_BY, LANGUAGES[language].locale, true);
        await page.getByText(`${t.answerBy} ${answerBy}`).waitFor();
        await page.getByText(ORDER.name, { exact: false }).first().waitFor();
        await page.getByText("Wrong or damaged items are replaced or refunded.").waitFor(); // the policy, after
        expect(stub.calls.at(-1)).toMatchObject({
          method: "POST",
          path: `/api/customer/orders/${ORDER_ID}/reports`,
          sub: CUSTOMER,
          body: { kind: "damaged", lines: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1 }], message: "The handle was torn." },
        });
        await page.screenshot({ path: `tests/.tmp/extension-submitted-${language}.png`, fullPage: true });
        await page.getByRole("button", { name: language === "en" ? "Close" : "Cerrar" }).click();
        expect(await page.evaluate(() => window.hostClosed)).toBe(true);
        expect(await hostErrors(page)).toEqual([]);
        await page.context().close();
      });

      it("under review: the report, its state and when the store will answer", async () => {
        stub.orders.set(
          ORDER_ID,
          orderWith({
            reports: [{ id: "r2", kind: "wrong_item", status: "reviewing", createdAt: "2026-11-29T10:00:00.000Z", respondBy: RESPOND_BY }],
          }),
        );
        const page = await open(language, "customer-account.order-status.block.render");
        await page.getByText(t.reviewing).waitFor();
        const reported = await localDate(page, "2026-11-29T10:00:00.000Z", LANGUAGES[language].locale, false);
        await page.getByText(reported, { exact: false }).waitFor();
        const answerBy = await localDate(page, RESPOND_BY, LANGUAGES[language].locale, true);
        await page.getByText(answerBy, { exact: false }).waitFor();
        await page.screenshot({ path: `tests/.tmp/extension-reviewing-${language}.png`, fullPage: true });
        expect(await hostErrors(page)).toEqual([]);
        await page.context().close();
      });

      it("resolved with a code: refund in the customer's money format, replacement, code to copy, the store's message", async () => {
        const endsAt = "2027-01-31T22:59:00.000Z";
        stub.orders.set(
          ORDER_ID,
          orderWith({
            incidents: [
              {
                id: "i1",
                kind: "late_delivery",
                status: "resolved",
                createdAt: "2026-11-28T09:00:00.000Z",
                respondBy: null,
                remedy: {
                  refund: { amount: "19.90", currencyCode: "EUR" },
                  replacementOrderName: "#1043",
                  discount: { code: "SORRY-7Q2K", endsAt },
                },
                message: "Sorry for the wait: here is 15% off your next order.",
              },
            ],
          }),
        );
        const page = await open(language, "customer-account.order-status.block.render");
        await page.getByText(t.resolved).waitFor();
        const money = await page.evaluate(
          (locale) => new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(19.9),
          LANGUAGES[language].locale,
        );
        expect(money).toBe(language === "en" ? "€19.90" : "19,90\u00a0€");
        await page.getByText(money, { exact: false }).waitFor();
        await page.getByText("#1043", { exact: false }).waitFor();
        await page.getByText("SORRY-7Q2K", { exact: false }).waitFor();
        await page.getByText(await localDate(page, endsAt, LANGUAGES[language].locale, true), { exact: false }).waitFor();
        await page.getByText("Sorry for the wait: here is 15% off your next order.").waitFor();
        await page.getByRole("button", { name: t.copy }).click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("SORRY-7Q2K");
        expect(await page.evaluate(() => window.hostToasts)).toEqual([t.copied]);
        await page.screenshot({ path: `tests/.tmp/extension-resolved-${language}.png`, fullPage: true });
        expect(await hostErrors(page)).toEqual([]);
        await page.context().close();
      });
    });
  }
});
