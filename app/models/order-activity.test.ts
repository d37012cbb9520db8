import { describe, expect, it } from "vitest";

import type { OrderActivity } from "../shopify/operations/order-activity.server";
import { orderActivityView } from "./order-activity.server";

const eur = (amount: string) => ({ shopMoney: { amount, currencyCode: "EUR" } });

const activity: OrderActivity = {
  id: "gid://shopify/Order/1",
  name: "#1001",
  email: "ana@example.com",
  phone: null,
  currencyCode: "EUR",
  customer: {
    id: "gid://shopify/Customer/1",
    displayName: "Ana García",
    email: "ana@example.com",
    phone: "+34 600 000 000",
    numberOfOrders: "3",
    amountSpent: { amount: "1500.00", currencyCode: "EUR" },
  },
  lineItems: {
    nodes: [
      { id: "l1", title: "Taza azul", sku: "TZ-1", quantity: 1, refundableQuantity: 0, unfulfilledQuantity: 0, discountedUnitPriceSet: eur("20.00") },
      { id: "l2", title: "Plato", sku: null, quantity: 3, refundableQuantity: 3, unfulfilledQuantity: 1, discountedUnitPriceSet: eur("607.25") },
    ],
  },
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  totalReceivedSet: eur("1234.50"),
  totalRefundedSet: eur("20.00"),
  transactions: [
    {
      id: "gid://shopify/OrderTransaction/1",
      kind: "SALE",
      status: "SUCCESS",
      formattedGateway: "Shopify Payments",
      processedAt: "2026-03-29T01:30:00Z",
      amountSet: eur("1234.50"),
    },
    {
      id: "gid://shopify/OrderTransaction/2",
      kind: "REFUND",
      status: "SUCCESS",
      formattedGateway: "Shopify Payments",
      processedAt: "2026-03-30T10:00:00Z",
      amountSet: eur("20.00"),
    },
  ],
  refunds: [
    {
      id: "gid://shopify/Refund/1",
      createdAt: "2026-03-30T10:00:00Z",
      note: null,
      totalRefundedSet: eur("20.00"),
      refundLineItems: { nodes: [{ quantity: 1, lineItem: { id: "l1", title: "Taza azul" } }] },
      transactions: { nodes: [{ status: "FAILURE" }] },
    },
  ],
  fulfillments: [
    {
      id: "gid://shopify/Fulfillment/1",
      name: "#1001-F1",
      status: "SUCCESS",
      displayStatus: "IN_TRANSIT",
      createdAt: "2026-03-29T09:00:00Z",
      deliveredAt: null,
      trackingInfo: [{ company: "Correos", number: "PK123", url: "https://www.correos.es/?tracking=PK123" }],
      fulfillmentLineItems: { nodes: [{ quantity: 2, lineItem: { id: "l2", title: "Plato" } }] },
    },
  ],
};

describe("orderActivityView", () => {
  it("writes amounts the shop's way and dates in its time zone; refunds apart from payments", () => {
    const view = orderActivityView(activity, { locale: "es-ES", timeZone: "Europe/Madrid" });
    if (!view.available) throw new Error(view.reason);
    expect(view.received).toBe("1234,50\u00a0€");
    expect(view.financialStatus).toBe("Partially refunded");
    expect(view.payments.map((p) => [p.what, p.amount, p.status])).toEqual([
      ["Payment (Shopify Payments)", "1234,50\u00a0€", "Succeeded"],
    ]);
    // 01:30 UTC, just after the clocks went forward, is 03:30 in Madrid.
    expect(view.payments[0]?.when).toContain("3:30");
    expect(view.refunds.map((r) => [r.what, r.amount, r.state, r.status])).toEqual([
      ["1 × Taza azul", "20,00\u00a0€", "failed", "Failed"],
    ]);
    expect(view.fulfilments.map((f) => [f.what, f.state, f.status])).toEqual([
      ["#1001-F1 · 2 × Plato · Correos PK123", "done", "In transit"],
    ]);
    expect(view.fulfilments[0]?.trackingUrl).toBe("https://www.correos.es/?tracking=PK123");
    expect(view.items.map((i) => [i.title, i.unitPrice, i.standing])).toEqual([
      ["Taza azul", "20,00\u00a0€", "1 refunded or removed"],
      ["Plato", "607,25\u00a0€", "2 shipped · 1 not shipped yet"],
    ]);
    expect(view.customer).toEqual({
      id: "gid://shopify/Customer/1",
      name: "Ana García",
      email: "ana@example.com",
      phone: "+34 600 000 000",
      orders: 3,
      totalSpent: "1500,00\u00a0€",
    });
  });

  it("says when Shopify no longer has the order", () => {
    expect(orderActivityView(null, { locale: "en-US", timeZone: "UTC" })).toEqual({
      available: false,
      reason: "Shopify no longer has this order.",
    });
  });
});
