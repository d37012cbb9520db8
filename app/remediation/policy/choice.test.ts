import { describe, expect, it } from "vitest";

import { choiceFormSchema, choiceFromForm, planChoice } from "./choice";
import type { IncidentForRemediation } from "./types";

const NOW = new Date("2026-11-20T12:00:00Z");

function incident(overrides: Partial<IncidentForRemediation> = {}): IncidentForRemediation {
  return {
    kind: "wrong_item",
    lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2, title: "Blue Mug", unitPrice: { amount: "12.00", currencyCode: "EUR" } }],
    orderTotal: { amount: "37.00", currencyCode: "EUR" },
    shippingTotal: { amount: "5.00", currencyCode: "EUR" },
    shippingRefunded: { amount: "0.00", currencyCode: "EUR" },
    refundable: { amount: "20.00", currencyCode: "EUR" },
    orderLines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2, refundableQuantity: 2, replacedQuantity: 0 }],
    currency: "EUR",
    ...overrides,
  };
}

describe("the merchant's own plan", () => {
  it("caps a refund at what the customer paid and has not had back, in the shop's words", () => {
    const result = planChoice({ refund: { amount: "20.01", includeShipping: false }, message: true }, incident(), "EUR", NOW, "es-ES");
    expect(result).toEqual({ ok: false, errors: { refundAmount: "At most 20,00\u00a0€ is left to refund for these items" } });
    const ok = planChoice({ refund: { amount: "15", includeShipping: false }, message: true }, incident(), "EUR", NOW, "es-ES");
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(ok.option.remedies[0]).toMatchObject({ type: "refund", amount: { amount: "15.00", currencyCode: "EUR" }, limitedTo: { amount: "15.00" } });
    expect(ok.option.estimatedCost).toEqual({ amount: "15.00", currencyCode: "EUR" });
  });

  it("refuses what the kind does not allow, and a refund with a replacement", () => {
    expect(planChoice({ return: true, message: false }, incident({ kind: "lost" }), "EUR", NOW, "en")).toEqual({
      ok: false,
      errors: { remedies: "Not offered for this kind of incident: return" },
    });
    const both = planChoice({ refund: { amount: "1", includeShipping: false }, replacement: true, message: false }, incident(), "EUR", NOW, "en");
    expect(both).toMatchObject({ ok: false, errors: { remedies: expect.stringContaining("not both") as unknown } });
    expect(planChoice({ message: false }, incident(), "EUR", NOW, "en")).toEqual({ ok: false, errors: { remedies: "Pick at least one remedy" } });
  });

  it("checks a code's value and expiry field by field", () => {
    const bad = planChoice({ discount: { value: { fixedAmount: "5.555" }, expiresInDays: 0 }, message: false }, incident(), "EUR", NOW, "en");
    expect(bad).toEqual({ ok: false, errors: { discountExpiresInDays: "Enter whole days from 1 to 365" } });
    const yen = planChoice({ discount: { value: { fixedAmount: "5.5" }, expiresInDays: 30 }, message: false }, incident(), "JPY", NOW, "ja");
    expect(yen).toEqual({ ok: false, errors: { discountValue: "JPY amounts have no decimals" } });
  });

  it("asks a wrong item back as WRONG_ITEM and a damaged one as DEFECTIVE, alongside a replacement", () => {
    const wrong = planChoice({ replacement: true, return: true, message: true }, incident(), "EUR", NOW, "en");
    if (!wrong.ok) throw new Error("expected a plan");
    expect(wrong.option.remedies.map((r) => r.type)).toEqual(["replacement", "return", "message"]);
    expect(wrong.option.remedies.find((r) => r.type === "return")).toMatchObject({ reason: "WRONG_ITEM" });
    const damaged = planChoice({ return: true, message: false }, incident({ kind: "damaged" }), "EUR", NOW, "en");
    expect(damaged.ok && damaged.option.remedies[0]).toMatchObject({ type: "return", reason: "DEFECTIVE" });
  });

  it("reads the approval form as the browser posts it", () => {
    const form = choiceFormSchema.parse({ remedy_refund: "on", refundAmount: " 12.50 ", remedy_discount: "on", discountType: "fixedAmount", discountValue: "5", discountExpiresInDays: "30" });
    expect(choiceFromForm(form)).toEqual({
      refund: { amount: "12.50", includeShipping: false },
      discount: { value: { fixedAmount: "5" }, expiresInDays: 30 },
      message: false,
    });
  });
});
