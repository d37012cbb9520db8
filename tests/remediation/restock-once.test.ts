// A refund and a return for the same units put them back in stock once. Shopify restocks
// twice if asked: refundCreate with restockType RETURN restocks at once, and the return
// restocks again when the parcel is received (tests/shopify-emulator/returns.ts). So when the
// merchant refunds and asks for the item back, the refund is NO_RESTOCK for the units in the
// return and stock goes up when the goods are back, by exactly what came back.
import { describe, expect, it } from "vitest";

import { remediate } from "../../app/remediation/engine/index.server";
import type { MerchantChoice } from "../../app/remediation/policy";
import { receiveReturn } from "../shopify-emulator/returns";
import { byOwner } from "../support/staff";
import type { Fixture } from "./support";
import { effects, remediationSuite } from "./support";

const suite = remediationSuite();
const fixture = () => suite.fixture({ kind: "wrong_item", status: "awaiting_approval", fulfilled: 2 });

/** Blue Mugs in stock at the shop's location. */
function mugsInStock(f: Fixture): number {
  const variantId = f.order.lineItems[0]?.variantId ?? "";
  return suite.emulator().store.shop(f.shop).variants.get(variantId)?.levels[0]?.available ?? Number.NaN;
}

const approve = (f: Fixture, choice: MerchantChoice) => ({ shop: f.shop, incidentId: f.incidentId, ...byOwner, choice });
const REFUND: MerchantChoice["refund"] = { amount: "24.00", includeShipping: false };

describe("refund and return of the same units", () => {
  it("restocks them once, when the return is received, not when the refund is made", async () => {
    const f = await fixture();
    const before = mugsInStock(f);
    const report = await remediate(f.deps, approve(f, { refund: REFUND, return: true, message: false }));
    expect(report.status).toBe("resolved");
    const { refunds, order } = effects(suite.emulator(), f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.lineItems.map((l) => [l.quantity, l.restockType])).toEqual([[2, "NO_RESTOCK"]]);
    expect(order.returns).toHaveLength(1);
    expect(mugsInStock(f)).toBe(before);
    const timeline = await suite.db.incidentEvent.findMany({ where: { incidentId: f.incidentId, type: "remedy" } });
    expect(timeline.map((e) => e.message)).toContain(
      "Refunded $24.00 to the customer's original payment method. The items in the return go back in stock when you receive it in Shopify.",
    );

    const returnId = order.returns[0]?.id ?? "";
    expect(receiveReturn(suite.emulator().store, f.shop, returnId, "RESTOCKED")).toEqual({ processed: 2 });
    expect(mugsInStock(f)).toBe(before + 2);
    // Received once: a second receipt has nothing to process and stock stays.
    expect(receiveReturn(suite.emulator().store, f.shop, returnId, "RESTOCKED")).toMatchObject({ userErrors: [{ code: "INVALID" }] });
    expect(mugsInStock(f)).toBe(before + 2);
  });

  it("without a return, the refund itself restocks the shipped units, once", async () => {
    const f = await fixture();
    const before = mugsInStock(f);
    const report = await remediate(f.deps, approve(f, { refund: REFUND, message: false }));
    expect(report.status).toBe("resolved");
    const { refunds, order } = effects(suite.emulator(), f.shop, f.order.id);
    expect(refunds[0]?.lineItems.map((l) => [l.quantity, l.restockType])).toEqual([[2, "RETURN"]]);
    expect(order.returns).toHaveLength(0);
    expect(mugsInStock(f)).toBe(before + 2);
    const timeline = await suite.db.incidentEvent.findMany({ where: { incidentId: f.incidentId, type: "remedy" } });
    expect(timeline.map((e) => e.message)).toContain("Refunded $24.00 to the customer's original payment method.");
  });

  it("a return received without restocking (broken goods) leaves stock as it was", async () => {
    const f = await fixture();
    const before = mugsInStock(f);
    await remediate(f.deps, approve(f, { refund: REFUND, return: true, message: false }));
    const returnId = effects(suite.emulator(), f.shop, f.order.id).order.returns[0]?.id ?? "";
    expect(receiveReturn(suite.emulator().store, f.shop, returnId, "NOT_RESTOCKED")).toEqual({ processed: 2 });
    expect(mugsInStock(f)).toBe(before);
  });
});
