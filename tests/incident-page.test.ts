// The incident page shows the order's payments, refunds and fulfilments as Shopify has them
// (app/routes/app.incidents.$id.tsx's loader, against the emulator): amounts in the order's
// currency, and a refund still on its way or a payment that failed marked as such.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type * as IncidentRoute from "../app/routes/app.incidents.$id";
import type { Fixture } from "./remediation/support";
import { setUp } from "./remediation/support";
import type { RunningEmulator } from "./shopify-emulator";
import { startEmulator } from "./shopify-emulator";

let emu: RunningEmulator;
let fixture: Fixture;
let route: typeof IncidentRoute;

beforeAll(async () => {
  emu = await startEmulator({});
  const { createDatabase } = await import("../app/db.server");
  fixture = await setUp(createDatabase(process.env.DATABASE_URL ?? ""), emu, {
    kind: "wrong_item",
    status: "awaiting_approval",
  });
  Object.assign(process.env, {
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: fixture.shop,
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
  });
  route = await import("../app/routes/app.incidents.$id");
});

afterAll(async () => {
  await emu.close();
});

async function page() {
  return route.loader({
    request: new Request(`http://127.0.0.1/app/incidents/${fixture.incidentId}`),
    params: { id: fixture.incidentId },
    context: {},
  });
}

describe("the incident page's payments, refunds and fulfilments", () => {
  it("shows each as Shopify has it, with what is pending or failed", async () => {
    const { shop, order } = fixture;
    const [mug, towel] = order.lineItems;
    if (!mug || !towel) throw new Error("seed");
    emu.store.addFulfillment(
      shop,
      order.id,
      {
        lineItems: [{ lineItemId: mug.id, quantity: 2 }],
        trackingCompany: "UPS",
        trackingNumber: "1Z999",
      },
      { silent: true },
    );
    const stored = emu.store.order(shop, order.id);
    const sale = stored.transactions.find((t) => t.kind === "SALE");
    if (!sale) throw new Error("seed");
    // A first card was declined before the payment that went through.
    stored.transactions.unshift({
      ...sale,
      id: emu.store.newId("OrderTransaction"),
      status: "FAILURE",
    });
    const refunded = emu.store.createRefund(
      shop,
      {
        orderId: order.id,
        note: "Towel out of stock",
        refundLineItems: [{ lineItemId: towel.id, quantity: 1, restockType: "CANCEL" }],
        transactions: [
          {
            amount: "8.00",
            gateway: sale.gateway,
            kind: "REFUND",
            orderId: order.id,
            parentId: sale.id,
          },
        ],
      },
      { silent: true },
    );
    if (!("refund" in refunded)) throw new Error(JSON.stringify(refunded.userErrors));
    // The bank has not confirmed the refund yet.
    const refundTransaction = stored.transactions.find((t) =>
      refunded.refund.transactionIds.includes(t.id),
    );
    if (refundTransaction) refundTransaction.status = "PENDING";

    const { order: activity } = await page();
    if (!activity.available) throw new Error(activity.reason);
    expect(activity.payments.map((p) => [p.status, p.amount])).toEqual([
      ["Failed", "$37.00"],
      ["Succeeded", "$37.00"],
    ]);
    expect(activity.refunds.map((r) => [r.status, r.amount, r.what])).toEqual([
      ["Pending", "$8.00", "1 × Tea Towel · Towel out of stock"],
    ]);
    expect(activity.fulfilments).toHaveLength(1);
    expect(activity.fulfilments[0]?.what).toContain("2 × Blue Mug");
    expect(activity.fulfilments[0]?.what).toContain("UPS 1Z999");
    expect(activity.received).toBe("$37.00");
  });

  it("still shows the incident when Shopify cannot be read, and says so", async () => {
    emu.faults.failNext(10, "OrderActivity");
    try {
      const { incident, order } = await page();
      expect(incident.id).toBe(fixture.incidentId);
      expect(order.available).toBe(false);
      if (!order.available) expect(order.reason).toMatch(/could not be read just now/);
    } finally {
      emu.faults.clear();
    }
  });
});
