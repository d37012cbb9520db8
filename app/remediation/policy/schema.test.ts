import { describe, expect, it } from "vitest";

import { INCIDENT_KINDS } from "../../incidents/model";
import { DEFAULT_POLICY, defaultPolicyFor } from "./defaults";
import { kindPolicySchema, parsePolicy, remedyTemplateSchema } from "./schema";

const issues = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((i) => i.message) ?? [];

describe("remediation policy schema", () => {
  it("accepts the default policy, which covers every incident kind", () => {
    expect(parsePolicy(DEFAULT_POLICY).success).toBe(true);
    expect(Object.keys(DEFAULT_POLICY.kinds).sort()).toEqual([...INCIDENT_KINDS].sort());
  });

  it("survives a JSON round trip, as stored in the database", () => {
    const parsed = parsePolicy(JSON.parse(JSON.stringify(defaultPolicyFor("EUR"))));
    expect(parsed.success && parsed.data.currencyCode).toBe("EUR");
    expect(DEFAULT_POLICY.currencyCode).toBe("USD");
  });

  it("validates remedy templates", () => {
    expect(
      remedyTemplateSchema.safeParse({
        type: "discount_code",
        value: { percentage: 12.5 },
        expiresInDays: 30,
      }).success,
    ).toBe(true);
    expect(
      remedyTemplateSchema.safeParse({
        type: "discount_code",
        value: { fixedAmount: "5.00" },
        expiresInDays: 30,
      }).success,
    ).toBe(true);
    expect(
      issues(
        remedyTemplateSchema.safeParse({
          type: "discount_code",
          value: { fixedAmount: "5,00" },
          expiresInDays: 30,
        }),
      ),
    ).toContain("Enter an amount such as 5.00");
    expect(
      issues(
        remedyTemplateSchema.safeParse({
          type: "discount_code",
          value: { percentage: 120 },
          expiresInDays: 30,
        }),
      ),
    ).toContain("A discount cannot exceed 100 %");
    expect(remedyTemplateSchema.safeParse({ type: "store_credit" }).success).toBe(false);
    expect(remedyTemplateSchema.safeParse({ type: "message", extra: 1 }).success).toBe(false);
  });

  it("refuses paying twice: refund with replacement, or a remedy repeated", () => {
    const base = { mode: "manual", alternatives: [], conditions: {}, messageTemplate: null };
    expect(
      issues(
        kindPolicySchema.safeParse({
          ...base,
          remedies: [
            { type: "replacement" },
            { type: "refund", scope: "affected_items", includeShipping: false },
          ],
        }),
      ),
    ).toEqual(["Offer a refund or a replacement, not both: make one of them an alternative"]);
    expect(
      issues(
        kindPolicySchema.safeParse({
          ...base,
          remedies: [{ type: "message" }, { type: "message" }],
        }),
      ),
    ).toEqual(["Each remedy may appear once (message repeats)"]);
  });

  it("checks the merchant's message template", () => {
    const base = { mode: "manual", remedies: [], alternatives: [], conditions: {} };
    expect(
      kindPolicySchema.safeParse({ ...base, messageTemplate: "Hi {{customer_first_name}}" })
        .success,
    ).toBe(true);
    expect(
      issues(kindPolicySchema.safeParse({ ...base, messageTemplate: "Hi {{first_name}}" })),
    ).toEqual([
      "Unknown placeholder {{first_name}}. Use {{customer_first_name}}, {{order_name}}, {{remedy}}, {{code}} or {{expiry}}.",
    ]);
  });

  it("rejects a lower-case or missing currency and negative caps", () => {
    expect(parsePolicy({ ...DEFAULT_POLICY, currencyCode: "usd" }).success).toBe(false);
    expect(
      parsePolicy({ ...DEFAULT_POLICY, caps: { ...DEFAULT_POLICY.caps, maxPerIncident: "-1" } })
        .success,
    ).toBe(false);
    expect(
      parsePolicy({ ...DEFAULT_POLICY, caps: { ...DEFAULT_POLICY.caps, maxPerIncident: null } })
        .success,
    ).toBe(true);
  });

  it("reads a refund's shipping setting saved before as a boolean", () => {
    const parse = (includeShipping: unknown) =>
      remedyTemplateSchema.parse({ type: "refund", scope: "affected_items", includeShipping });
    expect(parse(true)).toMatchObject({ includeShipping: "always" });
    expect(parse(false)).toMatchObject({ includeShipping: "never" });
    expect(parse("whole_order")).toMatchObject({ includeShipping: "whole_order" });
    expect(() => parse("sometimes")).toThrow("Pick when shipping is refunded");
  });
});
