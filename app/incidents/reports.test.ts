import { describe, expect, it } from "vitest";

import type { OrderState } from "./model";
import { DEFAULT_DETECTION_SETTINGS } from "./model";
import { findingFromReport } from "./reports";

const order: OrderState = {
  id: "gid://shopify/Order/1",
  name: "#1001",
  createdAt: "2026-11-10T10:00:00Z",
  paidAt: "2026-11-10T10:00:00Z",
  cancelledAt: null,
  cancelReason: null,
  customer: { id: "gid://shopify/Customer/7", email: "ana@example.com", firstName: "Ana", lastName: null },
  lines: [],
  fulfillments: [],
  totalPrice: { amount: "40.00", currencyCode: "USD" },
};

describe("findingFromReport", () => {
  it("turns a customer's wrong-item report into a finding against the warehouse", () => {
    const finding = findingFromReport(
      order,
      { kind: "wrong_item", lines: [{ lineItemId: "gid://shopify/LineItem/3", quantity: 1 }], description: "Got a red mug, ordered blue", reportedBy: "customer" },
      DEFAULT_DETECTION_SETTINGS,
      new Date("2026-11-20T09:00:00Z"),
    );
    expect(finding).toEqual({
      kind: "wrong_item",
      orderId: "gid://shopify/Order/1",
      orderName: "#1001",
      customerId: "gid://shopify/Customer/7",
      lines: [{ lineItemId: "gid://shopify/LineItem/3", quantity: 1 }],
      evidence: { reportedBy: "customer", description: "Got a red mug, ordered blue", photos: [] },
      responsibleParty: "warehouse",
      responseDeadline: "2026-11-21T09:00:00.000Z",
      summary: "The customer reports that #1001 received the wrong item",
    });
  });
});
