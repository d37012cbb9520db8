import { describe, expect, it } from "vitest";

import { DEFAULT_POLICY } from "./defaults";
import {
  firstOrderClaimSignal,
  incidentCountSignal,
  isCustomerClaim,
  perCustomerCap,
  perDayCap,
  perIncidentCap,
  refundRateSignal,
  refundedTotalSignal,
} from "./signals";
import type { CustomerHistory } from "./types";

const usd = (amount: string) => ({ amount, currencyCode: "USD" });
const context = { currencyCode: "USD", locale: "en-US" };
const caps = DEFAULT_POLICY.caps; // 150 per incident, 300 per customer, 1,000 per day
const abuse = DEFAULT_POLICY.abuse; // 3 incidents, 150 refunded, 30 % over 25, 100 first order

const history = (over: Partial<CustomerHistory> = {}): CustomerHistory => ({
  incidentsLast12Months: 0,
  refundedLast12Months: usd("0.00"),
  numberOfOrders: 5,
  amountSpent: usd("500.00"),
  ...over,
});

describe("perIncidentCap", () => {
  it("allows a cost equal to the cap and fires one cent above", () => {
    expect(perIncidentCap(usd("150.00"), caps, context)).toBeNull();
    expect(perIncidentCap(usd("150.01"), caps, context)).toEqual({
      flag: "cap_per_incident",
      reason: "The estimated cost of $150.01 is above the $150.00 cap per incident.",
    });
  });

  it("is off when the cap is null, and silent for other currencies", () => {
    expect(perIncidentCap(usd("9999.00"), { ...caps, maxPerIncident: null }, context)).toBeNull();
    expect(perIncidentCap({ amount: "9999.00", currencyCode: "EUR" }, caps, context)).toBeNull();
  });
});

describe("perCustomerCap", () => {
  it("adds this incident to the customer's refunds so far", () => {
    const before = history({ refundedLast12Months: usd("240.00") });
    expect(perCustomerCap(usd("60.00"), before, caps, context)).toBeNull();
    expect(perCustomerCap(usd("80.00"), before, caps, context)).toEqual({
      flag: "cap_per_customer",
      reason:
        "This customer has been refunded $240.00 in the last 12 months; with this incident's $80.00 that is $320.00, above the $300.00 cap per customer.",
    });
  });

  it("never fires for a plan that costs nothing", () => {
    const over = history({ refundedLast12Months: usd("900.00") });
    expect(perCustomerCap(usd("0.00"), over, caps, context)).toBeNull();
  });
});

describe("perDayCap", () => {
  it("adds this incident to the store's remedies today", () => {
    expect(perDayCap(usd("50.00"), { remediatedToday: usd("950.00") }, caps, context)).toBeNull();
    expect(perDayCap(usd("50.01"), { remediatedToday: usd("950.00") }, caps, context)).toEqual({
      flag: "cap_per_day",
      reason:
        "Remedies today total $950.00; with this incident's $50.01 that is $1,000.01, above the $1,000.00 daily cap.",
    });
  });
});

describe("incidentCountSignal", () => {
  it("fires from 3 earlier incidents", () => {
    expect(incidentCountSignal(history({ incidentsLast12Months: 2 }), abuse)).toBeNull();
    expect(incidentCountSignal(history({ incidentsLast12Months: 3 }), abuse)).toEqual({
      flag: "abuse_incident_count",
      reason: "This customer has reported 3 problems in the last 12 months (review from 3).",
    });
  });
});

describe("refundedTotalSignal", () => {
  it("fires above the threshold, not at it", () => {
    expect(
      refundedTotalSignal(history({ refundedLast12Months: usd("150.00") }), abuse, context),
    ).toBeNull();
    expect(
      refundedTotalSignal(history({ refundedLast12Months: usd("150.01") }), abuse, context),
    ).toEqual({
      flag: "abuse_refunded_total",
      reason:
        "This customer has been refunded $150.01 in the last 12 months, above the $150.00 review threshold.",
    });
  });
});

describe("refundRateSignal", () => {
  it("fires when refunds exceed 30 % of lifetime spend", () => {
    const at30 = history({ refundedLast12Months: usd("60.00"), amountSpent: usd("200.00") });
    expect(refundRateSignal(at30, abuse, context)).toBeNull();
    const above = history({ refundedLast12Months: usd("60.01"), amountSpent: usd("200.00") });
    expect(refundRateSignal(above, abuse, context)).toEqual({
      flag: "abuse_refund_rate",
      reason:
        "Refunds of $60.01 in the last 12 months are 30% of their $200.00 lifetime spend (review above 30%).",
    });
  });

  it("ignores small refunds however high the rate", () => {
    const small = history({ refundedLast12Months: usd("24.99"), amountSpent: usd("30.00") });
    expect(refundRateSignal(small, abuse, context)).toBeNull();
  });

  it("fires when the customer has spent nothing at all", () => {
    const none = history({ refundedLast12Months: usd("40.00"), amountSpent: usd("0.00") });
    expect(refundRateSignal(none, abuse, context)?.reason).toBe(
      "Refunds of $40.00 in the last 12 months are more than they have spent (review above 30%).",
    );
  });
});

describe("firstOrderClaimSignal", () => {
  const first = history({ numberOfOrders: 1, amountSpent: usd("120.00") });

  it("fires for a high-value reported claim on a first order", () => {
    expect(firstOrderClaimSignal("damaged", usd("120.00"), first, abuse, context)).toEqual({
      flag: "abuse_first_order_claim",
      reason:
        "This is the customer's first order and the claim covers $120.00 of items, above the $100.00 review threshold for first orders.",
    });
  });

  it("stays silent at the threshold, for returning customers and for detected kinds", () => {
    expect(firstOrderClaimSignal("damaged", usd("100.00"), first, abuse, context)).toBeNull();
    expect(
      firstOrderClaimSignal(
        "damaged",
        usd("120.00"),
        history({ numberOfOrders: 2 }),
        abuse,
        context,
      ),
    ).toBeNull();
    expect(
      firstOrderClaimSignal("stock_out_cancellation", usd("120.00"), first, abuse, context),
    ).toBeNull();
  });
});

describe("isCustomerClaim", () => {
  it("counts what the customer reported, not what Amends detected", () => {
    for (const kind of ["wrong_item", "wrong_quantity", "missing_item", "damaged", "lost", "wrong_address"]) {
      expect(isCustomerClaim(kind)).toBe(true);
    }
    for (const kind of ["late_delivery", "possibly_lost", "carrier_exception", "late_fulfilment", "stock_out_cancellation", "oversell_risk"]) {
      expect(isCustomerClaim(kind)).toBe(false);
    }
  });
});
