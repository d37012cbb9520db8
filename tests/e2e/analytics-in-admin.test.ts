// The CSV export as it works inside Shopify admin, in Chromium: the app NOT in demo mode, so
// every request must carry a Shopify session token. The page is opened as Shopify admin opens
// an embedded app (embedded=1, shop, host and a session token signed with the app's secret,
// for a staff member with a stored online session). App Bridge's script comes from Shopify's
// CDN, unreachable here: the test answers that request with an empty script and puts a
// stand-in `window.shopify` (idToken(), toast.show()) in the page, so what is tested is Amends'
// side: the click fetches the export with `Authorization: Bearer <token>`, the server accepts
// that token, and the file is saved with its CSV header. Not tested: App Bridge itself.
import { readFileSync } from "node:fs";

import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { describe, expect, it } from "vitest";

import { sessionToken } from "../customer/support";
import { seedIncidents } from "../support/seed-incidents";
import { chromiumAvailable } from "./app-server";
import { demoAdminFor } from "./demo-admin";

const SHOP = "e2e-embedded.myshopify.com";
const USER_ID = "70001";
const COUNT = 30;

describe.skipIf(!chromiumAvailable)("the CSV export inside Shopify admin, in Chromium", () => {
  const running = demoAdminFor(SHOP, {
    demo: false,
    async seed(db, url) {
      // The staff member's online session, as token exchange stores it.
      await new PrismaSessionStorage(db).storeSession(
        new Session({
          id: `${SHOP}_${USER_ID}`,
          shop: SHOP,
          state: "",
          isOnline: true,
          accessToken: "online-access-token",
          scope: process.env.SCOPES ?? "write_orders",
          expires: new Date(Date.now() + 3_600_000),
          onlineAccessInfo: {
            expires_in: 3600,
            associated_user_scope: "write_orders",
            associated_user: {
              id: Number(USER_ID),
              first_name: "Carmen",
              last_name: "Soler",
              email: "carmen@lanaylino.example",
              email_verified: true,
              account_owner: true,
              locale: "es",
              collaborator: false,
            },
          },
        }),
      );
      await seedIncidents(url.replace(/^file:/, ""), { shop: SHOP, count: COUNT, newest: new Date(Date.now() - 3_600_000), spacingMinutes: 60 });
    },
  });

  it("fetches the export with the session token and saves the file", async () => {
    const admin = running();
    // Shopify's library answers "HeadlessChrome" as a bot (410 Gone): a merchant's browser says Chrome.
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${admin.browser.version()} Safari/537.36`;
    const context = await admin.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, userAgent });
    await context.route("https://cdn.shopify.com/**", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
    const token = () => sessionToken({ shop: SHOP, customerId: USER_ID, expiresIn: 300 });
    const issued = token();
    await context.addInitScript(
      ({ value }) => {
        const page = window as unknown as { __toasts: string[]; __failToken: boolean; shopify: unknown };
        page.__toasts = [];
        page.__failToken = false;
        page.shopify = {
          idToken: () => (page.__failToken ? Promise.reject(new Error("no token")) : Promise.resolve(value)),
          toast: { show: (message: string) => page.__toasts.push(message) },
        };
      },
      { value: issued },
    );
    const page = await context.newPage();
    const host = Buffer.from(`admin.shopify.com/store/${SHOP.replace(".myshopify.com", "")}`).toString("base64url");
    const response = await page.goto(`${admin.base}/app/analytics?embedded=1&shop=${SHOP}&host=${host}&id_token=${token()}`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { name: "Analytics" }).first().waitFor();
    await page.screenshot({ path: "tests/e2e/artifacts/analytics-embedded-1280.png", fullPage: true });

    // Without the token the export is not given out (Shopify's library answers with a bounce or a
    // login, not the file): the header is what opens it.
    const bare = await page.evaluate(async () => {
      const answer = await fetch("/app/analytics/export", { redirect: "manual" });
      return { status: answer.status, type: answer.headers.get("content-type") ?? "" };
    });
    expect(bare.type).not.toContain("text/csv");

    const asked = page.waitForRequest((request) => request.url().includes("/app/analytics/export"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download incidents as CSV" }).click()]);
    const request = await asked;
    expect(await request.headerValue("authorization")).toBe(`Bearer ${issued}`);
    expect(download.suggestedFilename()).toMatch(/^amends-incidents-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await download.path(), "utf8").split("\r\n").filter(Boolean);
    expect(lines[0]).toContain("Created (Europe/Madrid)");
    expect(lines).toHaveLength(COUNT + 1);

    // No token to be had: the merchant is told, and nothing is saved.
    await page.evaluate(() => ((window as unknown as { __failToken: boolean }).__failToken = true));
    await page.getByRole("link", { name: "Download incidents as CSV" }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts))
      .toEqual(["The export could not be made; try again in a moment."]);
    await context.close();
  }, 120_000);
});
