// Words and formats for the customer, always through Shopify's i18n API: the strings live in
// locales/*.json (Shopify serves them; they are not in the bundle), numbers, money and dates are
// formatted in the customer's locale. Nothing here assumes English, a currency or a time zone.
import type { I18n } from "@shopify/ui-extensions/customer-account";

import { FIELD_ERROR_CODES, type CaseKind, type Money } from "./api-contract";

export type Translate = (key: string, replacements?: Record<string, string | number>) => string;

export function translator(i18n: I18n): Translate {
  return (key, replacements) => i18n.translate(key, replacements);
}

export function kindTitle(t: Translate, kind: CaseKind | string): string {
  return t(`kind.${kind}`);
}

/** A field error code (ours or the endpoint's) in the customer's words. */
export function errorText(t: Translate, code: string, max?: number): string {
  if (code === "quantity_out_of_range" && max !== undefined) return t("errors.quantity_out_of_range", { max });
  return (FIELD_ERROR_CODES as readonly string[]).includes(code) ? t(`errors.${code}`) : t("errors.generic");
}

export function formatMoney(i18n: I18n, money: Money): string {
  // Number() only for display: Intl formats a number; the amount is never computed with here.
  return i18n.formatCurrency(Number(money.amount), { currency: money.currencyCode });
}

export function formatDate(i18n: I18n, iso: string, withTime = false): string {
  return i18n.formatDate(
    new Date(iso),
    withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" },
  );
}

/** "Try again in 2 minutes" from a Retry-After in seconds (rounded up). */
export function retryText(t: Translate, seconds: number | null): string {
  if (!seconds) return t("errors.rate_limited_later");
  return t("errors.rate_limited", { count: Math.max(1, Math.ceil(seconds / 60)) });
}
