// Shopify signs each webhook body with the app's secret: base64 HMAC-SHA256 of the raw bytes.
import { createHmac, timingSafeEqual } from "node:crypto";

export function webhookSignature(body: Buffer | string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/** Constant-time check of X-Shopify-Hmac-Sha256 against the raw body. */
export function isAuthenticWebhook(
  body: Buffer | string,
  hmacHeader: string | undefined | null,
  secret: string,
): boolean {
  if (!hmacHeader) return false;
  const expected = Buffer.from(webhookSignature(body, secret), "base64");
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
