import { describe, expect, it } from "vitest";

import { describeActor, staffActor, staffIdOf } from "../../incidents/staff";
import { mayApprove, movesMoney } from "./approval";

const eur = (amount: string) => ({ amount, currencyCode: "EUR" });

describe("mayApprove", () => {
  const ask = (right: Parameters<typeof mayApprove>[0]["right"], cost = eur("50.00"), locale = "en-IE") =>
    mayApprove({ name: "Sam", right, cost, shopCurrency: "EUR", locale });

  it("allows within the limit, the limit itself included, and anyone without a limit", () => {
    expect(ask({ canApprove: true, approvalLimit: "50.00" })).toEqual({ allowed: true });
    expect(ask({ canApprove: true, approvalLimit: "50" }, eur("49.99"))).toEqual({ allowed: true });
    expect(ask({ canApprove: true, approvalLimit: null }, eur("5000.00"))).toEqual({ allowed: true });
  });

  it("refuses above the limit, in the shop's own way of writing money", () => {
    expect(ask({ canApprove: true, approvalLimit: "50.00" }, eur("50.01"))).toEqual({
      allowed: false,
      reason: "Sam may approve up to €50.00; this plan costs €50.01.",
    });
    // Intl writes a (no-break) space before the euro sign in Spanish.
    const spanish = ask({ canApprove: true, approvalLimit: "50.00" }, eur("80.00"), "es-ES");
    expect(spanish.allowed ? "" : spanish.reason).toMatch(/^Sam may approve up to 50,00\s€; this plan costs 80,00\s€\.$/u);
  });

  it("refuses someone not allowed, or unknown, whatever the amount", () => {
    expect(ask({ canApprove: false, approvalLimit: null }, eur("0.00")).allowed).toBe(false);
    expect(ask(null, eur("1.00")).allowed).toBe(false);
  });

  it("refuses a limited approver a plan in another currency: there is no rate to compare with", () => {
    expect(ask({ canApprove: true, approvalLimit: "50.00" }, { amount: "10.00", currencyCode: "USD" })).toEqual({
      allowed: false,
      reason: "Sam may approve up to €50.00; this plan is in USD and needs someone without a limit.",
    });
    expect(ask({ canApprove: true, approvalLimit: null }, { amount: "10.00", currencyCode: "USD" })).toEqual({ allowed: true });
  });

  it("counts refunds, replacements, cancellations and codes as money moves, an apology alone not", () => {
    expect(movesMoney([{ type: "message" }])).toBe(false);
    expect(movesMoney([{ type: "message" }, { type: "cancel", lines: [] }])).toBe(true);
  });
});

describe("actors", () => {
  it("names the staff member who acted, and others in the merchant's words", () => {
    const actor = staffActor({ id: "74219", name: "Ana García: support" });
    expect(actor).toBe("staff:74219:Ana García: support");
    expect(staffIdOf(actor)).toBe("74219");
    expect(describeActor(actor)).toBe("Ana García: support");
    expect(describeActor("rule:policy")).toBe("Automatic rule");
    expect(describeActor("customer")).toBe("Customer");
    expect(describeActor("merchant:Old Name")).toBe("Old Name");
    expect(staffIdOf("rule:policy")).toBeNull();
  });
});
