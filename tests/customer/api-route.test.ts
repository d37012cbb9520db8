// The customer-account extension's endpoint (app/routes/api.customer.*), called as Remix calls
// it, with session tokens signed as Shopify signs them, the app's own database and its Admin
// client pointed at the emulator. Contract: extensions/amends-order/src/api-contract.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { OrderCasesResponse, ReportCreatedResponse } from "../../extensions/amends-order/src/api-contract";
import type * as OrderRoute from "../../app/routes/api.customer.orders.$orderId";
import type * as ReportsRoute from "../../app/routes/api.customer.orders.$orderId.reports";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import type { CustomerShop, TokenClaims } from "./support";
import { API_SECRET, ORIGIN, customerShop, numericId, sessionToken } from "./support";

let emu: RunningEmulator;
let store: CustomerShop;
let other: CustomerShop;
let orderRoute: typeof OrderRoute;
let reportsRoute: typeof ReportsRoute;

beforeAll(async () => {
  emu = await startEmulator({});
  // Read once, on first use: the app's Admin client goes to the emulator.
  process.env.SHOPIFY_ADMIN_API_URL_TEMPLATE = `${emu.url}/{shop}/admin/api/{version}/graphql.json`;
  const { db } = await import("../../app/db.server");
  store = await customerShop(db(), emu);
  other = await customerShop(db(), emu);
  orderRoute = await import("../../app/routes/api.customer.orders.$orderId");
  reportsRoute = await import("../../app/routes/api.customer.orders.$orderId.reports");
});

afterAll(async () => {
  await emu.close();
});

const url = (path: string) => `http://127.0.0.1:3999${path}`;

function headers(claims: Partial<TokenClaims> | null, extra: Record<string, string> = {}) {
  const token = claims === null ? null : sessionToken({ shop: store.shop, customerId: store.ada, ...claims });
  return { Origin: ORIGIN, ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

function getOrder(orderGid: string, claims: Partial<TokenClaims> | null = {}) {
  const orderId = numericId(orderGid);
  const request = new Request(url(`/api/customer/orders/${orderId}`), { headers: headers(claims) });
  return orderRoute.loader({ request, params: { orderId }, context: {} });
}

function postReport(orderGid: string, body: unknown, claims: Partial<TokenClaims> | null = {}) {
  const orderId = numericId(orderGid);
  const request = new Request(url(`/api/customer/orders/${orderId}/reports`), {
    method: "POST",
    headers: headers(claims, { "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });
  return reportsRoute.action({ request, params: { orderId }, context: {} });
}

function expectCors(response: Response) {
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  expect(response.headers.get("Access-Control-Expose-Headers")).toContain("Retry-After");
}

const mug = () => store.order.lineItems[0]?.id ?? "";
const towel = () => store.order.lineItems[1]?.id ?? "";

describe("GET /api/customer/orders/:orderId", () => {
  it("answers the customer with their order's lines, no cases yet and the default policy text", async () => {
    const response = await getOrder(store.order.id);
    expect(response.status).toBe(200);
    expectCors(response);
    const body = (await response.json()) as OrderCasesResponse;
    expect(body.order).toMatchObject({ id: store.order.id, name: store.order.name });
    expect(body.order.lines.map(({ lineItemId, title, quantity }) => ({ lineItemId, title, quantity }))).toEqual([
      { lineItemId: mug(), title: "Blue Mug", quantity: 2 },
      { lineItemId: towel(), title: "Tea Towel", quantity: 1 },
    ]);
    expect(body.reports).toEqual([]);
    expect(body.incidents).toEqual([]);
    expect(body.policyText).toMatch(/answers within one business day/);
  });

  it("gives the store's resolution policy as the merchant wrote it", async () => {
    const { db } = await import("../../app/db.server");
    const text = "Sam answers within 4 hours on weekdays.\n\nWe replace or refund, your choice.";
    await db().shop.update({ where: { domain: store.shop }, data: { resolutionPolicy: text } });
    try {
      const body = (await (await getOrder(store.order.id)).json()) as OrderCasesResponse;
      expect(body.policyText).toBe(text);
    } finally {
      await db().shop.update({ where: { domain: store.shop }, data: { resolutionPolicy: null } });
    }
  });

  it.each([
    ["expired", { expiresIn: -60 }],
    ["not yet valid", { notBeforeIn: 60 }],
    ["forged", { secret: "not-the-app-secret" }],
    ["for another app", { aud: "another-app-client-id" }],
  ] as const)("refuses a token that is %s with 401, CORS headers included", async (_name, claims) => {
    const response = await getOrder(store.order.id, claims);
    expect(response.status).toBe(401);
    expectCors(response);
  });

  it("refuses a request without a token with 401", async () => {
    const response = await getOrder(store.order.id, null);
    expect(response.status).toBe(401);
    expectCors(response);
  });

  it("answers 404, the same way, for another customer's order, another shop's order and no order", async () => {
    const answers = await Promise.all([
      getOrder(store.bobsOrder.id),
      // A customer of the other shop asking for an order of this one, by its id.
      getOrder(store.order.id, { shop: other.shop, customerId: other.ada }),
      getOrder("gid://shopify/Order/999999999999999999"),
      getOrder("gid://shopify/Order/not-a-number"),
    ]);
    for (const response of answers) {
      expect(response.status).toBe(404);
      expectCors(response);
      expect(await response.json()).toEqual({ error: "not_found" });
    }
  });

  it("answers the CORS preflight", async () => {
    const request = new Request(url(`/api/customer/orders/${numericId(store.order.id)}`), {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    const response = await orderRoute.action({ request, params: { orderId: numericId(store.order.id) }, context: {} });
    expect(response.status).toBe(204);
    expectCors(response);
    const reports = await reportsRoute.action({
      request: new Request(url(`/api/customer/orders/${numericId(store.order.id)}/reports`), {
        method: "OPTIONS",
        headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" },
      }),
      params: { orderId: numericId(store.order.id) },
      context: {},
    });
    expect(reports.status).toBe(204);
    expect(reports.headers.get("Access-Control-Allow-Headers")).toContain("Content-Type");
  });
});

describe("POST /api/customer/orders/:orderId/reports", () => {
  it("refuses bad input with 422 and field codes", async () => {
    const cases: [unknown, Record<string, string>][] = [
      [{}, { kind: "required", message: "required" }],
      [{ kind: "broken_dreams", lines: [], message: "x" }, { kind: "invalid" }],
      [{ kind: "wrong_item", lines: [], message: "Wrong mug" }, { lines: "lines_required" }],
      [
        { kind: "missing_item", lines: [{ lineItemId: mug(), quantity: 3 }, { lineItemId: store.bobsOrder.lineItems[0]?.id, quantity: 1 }], message: "Short" },
        { "lines.0.quantity": "quantity_out_of_range", "lines.1.lineItemId": "not_in_order" },
      ],
      [{ kind: "damaged", lines: [{ lineItemId: mug(), quantity: 0 }], message: "   " }, { "lines.0.quantity": "quantity_out_of_range", message: "required" }],
      [{ kind: "other", lines: [], message: "x".repeat(2001) }, { message: "too_long" }],
    ];
    for (const [body, errors] of cases) {
      const response = await postReport(store.order.id, body, { customerId: store.ada });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expectCors(response);
      expect(await response.json()).toEqual({ errors });
    }
    const { db } = await import("../../app/db.server");
    expect(await db().incident.count({ where: { shop: store.shop } })).toBe(0);
  });

  it("refuses a report on another customer's order with 404 and records nothing", async () => {
    const response = await postReport(store.bobsOrder.id, { kind: "other", lines: [], message: "Not mine" });
    expect(response.status).toBe(404);
    expectCors(response);
    const { db } = await import("../../app/db.server");
    expect(await db().incident.count({ where: { shop: store.shop } })).toBe(0);
  });

  it("takes a wrong item to the merchant's approval, and a second report joins its timeline", async () => {
    const first = await postReport(store.order.id, { kind: "wrong_item", lines: [{ lineItemId: mug(), quantity: 1 }], message: "I got a red mug" });
    expect(first.status).toBe(201);
    expectCors(first);
    const created = (await first.json()) as ReportCreatedResponse;
    expect(created.report).toMatchObject({ kind: "wrong_item", status: "reviewing" });
    expect(created.respondBy).toBe(created.report.respondBy);

    const second = await postReport(store.order.id, { kind: "wrong_item", lines: [{ lineItemId: mug(), quantity: 2 }], message: "Both mugs are red, actually" });
    expect(second.status).toBe(201);
    expect(((await second.json()) as ReportCreatedResponse).report.id).toBe(created.report.id);

    const { db } = await import("../../app/db.server");
    const incidents = await db().incident.findMany({ where: { shop: store.shop }, include: { events: { orderBy: { at: "asc" } } } });
    expect(incidents).toHaveLength(1);
    const incident = incidents[0];
    expect(incident).toMatchObject({ kind: "wrong_item", status: "awaiting_approval", source: "order_page", customerId: store.ada, customerName: "Ada Lovelace" });
    expect(incident?.events.filter((e) => e.type === "customer_report").map((e) => e.message)).toEqual([
      "The customer writes from the order page: “Both mugs are red, actually”",
    ]);
    // Nothing was done on Shopify while the merchant has not approved.
    expect(emu.store.order(store.shop, store.order.id).refunds).toHaveLength(0);
  });

  it("remedies a damaged item alone where the policy allows it, and the order page shows the remedy", async () => {
    const response = await postReport(store.order.id, { kind: "damaged", lines: [{ lineItemId: towel(), quantity: 1 }], message: "The towel arrived torn" });
    expect(response.status).toBe(201);
    const created = (await response.json()) as ReportCreatedResponse;
    expect(created.report).toMatchObject({
      kind: "damaged",
      status: "resolved",
      remedy: { refund: { amount: "8.00", currencyCode: "USD" }, discount: { code: expect.any(String) as unknown } },
    });
    expect(created.report.message).toContain(store.order.name);
    expect(emu.store.order(store.shop, store.order.id).refunds).toHaveLength(1);

    const page = (await (await getOrder(store.order.id)).json()) as OrderCasesResponse;
    expect(page.reports.map((r) => [r.kind, r.status])).toEqual([
      ["damaged", "resolved"],
      ["wrong_item", "reviewing"],
    ]);
    const discount = page.reports[0]?.remedy?.discount;
    expect(discount?.endsAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect([...emu.store.shop(store.shop).discounts.values()].some((d) => JSON.stringify(d).includes(discount?.code ?? "?"))).toBe(true);
  });

  it("shows the incidents Amends opened itself apart from the customer's reports", async () => {
    const { db } = await import("../../app/db.server");
    await db().incident.create({
      data: {
        shop: store.shop,
        kind: "late_delivery",
        status: "open",
        orderId: store.order.id,
        orderName: store.order.name,
        customerId: store.ada,
        lines: [],
        evidence: {},
        responseDeadline: new Date("2026-12-01T10:00:00Z"),
      },
    });
    const page = (await (await getOrder(store.order.id)).json()) as OrderCasesResponse;
    expect(page.incidents).toEqual([
      expect.objectContaining({ kind: "late_delivery", status: "received", respondBy: "2026-12-01T10:00:00.000Z" }),
    ]);
    expect(page.reports).toHaveLength(2);
  });

  it("holds back a shop whose customers together flood it, whoever asks next", async () => {
    const { limits } = await import("../../app/customer-api.server");
    const { RateLimiter } = await import("../../app/rate-limit.server");
    const kept = limits.shop;
    // The shop's real burst is 600: a small bucket shows the same rule without 600 requests.
    limits.shop = new RateLimiter({ burst: 2, perSecond: 0.01 });
    try {
      const ada = { shop: other.shop, customerId: other.ada };
      const bob = { shop: other.shop, customerId: other.bob };
      const statuses = [];
      for (const [orderId, token] of [[other.order.id, ada], [other.bobsOrder.id, bob], [other.order.id, ada]] as const) {
        statuses.push((await getOrder(orderId, token)).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      // Another shop's customers are not held back.
      expect((await getOrder(store.order.id)).status).toBe(200);
    } finally {
      limits.shop = kept;
    }
  });

  it("answers a flood with 429 and Retry-After, CORS headers included", async () => {
    const token = { shop: other.shop, customerId: other.bob };
    // 40 at once: the customer's burst is 30, and at one every 2 s hardly any come back meanwhile.
    const answers = await Promise.all(Array.from({ length: 40 }, () => getOrder(other.bobsOrder.id, token)));
    const statuses = answers.map((r) => r.status);
    // Bob has asked once before (the shop's flood above); hardly a token comes back meanwhile.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(28);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(31);
    expect(statuses.filter((s) => s === 429).length).toBe(40 - statuses.filter((s) => s === 200).length);
    const refused = answers.find((r) => r.status === 429);
    expect(Number(refused?.headers.get("Retry-After"))).toBeGreaterThan(0);
    if (refused) expectCors(refused);
    // Another customer of the same shop is not held back by Bob's flood.
    expect((await getOrder(other.order.id, { shop: other.shop, customerId: other.ada })).status).toBe(200);
  });

  it("limits reports tighter than page views: the sixth in a row waits", async () => {
    const token = { shop: other.shop, customerId: other.ada };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await postReport(other.order.id, { kind: "other", lines: [], message: `Attempt ${i}` }, token);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });
});

it("uses the app secret from the test env", () => {
  expect(process.env.SHOPIFY_API_SECRET).toBe(API_SECRET);
});
