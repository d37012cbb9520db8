// The policy a new shop starts with. Detected, store-caused incidents (stock-outs, delays) are
// remedied automatically; customer-reported claims that cost goods wait for the merchant.
import type { KindPolicy, RemediationPolicy, RemedyTemplate } from "./schema";

const message: RemedyTemplate = { type: "message" };
const refundItems: RemedyTemplate = {
  type: "refund",
  scope: "affected_items",
  includeShipping: false,
};
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
  // Caps are plain numbers in the shop currency: defaultPolicyFor() swaps the code. In a
  // currency worth far less than the dollar they are strict, which only means more approvals.
  currencyCode: "USD",
  kinds: {
    stock_out_cancellation: kind("automatic", [message, refundItems, percentCode(10)]),
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

/** The default policy for a shop whose currency is `currencyCode`. */
export function defaultPolicyFor(currencyCode: string): RemediationPolicy {
  return { ...structuredClone(DEFAULT_POLICY), currencyCode };
}
