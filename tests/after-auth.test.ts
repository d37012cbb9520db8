// The shop's profile is read at install: app/shopify.server.ts's afterAuth hook, given the
// Shopify library's own admin context (as the library calls it after OAuth or token exchange),
// asks the Admin API and stores the currency, zone, country, locale, name and contact e-mail.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "../app/db.server";
import { afterAuth, unauthenticated } from "../app/shopify.server";
import type { RunningEmulator } from "./shopify-emulator";
import { startEmulator } from "./shopify-emulator";

const SHOP = "ceramica-lucia.myshopify.com";
const TOKEN = "shpat_after_auth";

describe("afterAuth", () => {
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startEmulator();
    emu.store.createShop({
      domain: SHOP,
      accessToken: TOKEN,
      name: "Cerámica Lucía",
      email: "hola@ceramica-lucia.example",
      currencyCode: "EUR",
      ianaTimezone: "Europe/Madrid",
      countryCode: "ES",
      primaryLocale: "es",
    });
    await db().session.create({
      data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: TOKEN, scope: "read_locales,write_orders" },
    });
    // The library's requests to https://{shop}/admin/api/... go to the local store instead.
    setAbstractFetchFunc((input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      return fetch(url.hostname === SHOP ? emu.graphqlUrl(SHOP) : url, init);
    });
  });

  afterAll(async () => {
    await emu.close();
  });

  it("stores the shop's profile from the Admin API", async () => {
    expect(await db().shop.findUnique({ where: { domain: SHOP } })).toBeNull();
    const { admin, session } = await unauthenticated.admin(SHOP);
    await afterAuth({ session, admin });
    expect(await db().shop.findUniqueOrThrow({ where: { domain: SHOP } })).toMatchObject({
      name: "Cerámica Lucía",
      currencyCode: "EUR",
      timeZone: "Europe/Madrid",
      country: "ES",
      primaryLocale: "es",
      email: "hola@ceramica-lucia.example",
    });
    expect(emu.requests.map((r) => r.operationName)).toEqual(["ShopProfile"]);

    // Installed again after the merchant moved the shop to Tokyo: the new profile replaces it.
    emu.store.updateShop(SHOP, { currencyCode: "JPY", ianaTimezone: "Asia/Tokyo", countryCode: "JP", primaryLocale: "ja" });
    await afterAuth({ session, admin });
    expect(await db().shop.findUniqueOrThrow({ where: { domain: SHOP } })).toMatchObject({ currencyCode: "JPY", timeZone: "Asia/Tokyo", primaryLocale: "ja" });
  });

  it("installing again after an uninstall counts the shop as installed again", async () => {
    // app/uninstalled recorded when the merchant removed Amends (its orders stopped being swept).
    await db().shop.update({ where: { domain: SHOP }, data: { uninstalledAt: new Date("2026-11-20T12:00:00Z") } });
    const { admin, session } = await unauthenticated.admin(SHOP);
    await afterAuth({ session, admin });
    expect((await db().shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).toBeNull();
  });
});
