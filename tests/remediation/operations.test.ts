// Each Admin API operation's refusal path: Shopify's userErrors become ShopifyUserError with
// Shopify's own message, and nothing is applied.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AdminClient, ShopifyUserError } from "../../app/shopify/admin.server";
import {
  appendOrderNote,
  apologyCode,
  cancelForStockOut,
  completeReplacementDraft,
  createApologyCode,
  createReplacementDraft,
  refundIncident,
  tagOrder,
  waitForJob,
} from "../../app/shopify/operations/index.server";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";

const SHOP = "operations.myshopify.com";
const TOKEN = "shpat_operations_test";
let emu: RunningEmulator;
let client: AdminClient;

beforeAll(async () => {
  emu = await startEmulator();
  // A fixed token (as a custom app holds): these tests are about the operations, not access.
  emu.store.createShop({ domain: SHOP, accessToken: TOKEN });
  client = new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP), baseDelayMs: 5 });
});
afterAll(async () => {
  await emu.close();
});

function paidOrder() {
  const product = emu.store.addProduct(SHOP, { title: "Mug", variants: [{ price: "10.00", available: 3 }] });
  const customer = emu.store.addCustomer(SHOP, { firstName: "Ada" });
  const order = emu.store.addOrder(SHOP, { customerId: customer.id, lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 1 }] }, { silent: true });
  return { order, customer, line: order.lineItems[0] };
}

async function refusal(promise: Promise<unknown>): Promise<ShopifyUserError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ShopifyUserError);
  return error as ShopifyUserError;
}

describe("userErrors", () => {
  it("RefundIncident: more than refundable", async () => {
    const { order, line } = paidOrder();
    const sale = order.transactions[0];
    const error = await refusal(
      refundIncident(
        client,
        {
          orderId: order.id,
          note: "x",
          notify: true,
          refundLineItems: [{ lineItemId: line?.id ?? "", quantity: 5, restockType: "CANCEL" }],
          transactions: [{ orderId: order.id, parentId: sale?.id ?? "", gateway: "shopify_payments", kind: "REFUND", amount: "50.00" }],
        },
        "over-refund",
      ),
    );
    expect(error.message).toMatch(/^RefundIncident: Quantity cannot refund more items/);
    expect(order.refunds).toHaveLength(0);
  });

  it("CreateReplacementDraft: unknown variant; CompleteReplacementDraft: unknown draft", async () => {
    const error = await refusal(
      createReplacementDraft(client, {
        incidentId: "i1",
        originalOrderName: "#1",
        customerId: null,
        email: null,
        shippingAddress: null,
        currencyCode: "USD",
        lines: [{ variantId: "gid://shopify/ProductVariant/999999", title: "Gone", quantity: 1, unitPrice: { amount: "1.00", currencyCode: "USD" } }],
      }),
    );
    expect(error.message).toBe("CreateReplacementDraft: Product variant does not exist");
    const missing = await refusal(completeReplacementDraft(client, "gid://shopify/DraftOrder/999999"));
    expect(missing.message).toBe("CompleteReplacementDraft: Draft order does not exist");
  });

  it("CreateApologyCode: a code that is taken", async () => {
    const { customer } = paidOrder();
    const args = {
      code: apologyCode(SHOP, "taken"),
      title: "Sorry",
      customerId: customer.id,
      value: { percentage: 10 },
      startsAt: "2026-11-20T00:00:00Z",
      endsAt: "2026-12-20T00:00:00Z",
    };
    await createApologyCode(client, args);
    const error = await refusal(createApologyCode(client, args));
    expect(error.userErrors[0]).toMatchObject({ code: "TAKEN" });
    expect(error.message).toBe("CreateApologyCode: Code must be unique. Please try a different code.");
  });

  it("CancelForStockOut: an order already cancelled", async () => {
    const { order } = paidOrder();
    await waitForJob(client, await cancelForStockOut(client, order.id, "stock-out"), { intervalMs: 10 });
    expect(order.cancelReason).toBe("INVENTORY");
    const error = await refusal(cancelForStockOut(client, order.id, "again"));
    expect(error.message).toBe("CancelForStockOut: Order has already been cancelled");
  });

  it("TagOrder: an unknown order; AppendOrderNote appends once and never overwrites", async () => {
    const error = await refusal(tagOrder(client, "gid://shopify/Order/999999", ["amends"]));
    expect(error.message).toBe("TagOrder: Resource not found");
    const { order } = paidOrder();
    order.note = "Gift wrap please";
    await appendOrderNote(client, order.id, "Amends [amends:x]: refunded.", "[amends:x]");
    const again = await appendOrderNote(client, order.id, "Amends [amends:x]: refunded.", "[amends:x]");
    expect(again.appended).toBe(false);
    expect(order.note).toBe("Gift wrap please\n\nAmends [amends:x]: refunded.");
  });
});
