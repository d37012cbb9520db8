// Money arithmetic in integer minor units (cents). Shopify sends decimal strings; adding them as
// floats drifts (0.1 + 0.2), so every amount is parsed to an integer once and formatted back.
import type { Money } from "../../incidents/model";

/** ISO 4217 currencies whose minor unit is not 1/100. Everything else has two decimals. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function minorDigits(currencyCode: string): number {
  return MINOR_DIGITS[currencyCode.toUpperCase()] ?? 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * "12.5" → 1250 for USD. Digits beyond the currency's minor unit are rounded half away from
 * zero (Shopify sometimes sends "10.0", rarely more digits than the currency has).
 */
export function toMinor(amount: string, currencyCode: string): number {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`Not a decimal amount: "${amount}"`);
  const [, sign, whole = "0", fraction = ""] = match;
  const digits = minorDigits(currencyCode);
  const kept = fraction.slice(0, digits).padEnd(digits, "0");
  let minor = Number(whole) * 10 ** digits + Number(kept || "0");
  if ((fraction[digits] ?? "0") >= "5") minor += 1;
  if (!Number.isSafeInteger(minor)) throw new Error(`Amount out of range: "${amount}"`);
  return sign && minor !== 0 ? -minor : minor;
}

export function moneyToMinor(money: Money): number {
  return toMinor(money.amount, money.currencyCode);
}

/** 1250 → "12.50" for USD, 1250 → "1250" for JPY. */
export function formatMinor(minor: number, currencyCode: string): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`Minor units must be an integer: ${minor}`);
  const digits = minorDigits(currencyCode);
  const abs = Math.abs(minor)
    .toString()
    .padStart(digits + 1, "0");
  const whole = digits ? abs.slice(0, -digits) : abs;
  const fraction = digits ? `.${abs.slice(-digits)}` : "";
  return `${minor < 0 ? "-" : ""}${whole}${fraction}`;
}

export function fromMinor(minor: number, currencyCode: string): Money {
  return { amount: formatMinor(minor, currencyCode), currencyCode };
}

/**
 * `percentage` % of an amount, rounded half up to the minor unit. The percentage is taken in
 * hundredths (basis points) so 12.5 % stays an exact integer computation.
 */
export function percentOfMinor(minor: number, percentage: number): number {
  const basisPoints = Math.round(percentage * 100);
  const product = minor * basisPoints;
  if (!Number.isSafeInteger(product)) throw new Error("Amount out of range for a percentage");
  const rounded = Math.floor((Math.abs(product) + 5_000) / 10_000);
  return product < 0 ? -rounded : rounded;
}

/** "$12.00" for en-US: for people, never for arithmetic. */
export function formatMoney(money: Money, locale: string): string {
  const digits = minorDigits(money.currencyCode);
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: money.currencyCode,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(money.amount));
}
