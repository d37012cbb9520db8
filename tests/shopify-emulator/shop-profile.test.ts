// A shop that is not a US dollar shop: the emulator's `shop` and `shopLocales` answer its
// currency, zone, country and locale; its orders and refunds are in its currency, to that
// currency's minor unit (none for yen, three decimals for dinars), and an amount the currency
// cannot express is refused; editing the shop sends shop/update.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { GraphQLResponseBody, RunningEmulator, StoreEvent } from "./index";
import { renderEventPayload, startEmulator } from "./index";

const TOKEN = "shpat_profile";
let emu: RunningEmulator;

async function post(shop: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponseBody> {
  const res = await fetch(emu.graphqlUrl(shop), {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponseBody;
}

const PROFILE = `query ShopProfile {
  shop { name currencyCode ianaTimezone contactEmail shopAddress { countryCodeV2 } }
  shopLocales { locale primary }
}`;

const ORDER = `query Order($id: ID!) {
  order(id: $id) {
    currencyCode
    totalPriceSet { shopMoney { amount currencyCode } }
    lineItems(first: 5) { nodes { originalUnitPriceSet { shopMoney { amount currencyCode } } } }
  }
}`;

const REFUND = `mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount currencyCode } } }
    userErrors { field message }
  }
}`;

function shopWithOrder(domain: string, profile: Parameters<RunningEmulator["store"]["createShop"]>[0], price: string) {
  emu.store.createShop({ ...profile, domain, accessToken: TOKEN });
  const product = emu.store.addProduct(domain, { title: "Tetera", variants: [{ price, available: 5 }] });
  const order = emu.store.addOrder(domain, { lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 2 }] }, { silent: true });
  const sale = order.transactions[0];
  if (!sale) throw new Error("the order has no sale");
  return { order, sale };
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

describe("a shop in its own currency, zone and language", () => {
  it("answers a yen shop in Tokyo: profile, orders in whole yen, refunds in whole yen only", async () => {
    const shop = "tokyo-tea.myshopify.com";
    const { order, sale } = shopWithOrder(
      shop,
      { domain: shop, name: "Tokyo Tea", email: "info@tokyo-tea.example", currencyCode: "JPY", ianaTimezone: "Asia/Tokyo", countryCode: "JP", primaryLocale: "ja" },
      "1200",
    );
    const profile = await post(shop, PROFILE);
    expect(profile.data).toEqual({
      shop: { name: "Tokyo Tea", currencyCode: "JPY", ianaTimezone: "Asia/Tokyo", contactEmail: "info@tokyo-tea.example", shopAddress: { countryCodeV2: "JP" } },
      shopLocales: [{ locale: "ja", primary: true }],
    });

    const read = await post(shop, ORDER, { id: order.id });
    expect(read.data).toMatchObject({
      order: {
        currencyCode: "JPY",
        totalPriceSet: { shopMoney: { amount: "2400", currencyCode: "JPY" } },
        lineItems: { nodes: [{ originalUnitPriceSet: { shopMoney: { amount: "1200", currencyCode: "JPY" } } }] },
      },
    });

    const transaction = (amount: string) => ({ orderId: order.id, parentId: sale.id, gateway: sale.gateway, kind: "REFUND", amount });
    const halfYen = await post(shop, REFUND, { key: "yen-1", input: { orderId: order.id, transactions: [transaction("100.5")] } });
    expect(halfYen.data?.refundCreate).toMatchObject({
      refund: null,
      userErrors: [{ field: ["transactions", "0", "amount"], message: expect.stringMatching(/JPY has no decimals/) as unknown }],
    });
    expect(order.refunds).toHaveLength(0);

    const whole = await post(shop, REFUND, { key: "yen-2", input: { orderId: order.id, transactions: [transaction("100")] } });
    expect(whole.data?.refundCreate).toMatchObject({
      refund: { totalRefundedSet: { shopMoney: { amount: "100", currencyCode: "JPY" } } },
      userErrors: [],
    });
  });

  it("keeps three decimals for a dinar shop, and two for a euro shop in Madrid", async () => {
    const kuwait = "souq.myshopify.com";
    const { order } = shopWithOrder(kuwait, { domain: kuwait, currencyCode: "KWD", ianaTimezone: "Asia/Kuwait", countryCode: "KW", primaryLocale: "ar" }, "12.125");
    expect((await post(kuwait, ORDER, { id: order.id })).data).toMatchObject({
      order: { totalPriceSet: { shopMoney: { amount: "24.250", currencyCode: "KWD" } } },
    });

    const madrid = "tienda.myshopify.com";
    const euros = shopWithOrder(madrid, { domain: madrid, currencyCode: "EUR", ianaTimezone: "Europe/Madrid", countryCode: "ES", primaryLocale: "es" }, "19.95");
    expect((await post(madrid, ORDER, { id: euros.order.id })).data).toMatchObject({
      order: { totalPriceSet: { shopMoney: { amount: "39.90", currencyCode: "EUR" } } },
    });
    // A third decimal is no more a euro amount than half a yen.
    expect(() => emu.store.addProduct(madrid, { title: "x", variants: [{ price: "1.999" }] })).toThrow(/EUR has 2 decimals/);
  });

  it("sends shop/update when the merchant changes the shop", () => {
    const shop = "moving.myshopify.com";
    emu.store.createShop({ domain: shop, accessToken: TOKEN });
    const sent: StoreEvent[] = [];
    const stop = emu.store.onEvent((event) => sent.push(event));
    emu.store.updateShop(shop, { currencyCode: "EUR", ianaTimezone: "Europe/Madrid", countryCode: "ES", primaryLocale: "es" });
    stop();
    expect(sent.map((e) => e.topic)).toEqual(["shop/update"]);
    const [event] = sent;
    if (!event) throw new Error("no event");
    expect(renderEventPayload(emu.store, event)).toMatchObject({
      currency: "EUR",
      iana_timezone: "Europe/Madrid",
      country_code: "ES",
      primary_locale: "es",
      myshopify_domain: shop,
    });
  });
});
