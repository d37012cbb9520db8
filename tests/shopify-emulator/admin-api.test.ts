import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { GraphQLResponseBody, RunningEmulator, SeededShop } from "./index";
import { DEFAULT_CANCEL_JOB_MS, DEFAULT_SEARCH_LAG_MS, manualClock, seedDemoShop, startEmulator } from "./index";

const SHOP = "demo-shop.myshopify.com";
const clock = manualClock(Date.UTC(2026, 10, 20, 12));
let emu: RunningEmulator;
let seeded: SeededShop;
/** The app's offline token from its install on the shop. */
let token = "";

async function post(
  query: string,
  variables: Record<string, unknown> = {},
  accessToken: string | null = token,
): Promise<{ status: number; body: GraphQLResponseBody }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (accessToken) headers["X-Shopify-Access-Token"] = accessToken;
  const res = await fetch(emu.graphqlUrl(SHOP), {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponseBody };
}

function dig(value: unknown, ...path: (string | number)[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

const REFUND = `mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } } }
    order { id totalRefundedSet { shopMoney { amount } } displayFinancialStatus }
    userErrors { field message }
  }
}`;

function paidOrder() {
  const order = seeded.byState.delivered.find(
    (o) => o.refunds.length === 0 && o.transactions.length === 1,
  );
  if (!order) throw new Error("seed has no paid, unrefunded order");
  const sale = order.transactions[0];
  const li = order.lineItems[0];
  if (!sale || !li) throw new Error("order without sale or line item");
  return { order, sale, li };
}

beforeAll(async () => {
  emu = await startEmulator({ clock, bucket: { maximumAvailable: 1000, restoreRate: 50 } });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  seeded = seedDemoShop(emu.store, { seed: 11 });
  token = emu.auth.install(SHOP).access_token;
});

describe("Admin GraphQL contract", () => {
  it("requires an access token it issued (tests/shopify-emulator/auth.test.ts: expiry and refresh)", async () => {
    expect((await post(`query Shop { shop { name } }`, {}, null)).status).toBe(401);
    expect((await post(`query Shop { shop { name } }`, {}, "shpat_never_issued")).status).toBe(401);
  });

  it("answers from Shopify's schema with throttle status", async () => {
    const res = await post(
      `query Shop { shop { name myshopifyDomain currencyCode ianaTimezone email } }`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      shop: {
        name: "Lana y Lino",
        myshopifyDomain: SHOP,
        currencyCode: "EUR",
        ianaTimezone: "Europe/Madrid",
        email: "hola@lanaylino.example",
      },
    });
    expect(res.body.extensions?.cost).toMatchObject({
      requestedQueryCost: 1,
      actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 1000, restoreRate: 50 },
    });
  });

  it("rejects a field Shopify does not have, naming it", async () => {
    const res = await post(`query Bad { shop { name shoeSize } }`);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.message).toBe("Field 'shoeSize' doesn't exist on type 'Shop'");
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: "undefinedField",
      fieldName: "shoeSize",
    });
  });

  it("fails loudly on a real field the emulator does not implement", async () => {
    const { order } = paidOrder();
    const res = await post(
      `query Risky($id: ID!) { order(id: $id) { id customerJourneySummary { ready } } }`,
      { id: order.id },
    );
    expect(res.body.errors?.[0]?.message).toBe(
      "Field Order.customerJourneySummary is not implemented by the emulator",
    );
  });

  it("serves orders with line items, fulfillments and tracking", async () => {
    const late = seeded.byState.late[0];
    if (!late) throw new Error("no late order seeded");
    const res = await post(
      `query Order($id: ID!) { order(id: $id) { name displayFulfillmentStatus
        lineItems(first: 10) { nodes { id unfulfilledQuantity } }
        fulfillments(first: 5) { status displayStatus estimatedDeliveryAt deliveredAt trackingInfo { company number url }
          events(first: 10) { nodes { status happenedAt } } } } }`,
      { id: late.id },
    );
    expect(res.body.errors).toBeUndefined();
    const f = dig(res.body.data, "order", "fulfillments", 0) as Record<string, unknown>;
    expect(f.status).toBe("SUCCESS");
    expect(f.deliveredAt).toBeNull();
    expect(Date.parse(String(f.estimatedDeliveryAt))).toBeLessThan(clock.now());
    expect(dig(f, "trackingInfo", 0, "company")).toMatch(/Correos|SEUR|MRW|DHL/);
  });

  it("filters and sorts orders with Shopify's search syntax", async () => {
    const res = await post(
      `query Unfulfilled { orders(first: 50, query: "fulfillment_status:unshipped status:open", sortKey: CREATED_AT) { nodes { name displayFulfillmentStatus } } }`,
    );
    const nodes = dig(res.body.data, "orders", "nodes") as { displayFulfillmentStatus: string }[];
    expect(nodes.length).toBe(seeded.byState.unfulfilled.length);
    expect(nodes.every((n) => n.displayFulfillmentStatus === "UNFULFILLED")).toBe(true);
    const bad = await post(
      `query Weird { orders(first: 5, query: "risk_level:high") { nodes { id } } }`,
    );
    expect(bad.body.errors?.[0]?.message).toMatch(/risk_level.*not implemented/);
  });

  it("reads inventory of a variant", async () => {
    const variant = seeded.variants[3];
    if (!variant) throw new Error("no variant");
    const res = await post(
      `query Stock($id: ID!) { productVariant(id: $id) { id inventoryItem { inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available"]) { name quantity } } } } } }`,
      { id: variant.id },
    );
    const levels = dig(
      res.body.data,
      "productVariant",
      "inventoryItem",
      "inventoryLevels",
      "nodes",
    ) as unknown[];
    expect(levels).toHaveLength(2);
    expect(dig(levels, 0, "quantities", 0, "quantity")).toBe(variant.levels[0]?.available);
  });
});

describe("refundCreate", () => {
  it("requires the @idempotent directive", async () => {
    const { order } = paidOrder();
    const res = await post(
      `mutation NoKey($input: RefundInput!) { refundCreate(input: $input) { userErrors { message } } }`,
      {
        input: { orderId: order.id, note: "x" },
      },
    );
    expect(res.body.errors?.[0]?.message).toMatch(/@idempotent directive is required/);
    expect(order.refunds).toHaveLength(0);
  });

  it("gives userErrors and applies nothing when refunding more than refundable", async () => {
    const { order, sale, li } = paidOrder();
    const res = await post(REFUND, {
      key: "over-1",
      input: {
        orderId: order.id,
        refundLineItems: [{ lineItemId: li.id, quantity: li.quantity + 1 }],
        transactions: [
          {
            orderId: order.id,
            parentId: sale.id,
            gateway: sale.gateway,
            kind: "REFUND",
            amount: "99999.00",
          },
        ],
      },
    });
    const errors = dig(res.body.data, "refundCreate", "userErrors") as {
      field: string[];
      message: string;
    }[];
    expect(errors.map((e) => e.field.join("."))).toEqual([
      "refundLineItems.0.quantity",
      "transactions",
    ]);
    expect(dig(res.body.data, "refundCreate", "refund")).toBeNull();
    expect(order.refunds).toHaveLength(0);
  });

  it("refunds once for the same idempotency key, even when the first answer was lost", async () => {
    const { order, sale, li } = paidOrder();
    const variables = {
      key: "5b1c7c8e-refund",
      input: {
        orderId: order.id,
        note: "Damaged",
        refundLineItems: [{ lineItemId: li.id, quantity: 1, restockType: "NO_RESTOCK" }],
        transactions: [
          {
            orderId: order.id,
            parentId: sale.id,
            gateway: sale.gateway,
            kind: "REFUND",
            amount: "10.00",
          },
        ],
      },
    };
    emu.faults.dropAfterApplyNext(1, "RefundCreate");
    await expect(post(REFUND, variables)).rejects.toThrow();
    // The effect was kept although the response was lost.
    expect(order.refunds).toHaveLength(1);

    const retry = await post(REFUND, variables);
    expect(dig(retry.body.data, "refundCreate", "userErrors")).toEqual([]);
    expect(dig(retry.body.data, "refundCreate", "refund", "id")).toBe(order.refunds[0]?.id);
    expect(
      dig(retry.body.data, "refundCreate", "order", "totalRefundedSet", "shopMoney", "amount"),
    ).toBe("10.00");
    expect(order.refunds).toHaveLength(1);

    const reused = await post(REFUND, {
      ...variables,
      input: { ...variables.input, note: "different" },
    });
    expect(dig(reused.body.data, "refundCreate", "userErrors", 0, "message")).toMatch(
      /same idempotency key/,
    );
    expect(order.refunds).toHaveLength(1);
  });

  it("suggests a refund with the real argument names", async () => {
    const { order, li } = paidOrder();
    const res = await post(
      `query Suggest($id: ID!, $lines: [RefundLineItemInput!]) { order(id: $id) {
        suggestedRefund(refundLineItems: $lines, refundShipping: false) { amountSet { shopMoney { amount } }
          suggestedTransactions { gateway kind parentTransaction { id } amountSet { shopMoney { amount } } } } } }`,
      { id: order.id, lines: [{ lineItemId: li.id, quantity: 1 }] },
    );
    expect(res.body.errors).toBeUndefined();
    expect(dig(res.body.data, "order", "suggestedRefund", "amountSet", "shopMoney", "amount")).toBe(
      (li.priceCents / 100).toFixed(2),
    );
    expect(dig(res.body.data, "order", "suggestedRefund", "suggestedTransactions", 0, "kind")).toBe(
      "SUGGESTED_REFUND",
    );
  });
});

describe("other mutations", () => {
  it("cancels through a job that runs for its time: a second cancel meanwhile is refused", async () => {
    const order = seeded.byState.unfulfilled[0];
    if (!order) throw new Error("no unfulfilled order");
    const cancel = `mutation Cancel($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refundMethod: { originalPaymentMethodsRefund: true }, notifyCustomer: false) {
        job { id done } orderCancelUserErrors { field message code } } }`;
    const res = await post(cancel, { id: order.id });
    expect(dig(res.body.data, "orderCancel", "job", "done")).toBe(false);
    expect(order.cancelledAt).toBeNull();
    const jobId = dig(res.body.data, "orderCancel", "job", "id");
    const poll = () => post(`query Job($id: ID!) { job(id: $id) { id done } }`, { id: jobId });
    expect(dig((await poll()).body.data, "job", "done")).toBe(false);
    const meanwhile = await post(cancel, { id: order.id });
    expect(dig(meanwhile.body.data, "orderCancel", "orderCancelUserErrors", 0, "message")).toBe("Order is already being cancelled");
    expect(order.cancelledAt).toBeNull();

    clock.advance(DEFAULT_CANCEL_JOB_MS);
    expect(dig((await poll()).body.data, "job", "done")).toBe(true);
    expect(order.cancelReason).toBe("CUSTOMER");
    const again = await post(
      `mutation Cancel($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true) { job { id } orderCancelUserErrors { code } } }`,
      { id: order.id },
    );
    expect(dig(again.body.data, "orderCancel", "orderCancelUserErrors", 0, "code")).toBe("INVALID");
  });

  it("creates and completes a 100% discounted replacement draft order", async () => {
    const customer = seeded.customers[0];
    const variant = seeded.variants[5];
    if (!customer || !variant) throw new Error("seed");
    const created = await post(
      `mutation Draft($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id totalPriceSet { shopMoney { amount } } } userErrors { field message } } }`,
      {
        input: {
          purchasingEntity: { customerId: customer.id },
          lineItems: [{ variantId: variant.id, quantity: 1 }],
          appliedDiscount: { value: 100, valueType: "PERCENTAGE", title: "Replacement" },
          shippingLine: {
            title: "Free replacement shipping",
            priceWithCurrency: { amount: "0.00", currencyCode: "EUR" },
          },
          tags: ["amends-replacement"],
          note: "Replacement for damaged item",
        },
      },
    );
    expect(dig(created.body.data, "draftOrderCreate", "userErrors")).toEqual([]);
    expect(
      dig(
        created.body.data,
        "draftOrderCreate",
        "draftOrder",
        "totalPriceSet",
        "shopMoney",
        "amount",
      ),
    ).toBe("0.00");
    const draftId = dig(created.body.data, "draftOrderCreate", "draftOrder", "id");
    const done = await post(
      `mutation Complete($id: ID!) { draftOrderComplete(id: $id) { draftOrder { status order { id name tags note totalPriceSet { shopMoney { amount } } displayFinancialStatus } } userErrors { message } } }`,
      { id: draftId },
    );
    const order = dig(done.body.data, "draftOrderComplete", "draftOrder", "order") as Record<
      string,
      unknown
    >;
    expect(order.tags).toEqual(["amends-replacement"]);
    expect(order.note).toBe("Replacement for damaged item");
    expect(dig(order, "totalPriceSet", "shopMoney", "amount")).toBe("0.00");
  });

  it("searches draft orders by tag and status, and refuses filters it does not implement", async () => {
    const search = (query: string) =>
      post(`query Drafts($query: String!) { draftOrders(first: 10, query: $query) { nodes { id status tags } } }`, { query });
    const variant = seeded.variants[3];
    if (!variant) throw new Error("seed");
    await post(`mutation Draft($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id } userErrors { message } } }`, {
      input: { lineItems: [{ variantId: variant.id, quantity: 1 }], tags: ["amends-incident-x1"] },
    });
    clock.advance(DEFAULT_SEARCH_LAG_MS); // search-lag.test.ts shows the draft before that
    expect(dig((await search("tag:'amends-incident-x1' status:open")).body.data, "draftOrders", "nodes")).toEqual([
      expect.objectContaining({ status: "OPEN", tags: ["amends-incident-x1"] }),
    ]);
    expect(dig((await search("tag:'amends-incident-x1' status:completed")).body.data, "draftOrders", "nodes")).toEqual([]);
    expect(dig((await search("tag:'amends-incident-x2'")).body.data, "draftOrders", "nodes")).toEqual([]);
    const unknown = await search("source:web");
    expect(unknown.body.errors?.[0]?.message).toBe("draftOrders(query:) filter source is not implemented by the emulator");
  });

  it("creates unique discount codes and finds them by code", async () => {
    const customer = seeded.customers[1];
    if (!customer) throw new Error("seed");
    const mutation = `mutation Discount($d: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $d) {
      codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title usageLimit codes(first: 1) { nodes { code } } } } }
      userErrors { field message code } } }`;
    const input = {
      title: "Sorry for the delay",
      code: "SORRY-ABC123",
      startsAt: "2026-11-20T00:00:00Z",
      endsAt: "2026-12-20T00:00:00Z",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { customers: { add: [customer.id] } },
      customerGets: { value: { percentage: 0.15 }, items: { all: true } },
    };
    const first = await post(mutation, { d: input });
    expect(dig(first.body.data, "discountCodeBasicCreate", "userErrors")).toEqual([]);
    const dup = await post(mutation, { d: { ...input, code: "sorry-abc123" } });
    expect(dig(dup.body.data, "discountCodeBasicCreate", "userErrors", 0, "code")).toBe("TAKEN");
    const found = await post(
      `query ByCode($code: String!) { codeDiscountNodeByCode(code: $code) { id } }`,
      { code: "SORRY-ABC123" },
    );
    expect(dig(found.body.data, "codeDiscountNodeByCode", "id")).toBe(
      dig(first.body.data, "discountCodeBasicCreate", "codeDiscountNode", "id"),
    );
  });

  it("adds tags and updates notes", async () => {
    const order = seeded.orders[0];
    if (!order) throw new Error("seed");
    await post(
      `mutation Tag($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { message } } }`,
      { id: order.id, tags: ["amends:late"] },
    );
    const res = await post(
      `mutation Update($input: OrderInput!) { orderUpdate(input: $input) { order { note tags } userErrors { message } } }`,
      {
        input: { id: order.id, note: "Customer contacted" },
      },
    );
    expect(dig(res.body.data, "orderUpdate", "order")).toMatchObject({
      note: "Customer contacted",
    });
    expect(dig(res.body.data, "orderUpdate", "order", "tags")).toContain("amends:late");
  });
});

describe("rate limiting and faults", () => {
  it("throttles when the bucket lacks points and recovers at the restore rate", async () => {
    const query = `query Many { orders(first: 100) { nodes { id lineItems(first: 3) { nodes { id } } } } }`;
    const first = await post(query);
    const requested = first.body.extensions?.cost?.requestedQueryCost ?? 0;
    expect(requested).toBe(2 + 100 * (1 + 2 + 3 * 1));
    // Actual cost counts what came back (60 orders), and the difference is refunded.
    expect(first.body.extensions?.cost?.actualQueryCost).toBeLessThan(requested);

    emu.bucket(SHOP).drain(0);
    const throttled = await post(query);
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors?.[0]).toMatchObject({
      message: "Throttled",
      extensions: { code: "THROTTLED" },
    });
    expect(throttled.body.extensions?.cost?.throttleStatus).toEqual({
      maximumAvailable: 1000,
      currentlyAvailable: 0,
      restoreRate: 50,
    });

    // 50 points/s: after 10 s there are 500 points, still short of `requested` (602).
    clock.advance(10_000);
    expect((await post(query)).body.errors?.[0]?.extensions?.code).toBe("THROTTLED");
    clock.advance(2_100);
    const recovered = await post(query);
    expect(recovered.body.errors).toBeUndefined();
  });

  it("injects 5xx, THROTTLED and hangs for matching operations only", async () => {
    emu.faults.failNext(1, "Shop");
    expect((await post(`query Other { shop { id } }`)).status).toBe(200);
    expect((await post(`query Shop { shop { id } }`)).status).toBe(503);
    expect((await post(`query Shop { shop { id } }`)).status).toBe(200);

    emu.faults.throttleNext();
    expect((await post(`query Shop { shop { id } }`)).body.errors?.[0]?.extensions?.code).toBe(
      "THROTTLED",
    );

    emu.faults.hangNext();
    await expect(
      fetch(emu.graphqlUrl(SHOP), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
        body: JSON.stringify({ query: "query Shop { shop { id } }" }),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
  });
});
