// Shopify signs each webhook body with the app's secret: base64 HMAC-SHA256 of the raw bytes.
import { createHmac, timingSafeEqual } from "node:crypto";

export function webhookSignature(body: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

// The canonical base64 of 32 bytes: 43 characters and one "=". Node's base64 decoder skips
// characters it does not know, stops at padding and accepts a missing one, so a truncated,
// padded or junk-laden header could still decode to the right bytes: only this form is read.
const CANONICAL_SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Constant-time check of X-Shopify-Hmac-Sha256 against the raw body. */
export function isAuthenticWebhook(
  body: Buffer | string,
  hmacHeader: string | undefined | null,
  secret: string,
): boolean {
  if (!hmacHeader || !CANONICAL_SHA256_BASE64.test(hmacHeader)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
