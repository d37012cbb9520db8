// The policy a new shop starts with. Detected, store-caused incidents (stock-outs, delays) are
// remedied automatically; customer-reported claims that cost goods wait for the merchant.
import { formatMinor, toMinor } from "./money";
import type { KindPolicy, RemediationPolicy, RemedyTemplate } from "./schema";

const message: RemedyTemplate = { type: "message" };
const refundItems: RemedyTemplate = {
  type: "refund",
  scope: "affected_items",
  includeShipping: "never",
};
// A stock-out that empties the order gives back the shipping too: nothing is left to ship.
const refundStockOut: RemedyTemplate = { ...refundItems, includeShipping: "whole_order" };
const replacement: RemedyTemplate = { type: "replacement" };
const percentCode = (percentage: number): RemedyTemplate => ({
  type: "discount_code",
  value: { percentage },
  expiresInDays: 30,
});

function kind(
  mode: KindPolicy["mode"],
  remedies: RemedyTemplate[],
  extra: Partial<Pick<KindPolicy, "alternatives" | "conditions">> = {},
): KindPolicy {
  return {
    mode,
    remedies,
    alternatives: extra.alternatives ?? [],
    conditions: extra.conditions ?? {},
    messageTemplate: null,
  };
}

export const DEFAULT_POLICY: RemediationPolicy = {
  // In dollars: defaultPolicyFor() gives a shop the same caps as round amounts in its currency.
  currencyCode: "USD",
  kinds: {
    stock_out_cancellation: kind("automatic", [message, refundStockOut, percentCode(10)]),
    // A warning before the stock-out happens: the merchant decides whether to tell the customer.
    oversell_risk: kind("manual", [message]),
    late_fulfilment: kind("automatic", [message, percentCode(10)]),
    // "More than 5 days late": days are whole, so at least 6.
    late_delivery: kind("automatic", [message, percentCode(15)], {
      conditions: { minDaysLate: 6 },
    }),
    // A status update while the carrier is asked; "lost" is the claim that costs goods.
    possibly_lost: kind("automatic", [message]),
    carrier_exception: kind("automatic", [message]),
    wrong_item: kind("manual", [message, replacement]),
    wrong_quantity: kind("manual", [message, replacement]),
    // Customer-reported and costs goods, like the other claims: the merchant approves.
    missing_item: kind("manual", [message, replacement]),
    damaged: kind("manual", [message, replacement], { alternatives: [[message, refundItems]] }),
    lost: kind("manual", [message, replacement]),
    // Usually the address the customer typed: the merchant decides what, if anything, to offer.
    wrong_address: kind("manual", [message]),
    // Anything else a customer writes: the merchant reads it and decides.
    other: kind("manual", [message]),
  },
  caps: {
    maxPerIncident: "150.00",
    maxPerCustomer12Months: "300.00",
    maxPerDayStoreWide: "1000.00",
  },
  abuse: {
    incidentsLast12Months: 3,
    refundedLast12Months: "150.00",
    refundRatePercent: 30,
    refundRateMinRefunded: "25.00",
    firstOrderClaimValue: "100.00",
  },
};

/**
 * Roughly how many units of a currency a US dollar buys (late 2026, rounded). Only the starting
 * caps and thresholds of a new shop come from it, rounded to amounts a merchant would pick; the
 * merchant edits them in settings. Prices are never converted.
 */
const UNITS_PER_DOLLAR: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 0.9,
  GBP: 0.78,
  CHF: 0.88,
  CAD: 1.4,
  AUD: 1.55,
  NZD: 1.7,
  SEK: 10.5,
  NOK: 11,
  DKK: 6.8,
  ISK: 140,
  PLN: 3.9,
  CZK: 23,
  HUF: 360,
  RON: 4.6,
  TRY: 40,
  ILS: 3.7,
  AED: 3.67,
  SAR: 3.75,
  QAR: 3.64,
  KWD: 0.31,
  BHD: 0.38,
  OMR: 0.38,
  JOD: 0.71,
  TND: 3,
  ZAR: 18,
  EGP: 48,
  INR: 85,
  JPY: 150,
  KRW: 1400,
  CNY: 7.2,
  HKD: 7.8,
  TWD: 32,
  SGD: 1.3,
  MYR: 4.4,
  THB: 35,
  IDR: 16_000,
  PHP: 57,
  VND: 25_000,
  MXN: 18,
  BRL: 5.5,
  CLP: 950,
  COP: 4_000,
  PEN: 3.7,
  ARS: 1_000,
};

/** The steps a merchant would write an amount in: 100, 150, 200, 250, 300, 400, 500, 600, 750. */
const ROUND_STEPS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10];

/** `amount` rounded (by ratio) to the nearest round amount, e.g. 135 → 150, 22 500 → 25 000. */
export function roundAmount(amount: number): number {
  if (!(amount > 0)) throw new RangeError(`Not a positive amount: ${amount}`);
  const scale = 10 ** Math.floor(Math.log10(amount));
  const ratio = amount / scale;
  let best = ROUND_STEPS[0] ?? 1;
  for (const step of ROUND_STEPS) {
    if (Math.abs(Math.log(step / ratio)) < Math.abs(Math.log(best / ratio))) best = step;
  }
  // toPrecision drops the float noise of e.g. 7.5 * 0.1.
  return Number((best * scale).toPrecision(6));
}

/** A dollar amount of the default policy as a round amount in `currencyCode`, or null when
 * Amends has no rate for the currency. */
export function roundAmountIn(usd: string, currencyCode: string): string | null {
  const rate = UNITS_PER_DOLLAR[currencyCode.toUpperCase()];
  if (rate === undefined) return null;
  const rounded = roundAmount((toMinor(usd, "USD") / 100) * rate);
  // Half a minor unit can't be paid: round amounts are whole units above a few hundredths.
  return formatMinor(toMinor(String(rounded), currencyCode), currencyCode);
}

/**
 * The default policy for a shop whose currency is `currencyCode`: the dollar caps and
 * thresholds as round amounts in that currency. For a currency Amends has no rate for, the
 * amounts are kept as numbers and every kind waits for the merchant, who sets the amounts.
 */
export function defaultPolicyFor(currencyCode: string): RemediationPolicy {
  const policy: RemediationPolicy = { ...structuredClone(DEFAULT_POLICY), currencyCode };
  if (UNITS_PER_DOLLAR[currencyCode.toUpperCase()] === undefined) {
    for (const kind of Object.values(policy.kinds)) kind.mode = "manual";
    return policy;
  }
  const convert = (usd: string) => roundAmountIn(usd, currencyCode) ?? usd;
  const { caps, abuse } = DEFAULT_POLICY;
  policy.caps = {
    maxPerIncident: caps.maxPerIncident && convert(caps.maxPerIncident),
    maxPerCustomer12Months: caps.maxPerCustomer12Months && convert(caps.maxPerCustomer12Months),
    maxPerDayStoreWide: caps.maxPerDayStoreWide && convert(caps.maxPerDayStoreWide),
  };
  policy.abuse = {
    ...abuse,
    refundedLast12Months: convert(abuse.refundedLast12Months),
    refundRateMinRefunded: convert(abuse.refundRateMinRefunded),
    firstOrderClaimValue: convert(abuse.firstOrderClaimValue),
  };
  return policy;
}
