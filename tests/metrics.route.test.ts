// GET /metrics through the Remix route (used under `shopify app dev`): only the bearer of
// METRICS_TOKEN reads it outside demo mode. The production server's check is in abuse.test.ts.
import { describe, expect, it } from "vitest";

const TOKEN = "metrics-route-test-token-0123456789";
// Read by env() on first use, which is after this line.
process.env.METRICS_TOKEN = TOKEN;
process.env.AMENDS_DEMO = "false";

const { loader } = await import("../app/routes/metrics");

function get(headers: Record<string, string> = {}) {
  return loader({ request: new Request("http://127.0.0.1/metrics", { headers }), params: {}, context: {} });
}

describe("GET /metrics (Remix route)", () => {
  it("answers 401 without the token, with another one, or with another scheme", async () => {
    const refused: Record<string, string>[] = [{}, { Authorization: "Bearer nope" }, { Authorization: `Basic ${TOKEN}` }, { Authorization: `Bearer ${TOKEN}x` }];
    for (const headers of refused) {
      const response = await get(headers);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("amends_");
    }
  });

  it("answers the metrics to the bearer of METRICS_TOKEN", async () => {
    const response = await get({ Authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("amends_webhook_deliveries_total");
  });
});
