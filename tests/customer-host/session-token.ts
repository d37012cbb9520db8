// Session tokens as Shopify signs them for customer-account extensions: a JWT, HS256 with the
// app's client secret, that the app verifies with authenticate.public.customerAccount.
// Claims (shopify.dev "Session Token API", customer-account-ui-extensions; "About session
// tokens" for iss/dest): dest is the shop's URL, aud the app's client id, sub the signed-in
// customer's GID, and a 5-minute lifetime (exp), not valid before nbf, issued at iat, unique jti.
import { randomUUID } from "node:crypto";

import { SignJWT } from "jose";

export interface CustomerTokenClaims {
  shop: string;
  apiKey: string;
  apiSecret: string;
  customerId: string;
  /** Seconds since the epoch; now by default. Tests move it to make expired or future tokens. */
  issuedAt?: number;
  /** Shopify's tokens live 5 minutes. */
  ttlSeconds?: number;
}

export const SESSION_TOKEN_TTL_SECONDS = 300;

export async function signCustomerSessionToken(claims: CustomerTokenClaims): Promise<string> {
  const iat = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${claims.shop}` })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${claims.shop}/admin`)
    .setAudience(claims.apiKey)
    .setSubject(claims.customerId)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (claims.ttlSeconds ?? SESSION_TOKEN_TTL_SECONDS))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(claims.apiSecret));
}
