// A carrier event can be processed before the parcel's own webhook (Shopify does not promise
// order; PostgreSQL workers take deliveries side by side): the parcel incident then opens
// without items. Remediation reads the parcel's items from Shopify before deciding, so a
// "replace the parcel" policy replaces what the parcel carried instead of sending a bare apology.
import { describe, expect, it } from "vitest";

import { remediate } from "../../app/remediation/engine/index.server";
import { previewApproval } from "../../app/remediation/engine/preview.server";
import type { RemediationPolicy } from "../../app/remediation/policy";
import { DEFAULT_POLICY } from "../../app/remediation/policy";
import { activeKey } from "../../app/models/incident.server";
import { byOwner } from "../support/staff";
import { effects, remediationSuite } from "./support";

const suite = remediationSuite();

function replaceTroubledParcels(mode: "automatic" | "manual"): RemediationPolicy {
  const policy = structuredClone(DEFAULT_POLICY);
  policy.kinds.carrier_exception = { mode, remedies: [{ type: "message" }, { type: "replacement" }], alternatives: [], conditions: {}, messageTemplate: null };
  return policy;
}

/** The fixture's incident as a carrier exception on its shipped parcel, opened before Amends
 * knew the parcel's items. */
async function parcelWithoutItems(mode: "automatic" | "manual") {
  const f = await suite.fixture({ kind: "carrier_exception", fulfilled: 2, policy: replaceTroubledParcels(mode) });
  const parcel = effects(suite.emulator(), f.shop, f.order.id).order.fulfillments[0];
  if (!parcel) throw new Error("the fixture ships a parcel");
  const evidence = { fulfillmentId: parcel.id, trackingCompany: null, trackingNumbers: [] };
  await suite.db.incident.update({
    where: { id: f.incidentId },
    data: { lines: [], evidence, activeKey: activeKey(f.shop, f.order.id, `parcel:${parcel.id}`) },
  });
  return f;
}

describe("a parcel incident opened before its items were known", () => {
  it("replaces what the parcel carried, and keeps the items on the incident", async () => {
    const f = await parcelWithoutItems("automatic");
    const report = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, trigger: "automatic", actor: "rule:carrier_exception" });
    expect(report.status).toBe("resolved");
    expect(report.decision?.flags ?? []).not.toContain("no_affected_lines");
    const { replacementOrders } = effects(suite.emulator(), f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(1);
    const mug = f.order.lineItems[0];
    expect(replacementOrders[0]?.lineItems.map((line) => line.quantity)).toEqual([2]);
    const stored = await suite.db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(stored.lines).toEqual([{ lineItemId: mug?.id, quantity: 2 }]);
  });

  it("shows the merchant the same plan before approval, without changing the incident", async () => {
    const f = await parcelWithoutItems("manual");
    const preview = await previewApproval(f.deps, { shop: f.shop, incidentId: f.incidentId, ...byOwner });
    expect(preview.errors).toEqual({});
    expect(preview.lines.join(" ")).toContain("Blue Mug");
    const stored = await suite.db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(stored.lines).toEqual([]);
  });
});
