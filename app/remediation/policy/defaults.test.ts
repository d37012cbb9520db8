import { describe, expect, it } from "vitest";

import { DEFAULT_POLICY, defaultPolicyFor, roundAmount, roundAmountIn } from "./defaults";
import { parsePolicy } from "./schema";

describe("a new shop's policy in its own currency", () => {
  it("rounds to amounts a merchant would write", () => {
    expect(roundAmount(135)).toBe(150);
    expect(roundAmount(22_500)).toBe(25_000);
    expect(roundAmount(920)).toBe(1000);
    expect(roundAmount(7.75)).toBe(7.5);
    expect(roundAmount(0.031)).toBe(0.03);
  });

  it("writes each currency's minor unit: none for yen, three decimals for dinars", () => {
    expect(roundAmountIn("150.00", "EUR")).toBe("150.00");
    expect(roundAmountIn("150.00", "JPY")).toBe("25000");
    expect(roundAmountIn("25.00", "KWD")).toBe("7.500");
    expect(roundAmountIn("150.00", "XTS")).toBeNull();
  });

  it.each(["EUR", "JPY", "KWD", "GBP", "USD"])("gives a %s shop caps and thresholds in %s", (currencyCode) => {
    const policy = defaultPolicyFor(currencyCode);
    expect(policy.currencyCode).toBe(currencyCode);
    expect(parsePolicy(policy).success).toBe(true);
    expect(policy.kinds).toEqual(DEFAULT_POLICY.kinds);
  });

  it("a yen shop's caps are worth about the dollar ones, not 150 yen", () => {
    const policy = defaultPolicyFor("JPY");
    expect(policy.caps).toEqual({ maxPerIncident: "25000", maxPerCustomer12Months: "50000", maxPerDayStoreWide: "150000" });
    expect(policy.abuse.firstOrderClaimValue).toBe("15000");
  });

  it("in a currency without a known rate, every kind waits for the merchant", () => {
    const policy = defaultPolicyFor("XTS");
    expect(Object.values(policy.kinds).every((kind) => kind.mode === "manual")).toBe(true);
  });

  it("refuses amounts the currency cannot pay", () => {
    const yen = { ...defaultPolicyFor("JPY"), caps: { maxPerIncident: "2500.5", maxPerCustomer12Months: null, maxPerDayStoreWide: null } };
    const result = parsePolicy(yen);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["caps", "maxPerIncident"], message: "JPY amounts have no decimals" });
    const dinars = { ...defaultPolicyFor("KWD"), caps: { maxPerIncident: "12.125", maxPerCustomer12Months: null, maxPerDayStoreWide: null } };
    expect(parsePolicy(dinars).success).toBe(true);
  });
});
