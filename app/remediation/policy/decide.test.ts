import { describe, expect, it } from "vitest";

import { decideRemediation, planRemedies } from "./decide";
import { DEFAULT_POLICY } from "./defaults";
import type { RemediationPolicy } from "./schema";
import type {
  CustomerHistory,
  IncidentForRemediation,
  PricedLine,
  RemediationInput,
} from "./types";

const usd = (amount: string) => ({ amount, currencyCode: "USD" });
const NOW = new Date("2024-03-09T12:00:00.000Z");
const IN_30_DAYS = "2024-04-08T12:00:00.000Z";

const mug: PricedLine = {
  lineItemId: "gid://shopify/LineItem/1",
  quantity: 1,
  title: "Blue Mug",
  unitPrice: usd("12.00"),
};
const plates: PricedLine = {
  lineItemId: "gid://shopify/LineItem/2",
  quantity: 3,
  title: "Red Plate",
  unitPrice: usd("19.99"),
};

const loyal: CustomerHistory = {
  incidentsLast12Months: 0,
  refundedLast12Months: usd("0.00"),
  numberOfOrders: 6,
  amountSpent: usd("480.00"),
};

function incident(over: Partial<IncidentForRemediation> = {}): IncidentForRemediation {
  return {
    kind: "stock_out_cancellation",
    lines: [mug],
    orderTotal: usd("45.50"),
    currency: "USD",
    ...over,
  };
}

function input(over: Partial<RemediationInput> = {}): RemediationInput {
  return {
    incident: incident(),
    policy: DEFAULT_POLICY,
    customerHistory: loyal,
    shopActivity: { remediatedToday: usd("0.00") },
    trigger: "automatic",
    now: NOW,
    ...over,
  };
}

describe("decideRemediation: defaults", () => {
  it("refunds a stock-out item and adds a 10 % code, automatically", () => {
    const decision = decideRemediation(input());
    expect(decision).toEqual({
      outcome: "apply",
      remedies: [
        { type: "message" },
        { type: "refund", lines: [mug], includeShipping: false, amount: usd("12.00") },
        {
          type: "discount_code",
          value: { percentage: 10 },
          expiresAt: IN_30_DAYS,
          estimatedCost: usd("4.55"), // 10 % of the $45.50 order
        },
      ],
      estimatedCost: usd("16.55"),
      reasons: [],
      flags: [],
      options: [{ remedies: decision.remedies, estimatedCost: usd("16.55") }],
      option: 0,
    });
  });

  it("counts exact cents: 3 × $19.99 plus a 10 % code on $59.97", () => {
    const decision = decideRemediation(
      input({ incident: incident({ lines: [plates], orderTotal: usd("59.97") }) }),
    );
    expect(decision.remedies[1]).toMatchObject({ type: "refund", amount: usd("59.97") });
    expect(decision.remedies[2]).toMatchObject({ estimatedCost: usd("6.00") }); // 5.997
    expect(decision.estimatedCost).toEqual(usd("65.97"));
  });

  it("leaves deliveries under 6 days late alone, without asking the merchant", () => {
    const decision = decideRemediation(
      input({
        incident: incident({ kind: "late_delivery", daysLate: 5, orderTotal: usd("80.00") }),
      }),
    );
    expect(decision.outcome).toBe("none");
    expect(decision.remedies).toEqual([]);
    expect(decision.estimatedCost).toEqual(usd("0.00"));
    expect(decision.reasons).toEqual(["This is 5 days late; the policy acts from 6 days late."]);
    expect(decision.flags).toEqual(["condition_not_met"]);
  });

  it("gives a 15 % code from 6 days late", () => {
    const decision = decideRemediation(
      input({
        incident: incident({ kind: "late_delivery", daysLate: 6, orderTotal: usd("80.00") }),
      }),
    );
    expect(decision.outcome).toBe("apply");
    expect(decision.remedies).toEqual([
      { type: "message" },
      {
        type: "discount_code",
        value: { percentage: 15 },
        expiresAt: IN_30_DAYS,
        estimatedCost: usd("12.00"),
      },
    ]);
    expect(decision.estimatedCost).toEqual(usd("12.00"));
  });

  it("asks the merchant when lateness is unknown", () => {
    const decision = decideRemediation(input({ incident: incident({ kind: "late_delivery" }) }));
    expect(decision.outcome).toBe("needs_approval");
    expect(decision.reasons).toEqual([
      "The policy acts from 6 days late, but how late this is isn't known.",
    ]);
  });

  it("applies a late-delivery code the merchant asks for under the threshold, saying so", () => {
    const decision = decideRemediation(
      input({
        trigger: "merchant",
        incident: incident({ kind: "late_delivery", daysLate: 1, orderTotal: usd("80.00") }),
      }),
    );
    expect(decision.outcome).toBe("apply");
    expect(decision.reasons).toEqual(["This is 1 day late; the policy acts from 6 days late."]);
    expect(decision.estimatedCost).toEqual(usd("12.00"));
  });

  it("sends carrier exceptions a message only, at no cost", () => {
    const decision = decideRemediation(
      input({ incident: incident({ kind: "carrier_exception" }) }),
    );
    expect(decision.outcome).toBe("apply");
    expect(decision.remedies).toEqual([{ type: "message" }]);
    expect(decision.estimatedCost).toEqual(usd("0.00"));
  });

  it("holds a wrong-item replacement for approval, and applies it once the merchant approves", () => {
    const automatic = decideRemediation(input({ incident: incident({ kind: "wrong_item" }) }));
    expect(automatic.outcome).toBe("needs_approval");
    expect(automatic.reasons).toEqual([
      "The policy for wrong item incidents asks for your approval.",
    ]);
    expect(automatic.flags).toEqual(["manual_mode"]);
    expect(automatic.remedies).toEqual([
      { type: "message" },
      { type: "replacement", lines: [mug], estimatedCost: usd("12.00") },
    ]);

    const approved = decideRemediation(
      input({ trigger: "merchant", incident: incident({ kind: "wrong_item" }) }),
    );
    expect(approved.outcome).toBe("apply");
    expect(approved.reasons).toEqual([]);
  });

  it("offers damaged items a replacement or a refund; the merchant picks", () => {
    const damaged = incident({ kind: "damaged", lines: [plates], orderTotal: usd("59.97") });
    const offered = decideRemediation(input({ incident: damaged }));
    expect(offered.outcome).toBe("needs_approval");
    expect(offered.options.map((o) => o.remedies.map((r) => r.type))).toEqual([
      ["message", "replacement"],
      ["message", "refund"],
    ]);
    expect(offered.options.map((o) => o.estimatedCost.amount)).toEqual(["59.97", "59.97"]);

    const refund = decideRemediation(input({ incident: damaged, trigger: "merchant", option: 1 }));
    expect(refund.outcome).toBe("apply");
    expect(refund.option).toBe(1);
    expect(refund.remedies[1]).toEqual({
      type: "refund",
      lines: [plates],
      includeShipping: false,
      amount: usd("59.97"),
    });
    expect(() => decideRemediation(input({ incident: damaged, option: 2 }))).toThrow(RangeError);
  });

  it("warns about an oversell risk only with the merchant's approval", () => {
    const decision = decideRemediation(input({ incident: incident({ kind: "oversell_risk" }) }));
    expect(decision.outcome).toBe("needs_approval");
    expect(decision.remedies).toEqual([{ type: "message" }]);
  });
});

describe("decideRemediation: caps", () => {
  const pricey: PricedLine = { ...mug, unitPrice: usd("149.00") };

  it("needs approval above the per-incident cap; the merchant may still apply it", () => {
    // $149.00 refund + 10 % of a $160.00 order = $165.00 > $150.00.
    const over = incident({ lines: [pricey], orderTotal: usd("160.00") });
    const automatic = decideRemediation(input({ incident: over }));
    expect(automatic.outcome).toBe("needs_approval");
    expect(automatic.estimatedCost).toEqual(usd("165.00"));
    expect(automatic.reasons).toEqual([
      "The estimated cost of $165.00 is above the $150.00 cap per incident.",
    ]);
    expect(automatic.flags).toEqual(["cap_per_incident"]);

    const merchant = decideRemediation(input({ incident: over, trigger: "merchant" }));
    expect(merchant.outcome).toBe("apply");
    expect(merchant.reasons).toEqual(automatic.reasons);
  });

  it("lists every cap that fires, in order", () => {
    const decision = decideRemediation(
      input({
        incident: incident({ lines: [pricey], orderTotal: usd("160.00") }),
        customerHistory: {
          ...loyal,
          refundedLast12Months: usd("140.00"),
          amountSpent: usd("2000.00"),
        },
        shopActivity: { remediatedToday: usd("900.00") },
      }),
    );
    expect(decision.flags).toEqual(["cap_per_incident", "cap_per_customer", "cap_per_day"]);
    expect(decision.reasons[1]).toBe(
      "This customer has been refunded $140.00 in the last 12 months; with this incident's $165.00 that is $305.00, above the $300.00 cap per customer.",
    );
    expect(decision.reasons[2]).toBe(
      "Remedies today total $900.00; with this incident's $165.00 that is $1,065.00, above the $1,000.00 daily cap.",
    );
  });

  it("has no per-customer cap or abuse signals for a guest checkout", () => {
    const decision = decideRemediation(input({ customerHistory: null }));
    expect(decision.outcome).toBe("apply");
    expect(decision.reasons).toEqual([]);
  });
});

describe("decideRemediation: abuse signals", () => {
  it("holds money for a customer with 3 incidents this year", () => {
    const decision = decideRemediation(
      input({ customerHistory: { ...loyal, incidentsLast12Months: 3 } }),
    );
    expect(decision.outcome).toBe("needs_approval");
    expect(decision.reasons).toEqual([
      "This customer has reported 3 problems in the last 12 months (review from 3).",
    ]);
  });

  it("still sends a free apology to the same customer", () => {
    const decision = decideRemediation(
      input({
        incident: incident({ kind: "carrier_exception" }),
        customerHistory: {
          ...loyal,
          incidentsLast12Months: 5,
          refundedLast12Months: usd("400.00"),
        },
      }),
    );
    expect(decision.outcome).toBe("apply");
    expect(decision.reasons).toEqual([]);
  });

  it("flags a first order's high-value damage claim next to manual mode", () => {
    const decision = decideRemediation(
      input({
        incident: incident({ kind: "damaged", lines: [plates, mug], orderTotal: usd("71.97") }),
        customerHistory: { ...loyal, numberOfOrders: 1, amountSpent: usd("71.97") },
        policy: {
          ...DEFAULT_POLICY,
          abuse: { ...DEFAULT_POLICY.abuse, firstOrderClaimValue: "50.00" },
        },
      }),
    );
    expect(decision.outcome).toBe("needs_approval");
    expect(decision.flags).toEqual(["manual_mode", "abuse_first_order_claim"]);
    expect(decision.reasons[1]).toBe(
      "This is the customer's first order and the claim covers $71.97 of items, above the $50.00 review threshold for first orders.",
    );
  });
});

describe("decideRemediation: edge cases", () => {
  it("asks for approval when amounts are in another currency than the policy", () => {
    const eur = (amount: string) => ({ amount, currencyCode: "EUR" });
    const decision = decideRemediation(
      input({
        incident: incident({
          currency: "EUR",
          orderTotal: eur("45.50"),
          lines: [{ ...mug, unitPrice: eur("12.00") }],
        }),
      }),
    );
    expect(decision.outcome).toBe("needs_approval");
    expect(decision.estimatedCost).toEqual(eur("16.55"));
    expect(decision.reasons).toEqual([
      "Amounts in EUR can't be checked against the policy's USD caps and thresholds.",
    ]);
  });

  it("does nothing for a kind the policy leaves out", () => {
    const policy: RemediationPolicy = { ...DEFAULT_POLICY, kinds: {} };
    const decision = decideRemediation(input({ policy }));
    expect(decision.outcome).toBe("none");
    expect(decision.reasons).toEqual([
      "No remediation policy is set for stock-out cancellation incidents.",
    ]);
  });

  it("does nothing when the kind's plan is empty", () => {
    const policy: RemediationPolicy = {
      ...DEFAULT_POLICY,
      kinds: {
        lost: {
          mode: "automatic",
          remedies: [],
          alternatives: [],
          conditions: {},
          messageTemplate: null,
        },
      },
    };
    const decision = decideRemediation(input({ policy, incident: incident({ kind: "lost" }) }));
    expect(decision.outcome).toBe("none");
    expect(decision.flags).toEqual(["no_remedies"]);
    expect(decision.reasons).toEqual([
      "The policy for lost parcel incidents offers no remedy here.",
    ]);
  });

  it("skips a refund with no affected lines but keeps the rest of the plan", () => {
    const decision = decideRemediation(input({ incident: incident({ lines: [] }) }));
    expect(decision.outcome).toBe("apply");
    expect(decision.remedies.map((r) => r.type)).toEqual(["message", "discount_code"]);
    expect(decision.estimatedCost).toEqual(usd("4.55"));
    expect(decision.reasons).toEqual([
      "No affected items are known, so there is nothing to refund.",
    ]);
  });

  it("refuses inconsistent line data", () => {
    expect(() =>
      decideRemediation(input({ incident: incident({ lines: [{ ...mug, quantity: 0 }] }) })),
    ).toThrow("Line gid://shopify/LineItem/1 has quantity 0");
    expect(() =>
      decideRemediation(
        input({
          incident: incident({
            lines: [{ ...mug, unitPrice: { amount: "1.00", currencyCode: "EUR" } }],
          }),
        }),
      ),
    ).toThrow("Line gid://shopify/LineItem/1 is priced in EUR, the incident in USD");
  });
});

describe("planRemedies", () => {
  it("adds shipping to a refund when asked and known, and says when it is unknown", () => {
    const templates = [
      { type: "refund", scope: "affected_items", includeShipping: "always" } as const,
    ];
    const known = planRemedies(templates, incident({ shippingTotal: usd("4.99") }), "USD", NOW);
    expect(known.remedies).toEqual([
      { type: "refund", lines: [mug], includeShipping: true, amount: usd("16.99") },
    ]);
    expect(known.notes).toEqual([]);

    const unknown = planRemedies(templates, incident(), "USD", NOW);
    expect(unknown.estimatedCost).toEqual(usd("12.00"));
    expect(unknown.notes.map((n) => n.flag)).toEqual(["shipping_unknown"]);
  });

  it("plans fixed-amount codes in the shop currency and cancels at no cost", () => {
    const plan = planRemedies(
      [
        { type: "cancel" },
        { type: "discount_code", value: { fixedAmount: "5" }, expiresInDays: 7 },
      ],
      incident(),
      "USD",
      NOW,
    );
    expect(plan.remedies).toEqual([
      { type: "cancel", lines: [mug] },
      {
        type: "discount_code",
        value: { fixedAmount: usd("5.00") },
        expiresAt: "2024-03-16T12:00:00.000Z",
        estimatedCost: usd("5.00"),
      },
    ]);
    expect(plan.estimatedCost).toEqual(usd("5.00"));
  });
});

describe("units already refunded or replaced", () => {
  const standing = (line: PricedLine, refundableQuantity: number, replacedQuantity = 0) => ({
    lineItemId: line.lineItemId,
    quantity: line.quantity,
    refundableQuantity,
    replacedQuantity,
  });

  it("proposes no replacement for a wrong item Shopify has already refunded in full", () => {
    const decision = decideRemediation(
      input({
        incident: incident({ kind: "wrong_item", orderLines: [standing(mug, 0)] }),
      }),
    );
    expect(decision.remedies).toEqual([{ type: "message" }]);
    expect(decision.estimatedCost).toEqual(usd("0.00"));
    expect(decision.flags).toContain("already_remedied");
    expect(decision.reasons).toContain(
      "Blue Mug: 1 of 1 already refunded, so nothing is left to refund or replace.",
    );
    // Nor a refund, when the merchant picks one instead.
    const refund = planRemedies(
      [{ type: "refund", scope: "affected_items", includeShipping: "always" }],
      incident({ kind: "wrong_item", orderLines: [standing(mug, 0)], shippingTotal: usd("4.99") }),
      "USD",
      NOW,
    );
    expect(refund.remedies).toEqual([]);
    expect(refund.notes.map((n) => n.flag)).toEqual(["already_remedied"]);
  });

  it("offers only the remainder of a partly refunded line, and nothing Amends already replaced", () => {
    const plan = planRemedies(
      [{ type: "refund", scope: "affected_items", includeShipping: "never" }],
      incident({ kind: "damaged", lines: [plates], orderLines: [standing(plates, 2)] }),
      "USD",
      NOW,
    );
    expect(plan.remedies).toEqual([
      {
        type: "refund",
        lines: [{ ...plates, quantity: 2 }],
        includeShipping: false,
        amount: usd("39.98"),
      },
    ]);
    expect(plan.notes.map((n) => n.reason)).toEqual([
      "Red Plate: 1 of 3 already refunded; the plan covers the other 2.",
    ]);

    const replaced = decideRemediation(
      input({
        incident: incident({
          kind: "missing_item",
          lines: [plates],
          orderLines: [standing(plates, 3, 3)],
        }),
      }),
    );
    expect(replaced.remedies).toEqual([{ type: "message" }]);
    expect(replaced.reasons).toContain(
      "Red Plate: 3 of 3 already replaced, so nothing is left to refund or replace.",
    );
  });

  it("caps a refund at what is left of the payment", () => {
    const plan = planRemedies(
      [{ type: "refund", scope: "affected_items", includeShipping: "never" }],
      incident({ lines: [plates], orderLines: [standing(plates, 3)], refundable: usd("50.00") }),
      "USD",
      NOW,
    );
    expect(plan.remedies[0]).toMatchObject({ type: "refund", amount: usd("50.00") });
    expect(plan.notes.map((n) => n.flag)).toEqual(["refund_capped"]);
  });
});

describe("shipping on a stock-out", () => {
  const whole = [
    { lineItemId: mug.lineItemId, quantity: 1, refundableQuantity: 1, replacedQuantity: 0 },
    { lineItemId: plates.lineItemId, quantity: 3, refundableQuantity: 3, replacedQuantity: 0 },
  ];

  it("refunds the shipping too when the stock-out takes the whole order", () => {
    const decision = decideRemediation(
      input({
        incident: incident({
          lines: [mug, plates],
          orderLines: whole,
          orderTotal: usd("76.96"),
          shippingTotal: usd("4.99"),
        }),
      }),
    );
    expect(decision.remedies[1]).toEqual({
      type: "refund",
      lines: [mug, plates],
      includeShipping: true,
      amount: usd("76.96"), // 12.00 + 3 × 19.99 + 4.99
    });
  });

  it("keeps the shipping when other items of the order are still coming, or it was refunded", () => {
    const partial = decideRemediation(
      input({ incident: incident({ orderLines: whole, shippingTotal: usd("4.99") }) }),
    );
    expect(partial.remedies[1]).toMatchObject({ includeShipping: false, amount: usd("12.00") });

    const shippingBack = decideRemediation(
      input({
        incident: incident({
          lines: [mug, plates],
          orderLines: whole,
          shippingTotal: usd("4.99"),
          shippingRefunded: usd("4.99"),
        }),
      }),
    );
    expect(shippingBack.remedies[1]).toMatchObject({ includeShipping: true, amount: usd("71.97") });
  });
});
