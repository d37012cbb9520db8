// The stand-in host's session tokens are the ones the app accepts: decoded by the Shopify
// library's decodeSessionToken (what authenticate.public.customerAccount calls), with the claims
// Shopify documents; an expired, a not-yet-valid or a forged one is refused the same way.
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";

import { signCustomerSessionToken } from "./session-token";

const api = shopifyApi({
  apiKey: "client-id",
  apiSecretKey: "app-secret",
  hostName: "amends.example.com",
  apiVersion: ApiVersion.October26,
  isEmbeddedApp: true,
});
const claims = { shop: "token-shop.myshopify.com", apiKey: "client-id", apiSecret: "app-secret", customerId: "gid://shopify/Customer/42" };
const now = () => Math.floor(Date.now() / 1000);

describe("customer session tokens from the stand-in host", () => {
  it("verify with the app's secret and carry dest, aud, sub and a 5-minute lifetime", async () => {
    const payload = await api.session.decodeSessionToken(await signCustomerSessionToken(claims));
    expect(payload).toMatchObject({
      iss: "https://token-shop.myshopify.com/admin",
      dest: "https://token-shop.myshopify.com",
      aud: "client-id",
      sub: "gid://shopify/Customer/42",
    });
    expect(payload.exp - payload.iat).toBe(300);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("are refused when expired, not yet valid, or signed with another secret", async () => {
    const expired = await signCustomerSessionToken({ ...claims, issuedAt: now() - 600 });
    const future = await signCustomerSessionToken({ ...claims, issuedAt: now() + 600 });
    const forged = await signCustomerSessionToken({ ...claims, apiSecret: "not-the-secret" });
    for (const token of [expired, future, forged]) {
      await expect(api.session.decodeSessionToken(token)).rejects.toThrow(/Failed to parse session token/);
    }
  });
});
