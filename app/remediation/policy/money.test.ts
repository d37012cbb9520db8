import { describe, expect, it } from "vitest";

import { formatMinor, formatMoney, fromMinor, minorDigits, percentOfMinor, toMinor } from "./money";

describe("toMinor", () => {
  it("parses decimal strings to integer cents without float drift", () => {
    expect(toMinor("12.00", "USD")).toBe(1200);
    expect(toMinor("12.5", "USD")).toBe(1250);
    expect(toMinor("10.0", "USD")).toBe(1000);
    expect(toMinor("7", "USD")).toBe(700);
    expect(toMinor("0.10", "USD") + toMinor("0.20", "USD")).toBe(30);
    expect(toMinor("-3.25", "EUR")).toBe(-325);
  });

  it("follows the currency's minor unit", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(toMinor("1500", "JPY")).toBe(1500);
    expect(toMinor("1.234", "KWD")).toBe(1234);
  });

  it("rounds digits beyond the minor unit half away from zero", () => {
    expect(toMinor("1.005", "USD")).toBe(101);
    expect(toMinor("1.0049", "USD")).toBe(100);
    expect(toMinor("-1.005", "USD")).toBe(-101);
    expect(toMinor("0.004", "USD")).toBe(0);
  });

  it("rejects anything that is not a plain decimal", () => {
    expect(() => toMinor("1e3", "USD")).toThrow('Not a decimal amount: "1e3"');
    expect(() => toMinor("$5", "USD")).toThrow();
    expect(() => toMinor("", "USD")).toThrow();
    expect(() => toMinor("1.", "USD")).toThrow();
  });
});

describe("formatMinor", () => {
  it("writes minor units back as Shopify-style decimals", () => {
    expect(formatMinor(1250, "USD")).toBe("12.50");
    expect(formatMinor(5, "USD")).toBe("0.05");
    expect(formatMinor(0, "USD")).toBe("0.00");
    expect(formatMinor(-5, "USD")).toBe("-0.05");
    expect(formatMinor(1500, "JPY")).toBe("1500");
    expect(formatMinor(1234, "KWD")).toBe("1.234");
    expect(fromMinor(1999, "CAD")).toEqual({ amount: "19.99", currencyCode: "CAD" });
  });

  it("refuses fractional minor units", () => {
    expect(() => formatMinor(1.5, "USD")).toThrow();
  });
});

describe("percentOfMinor", () => {
  it("rounds half up to the cent", () => {
    expect(percentOfMinor(8000, 15)).toBe(1200);
    expect(percentOfMinor(1999, 15)).toBe(300); // 299.85
    expect(percentOfMinor(1010, 15)).toBe(152); // 151.5
    expect(percentOfMinor(1001, 12.5)).toBe(125); // 125.125
    expect(percentOfMinor(3, 50)).toBe(2); // 1.5
    expect(percentOfMinor(0, 10)).toBe(0);
  });
});

describe("formatMoney", () => {
  it("formats for people in the locale", () => {
    expect(formatMoney({ amount: "1234.5", currencyCode: "USD" }, "en-US")).toBe("$1,234.50");
    expect(formatMoney({ amount: "1500", currencyCode: "JPY" }, "en-US")).toBe("¥1,500");
  });
});
