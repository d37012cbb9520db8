import { describe, expect, it } from "vitest";

import { caseStatus, checkReport, customerCase } from "./customer-reports";

const order = {
  lines: [
    { lineItemId: "gid://shopify/LineItem/1", title: "Blue Mug", variantTitle: null, quantity: 2 },
    { lineItemId: "gid://shopify/LineItem/2", title: "Tea Towel", variantTitle: "Red", quantity: 1 },
  ],
};

describe("checkReport", () => {
  it("accepts what was bought, trimmed", () => {
    expect(checkReport({ kind: "damaged", lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }], message: "  Cracked \n" }, order)).toEqual({
      ok: true,
      value: { kind: "damaged", lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }], message: "Cracked" },
    });
    expect(checkReport({ kind: "late", message: "Where is it?" }, order)).toMatchObject({ ok: true, value: { lines: [] } });
  });

  it("names each field that is wrong with the contract's codes", () => {
    expect(checkReport(null, order)).toEqual({ ok: false, errors: { kind: "required", message: "required" } });
    expect(checkReport({ kind: "damaged", lines: "all", message: "x", photos: ["a.jpg"] }, order)).toEqual({
      ok: false,
      errors: { lines: "invalid", photos: "invalid" },
    });
    expect(
      checkReport(
        {
          kind: "wrong_quantity",
          lines: [
            { lineItemId: "gid://shopify/LineItem/2", quantity: 1.5 },
            { lineItemId: "gid://shopify/LineItem/1", quantity: 1 },
            { lineItemId: "gid://shopify/LineItem/1", quantity: 1 },
          ],
          message: "x",
        },
        order,
      ),
    ).toEqual({ ok: false, errors: { "lines.0.quantity": "quantity_out_of_range" } });
    expect(
      checkReport({ kind: "wrong_quantity", lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 1 }, { lineItemId: "gid://shopify/LineItem/1", quantity: 1 }], message: "x" }, order),
    ).toEqual({ ok: false, errors: { "lines.1.lineItemId": "invalid" } });
  });
});

describe("what the customer sees", () => {
  const base = {
    id: "i1",
    kind: "oversell_risk",
    status: "open" as const,
    createdAt: new Date("2026-11-30T10:00:00Z"),
    responseDeadline: new Date("2026-12-01T10:00:00Z"),
    reportKind: null,
    remedy: {},
    message: null,
  };

  it("maps the merchant's statuses onto received, reviewing and resolved", () => {
    expect(["open", "awaiting_approval", "remediating", "needs_attention", "resolved", "dismissed"].map((s) => caseStatus(s as never))).toEqual([
      "received",
      "reviewing",
      "reviewing",
      "reviewing",
      "resolved",
      "resolved",
    ]);
  });

  it("keeps an oversell warning from the customer until the store has written to them", () => {
    expect(customerCase(base)).toBeNull();
    expect(customerCase({ ...base, message: "A heads-up about your order" })).toMatchObject({ kind: "oversell_risk", message: "A heads-up about your order" });
    expect(customerCase({ ...base, kind: "late_delivery" })).toMatchObject({ kind: "late_delivery", status: "received" });
  });

  it("shows a report under the kind the customer picked, and no merchant-only kind", () => {
    expect(customerCase({ ...base, kind: "lost", reportKind: "not_arrived" })?.kind).toBe("not_arrived");
    expect(customerCase({ ...base, kind: "wrong_item" })).toBeNull();
  });
});
