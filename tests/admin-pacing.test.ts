// The Admin client's pacing, against Shopify's answers as they come (a fake fetch and clock):
// calls made at once on one shop's client queue for the bucket instead of all going when the
// first would fit, and THROTTLED is waited out rather than counted as a failed attempt.
import { describe, expect, it } from "vitest";

import { AdminClient, ShopifyError } from "../app/shopify/admin.server";

const QUERY = "query Probe { shop { name } }";

function answer(available: number, throttled = false): Response {
  const cost = { requestedQueryCost: 10, actualQueryCost: throttled ? null : 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 } };
  const body = throttled
    ? { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: { cost } }
    : { data: { shop: { name: "Probe" } }, extensions: { cost } };
  return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
}

function client(fetchImpl: typeof fetch, sleeps: number[], extra: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}) {
  return new AdminClient({
    shop: "probe.myshopify.com",
    accessToken: "shpat_probe",
    endpoint: "http://shopify.invalid/admin/api/2026-10/graphql.json",
    fetch: fetchImpl,
    now: () => 0,
    random: () => 0,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
}

describe("pacing by the bucket Shopify reports", () => {
  it("calls made at once take their points in turn: each waits for the restore the ones before it used", async () => {
    const sleeps: number[] = [];
    // Shopify reported 15 points left; each call costs 10; 100 points/s come back.
    const admin = client(() => Promise.resolve(answer(15)), sleeps);
    await admin.request("Probe", QUERY);
    sleeps.length = 0;
    await Promise.all([admin.request("Probe", QUERY), admin.request("Probe", QUERY), admin.request("Probe", QUERY)]);
    // 15 → 5 (no wait), then −5 (waits 50 ms for 10), then −15 (waits 150 ms).
    expect(sleeps).toEqual([50, 150]);
  });
});

describe("THROTTLED", () => {
  it("is waited out however many times it comes within the budget, not counted as failed attempts", async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const admin = client(() => Promise.resolve(answer(0, ++calls <= 10)), sleeps, { maxAttempts: 3 });
    await expect(admin.request("Probe", QUERY)).resolves.toEqual({ shop: { name: "Probe" } });
    expect(calls).toBe(11);
    expect(sleeps.every((ms) => ms > 0)).toBe(true);
  });

  it("past its budget, ends in a retryable THROTTLED error for the caller to try later", async () => {
    const sleeps: number[] = [];
    const admin = client(() => Promise.resolve(answer(0, true)), sleeps, { maxThrottleWaitMs: 1_000 });
    const error = await admin.request("Probe", QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyError);
    expect(error).toMatchObject({ code: "THROTTLED", retryable: true });
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1_000);
  });
});
