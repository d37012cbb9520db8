// Search lags behind writes, as on Shopify; reads by id or by code do not.
import { describe, expect, it } from "vitest";

import type { Emulator } from "./index";
import { DEFAULT_SEARCH_LAG_MS, createEmulator, manualClock } from "./index";

const SHOP = "lagging.myshopify.com";

function shop(searchLagMs?: number) {
  const clock = manualClock(Date.UTC(2026, 10, 20, 12));
  const emu = createEmulator({ clock, ...(searchLagMs === undefined ? {} : { searchLagMs }) });
  emu.store.createShop({ domain: SHOP, accessToken: "shpat_lag" });
  const product = emu.store.addProduct(SHOP, { title: "Mug", variants: [{ price: "10.00", available: 5 }] });
  return { emu, clock, variantId: product.variantIds[0] ?? "" };
}

async function data(emu: Emulator, query: string, variables: Record<string, unknown> = {}) {
  const body = await emu.graphql(SHOP, query, variables, { unmetered: true });
  expect(body.errors).toBeUndefined();
  return body.data as Record<string, unknown>;
}

const DRAFTS = `query Drafts($q: String!) { draftOrders(first: 5, query: $q) { nodes { id status } } }`;
const ORDERS = `query Orders($q: String!) { orders(first: 5, query: $q) { nodes { id tags } } }`;

async function createDraft(emu: Emulator, variantId: string, tag: string): Promise<string> {
  const created = await data(
    emu,
    `mutation Draft($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id } userErrors { message } } }`,
    { input: { lineItems: [{ variantId, quantity: 1 }], tags: [tag] } },
  );
  return (created.draftOrderCreate as { draftOrder: { id: string } }).draftOrder.id;
}

const nodes = (result: Record<string, unknown>, field: string) =>
  (result[field] as { nodes: { id: string; status?: string }[] }).nodes;

describe("search lags behind writes", () => {
  it("a new draft order is read by id at once, and found by search only after the lag", async () => {
    const { emu, clock, variantId } = shop();
    const id = await createDraft(emu, variantId, "lag-1");
    const byId = await data(emu, `query D($id: ID!) { draftOrder(id: $id) { id } }`, { id });
    expect(byId.draftOrder).toEqual({ id });
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-1'" }), "draftOrders")).toEqual([]);
    clock.advance(DEFAULT_SEARCH_LAG_MS - 1);
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-1'" }), "draftOrders")).toEqual([]);
    clock.advance(1);
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-1'" }), "draftOrders")).toEqual([{ id, status: "OPEN" }]);
  });

  it("a change is searched as it was until the lag passes; the hit shows the record as it is now", async () => {
    const { emu, clock, variantId } = shop();
    const id = await createDraft(emu, variantId, "lag-2");
    clock.advance(DEFAULT_SEARCH_LAG_MS);
    const done = await data(emu, `mutation C($id: ID!) { draftOrderComplete(id: $id) { draftOrder { order { id } } userErrors { message } } }`, { id });
    const orderId = (done.draftOrderComplete as { draftOrder: { order: { id: string } } }).draftOrder.order.id;

    // Still indexed as open, answered as completed; the new order is not searchable yet.
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-2' status:open" }), "draftOrders")).toEqual([{ id, status: "COMPLETED" }]);
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-2' status:completed" }), "draftOrders")).toEqual([]);
    expect(nodes(await data(emu, ORDERS, { q: "tag:'lag-2'" }), "orders")).toEqual([]);
    const order = await data(emu, `query O($id: ID!) { order(id: $id) { id } }`, { id: orderId });
    expect(order.order).toEqual({ id: orderId });

    clock.advance(DEFAULT_SEARCH_LAG_MS);
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-2' status:open" }), "draftOrders")).toEqual([]);
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-2' status:completed" }), "draftOrders")).toEqual([{ id, status: "COMPLETED" }]);
    expect(nodes(await data(emu, ORDERS, { q: "tag:'lag-2'" }), "orders")).toEqual([{ id: orderId, tags: ["lag-2"] }]);
  });

  it("a discount code is read by its code at once: codeDiscountNodeByCode is not a search", async () => {
    const { emu } = shop();
    const created = await data(
      emu,
      `mutation D($d: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $d) { codeDiscountNode { id } userErrors { message } } }`,
      {
        d: {
          title: "Sorry",
          code: "SORRY-LAG",
          startsAt: "2026-11-20T00:00:00Z",
          usageLimit: 1,
          context: { all: "ALL" },
          customerGets: { value: { percentage: 0.1 }, items: { all: true } },
        },
      },
    );
    const node = (created.discountCodeBasicCreate as { codeDiscountNode: { id: string } }).codeDiscountNode;
    const found = await data(emu, `query C($code: String!) { codeDiscountNodeByCode(code: $code) { id } }`, { code: "SORRY-LAG" });
    expect(found.codeDiscountNodeByCode).toEqual({ id: node.id });
  });

  it("lag 0 searches live (for tests of search filters only)", async () => {
    const { emu, variantId } = shop(0);
    const id = await createDraft(emu, variantId, "lag-3");
    expect(nodes(await data(emu, DRAFTS, { q: "tag:'lag-3'" }), "draftOrders")).toEqual([{ id, status: "OPEN" }]);
  });
});
