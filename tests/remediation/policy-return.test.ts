// Asking for the item back from the merchant's policy (a "return" remedy template, settings page
// app.settings.remedies.$kind): the same engine step as the merchant's own choice on the incident
// page. A wrong-item policy of return + replacement opens one Shopify return (returnCreate,
// reason WRONG_ITEM) and one replacement, and running the engine again does neither twice.
import { describe, expect, it } from "vitest";

import { remediate } from "../../app/remediation/engine/index.server";
import type { RemediationPolicy } from "../../app/remediation/policy";
import { DEFAULT_POLICY } from "../../app/remediation/policy";
import { byOwner } from "../support/staff";
import { effects, remediationSuite } from "./support";

const suite = remediationSuite();

function returnAndReplace(): RemediationPolicy {
  const policy = structuredClone(DEFAULT_POLICY);
  policy.kinds.wrong_item = { mode: "automatic", remedies: [{ type: "message" }, { type: "return" }, { type: "replacement" }], alternatives: [], conditions: {}, messageTemplate: null };
  return policy;
}

/** A fetch that counts the Admin API operations the app sends, by name. */
function counting() {
  const sent: string[] = [];
  const impl: typeof fetch = async (input, init) => {
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { query?: string }) : {};
    const name = /(?:mutation|query)\s+(\w+)/.exec(body.query ?? "")?.[1];
    if (name) sent.push(name);
    return fetch(input, init);
  };
  return { fetch: impl, count: (operation: string) => sent.filter((name) => name === operation).length };
}

describe("a policy that asks for the item back", () => {
  it("wrong item, return + replacement: one return with reason WRONG_ITEM and one replacement, each once", async () => {
    const calls = counting();
    const f = await suite.fixture({ kind: "wrong_item", status: "awaiting_approval", fulfilled: 2, policy: returnAndReplace(), fetch: calls.fetch });
    const report = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...byOwner });
    expect(report.status).toBe("resolved");
    expect(report.decision?.remedies.map((r) => r.type)).toEqual(["message", "return", "replacement"]);
    expect(report.remedies.map((r) => [r.action, r.status])).toEqual([
      ["return", "succeeded"],
      ["replacement", "succeeded"],
      ["annotate", "succeeded"],
      ["message", "succeeded"],
    ]);
    const { order, replacementOrders, refunds } = effects(suite.emulator(), f.shop, f.order.id);
    expect(order.returns.map((r) => r.lines.map((l) => [l.quantity, l.returnReason]))).toEqual([[[2, "WRONG_ITEM"]]]);
    expect(replacementOrders).toHaveLength(1);
    expect(refunds).toHaveLength(0);

    // Once more (a second click, a catch-up pass): the incident is resolved, nothing is sent.
    expect((await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...byOwner })).status).toBe("closed");
    expect(calls.count("CreateIncidentReturn")).toBe(1);
    expect(calls.count("CreateReplacementDraft")).toBe(1);
    expect(effects(suite.emulator(), f.shop, f.order.id).order.returns).toHaveLength(1);
    const timeline = await suite.db.incidentEvent.findMany({ where: { incidentId: f.incidentId, type: "remedy" } });
    expect(timeline.map((e) => e.message)).toContain(`Opened return ${order.returns[0]?.name ?? ""} on Shopify for 2 × Blue Mug (wrong item received).`);
  });

  it("acts alone when the policy is automatic, as for any other remedy", async () => {
    const f = await suite.fixture({ kind: "wrong_item", status: "open", fulfilled: 1, policy: returnAndReplace() });
    const report = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, trigger: "automatic", actor: "rule:wrong_item" });
    expect(report.status).toBe("resolved");
    expect(effects(suite.emulator(), f.shop, f.order.id).order.returns.map((r) => r.lines.map((l) => l.quantity))).toEqual([[1]]);
  });
});
