import { describe, expect, it } from "vitest";

import { DEFAULT_RESOLUTION_POLICY, defaultResolutionPolicy, resolutionPolicyText } from "./resolution";

describe("the resolution policy customers read", () => {
  it("is the merchant's text when they wrote one", () => {
    expect(resolutionPolicyText("  We answer within 4 hours.  ", "es")).toBe("We answer within 4 hours.");
  });

  it("is the default in the shop's language otherwise, English when Amends has none in it", () => {
    expect(resolutionPolicyText(null, "es-MX")).toBe(DEFAULT_RESOLUTION_POLICY.es);
    expect(resolutionPolicyText("   ", "es")).toBe(DEFAULT_RESOLUTION_POLICY.es);
    expect(defaultResolutionPolicy("en-GB")).toBe(DEFAULT_RESOLUTION_POLICY.en);
    expect(defaultResolutionPolicy("fr")).toBe(DEFAULT_RESOLUTION_POLICY.en);
    expect(defaultResolutionPolicy(null)).toBe(DEFAULT_RESOLUTION_POLICY.en);
  });
});
