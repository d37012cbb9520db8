// Shared set-up for the customer endpoint's tests: session tokens signed as Shopify signs them
// for customer-account extensions, and a shop in the emulator with two customers and their
// orders, installed in Amends (Shop row with a policy, offline Session).
import { createHmac, randomUUID } from "node:crypto";

import type { Database } from "../../app/db.server";
import type { RemediationPolicy } from "../../app/remediation/policy";
import { defaultPolicyFor } from "../../app/remediation/policy";
import type { OrderRecord, RunningEmulator } from "../shopify-emulator";

/** vitest.config.ts's env: the app's client id and secret. */
export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";
export const ORIGIN = "https://extensions.shopifycdn.com";

export interface TokenClaims {
  shop: string;
  customerId: string;
  /** Seconds from now. */
  expiresIn?: number;
  notBeforeIn?: number;
  aud?: string;
  secret?: string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An HS256 JWT with the claims Shopify puts in a customer-account extension's session token
 * (shopify.dev "Session tokens": iss, dest, aud, sub, exp, nbf, iat, jti, sid), signed with the
 * app's client secret. */
export function sessionToken(claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({
      iss: `https://${claims.shop}/admin`,
      dest: `https://${claims.shop}`,
      aud: claims.aud ?? API_KEY,
      sub: claims.customerId,
      exp: now + (claims.expiresIn ?? 60),
      nbf: now + (claims.notBeforeIn ?? -5),
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", claims.secret ?? API_SECRET).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export const numericId = (gid: string) => gid.split("/").pop() ?? "";

export interface CustomerShop {
  shop: string;
  ada: string;
  bob: string;
  /** Ada's order: 2 × Blue Mug, 1 × Tea Towel. */
  order: OrderRecord;
  /** Bob's order. */
  bobsOrder: OrderRecord;
}

/** A policy that remedies damaged items alone (refund and a 10 % code) and leaves wrong items
 * to the merchant (the default). */
export function testPolicy(): RemediationPolicy {
  const policy = defaultPolicyFor("USD");
  policy.kinds.damaged = {
    mode: "automatic",
    remedies: [
      { type: "message" },
      { type: "refund", scope: "affected_items", includeShipping: "never" },
      { type: "discount_code", value: { percentage: 10 }, expiresInDays: 30 },
    ],
    alternatives: [],
    conditions: {},
    messageTemplate: null,
  };
  return policy;
}

export async function customerShop(
  db: Database,
  emu: RunningEmulator,
  options: { resolutionPolicy?: string } = {},
): Promise<CustomerShop> {
  const shop = `customer-${randomUUID().slice(0, 8)}.myshopify.com`;
  const token = `shpat_${randomUUID().slice(0, 8)}`;
  emu.store.createShop({ domain: shop, accessToken: token, currencyCode: "USD", ianaTimezone: "UTC" });
  const mug = emu.store.addProduct(shop, { title: "Blue Mug", variants: [{ price: "12.00", sku: "MUG-B", available: 5 }] });
  const towel = emu.store.addProduct(shop, { title: "Tea Towel", variants: [{ price: "8.00", available: 5 }] });
  const address = { address1: "1 Analytical Way", city: "London", countryCode: "GB", zip: "N1 1AA" };
  const ada = emu.store.addCustomer(shop, { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address: { firstName: "Ada", lastName: "Lovelace", ...address } });
  const bob = emu.store.addCustomer(shop, { firstName: "Bob", lastName: "Babbage", email: "bob@example.com", address: { firstName: "Bob", lastName: "Babbage", ...address } });
  const order = emu.store.addOrder(
    shop,
    {
      customerId: ada.id,
      lineItems: [
        { variantId: mug.variantIds[0] ?? "", quantity: 2 },
        { variantId: towel.variantIds[0] ?? "", quantity: 1 },
      ],
      shippingLine: { title: "Standard", price: "5.00" },
    },
    { silent: true },
  );
  const bobsOrder = emu.store.addOrder(shop, { customerId: bob.id, lineItems: [{ variantId: towel.variantIds[0] ?? "", quantity: 1 }] }, { silent: true });
  await db.shop.create({
    data: {
      domain: shop,
      currencyCode: "USD",
      timeZone: "UTC",
      policy: testPolicy() as object,
      ...(options.resolutionPolicy ? { resolutionPolicy: options.resolutionPolicy } : {}),
    },
  });
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token, scope: "write_orders" } });
  return { shop, ada: ada.id, bob: bob.id, order, bobsOrder };
}
