// The automatic policy's scheduling against the emulator's rate limit (Shopify's leaky bucket,
// one per shop): urgent incidents first when remediation waits on the bucket, shops independent
// of each other's backlog, and THROTTLED answers waited out instead of reaching the timeline.
// Order is read from what Shopify received (the emulator's request log), never from timings.
import { afterEach, describe, expect, it } from "vitest";

import { logger } from "../../app/logger.server";
import { AutoRemediator } from "../../app/remediation/auto.server";
import { activeKey } from "../../app/models/incident.server";
import type { Fixture } from "./support";
import { remediationSuite } from "./support";

// A slow bucket: a fifth of Shopify Plus's restore rate, started empty in each test, so every
// call waits on it.
const suite = remediationSuite({ bucket: { maximumAvailable: 2000, restoreRate: 200 } });
const { db } = suite;
afterEach(() => {
  suite.emulator().faults.clear();
});

/** A shop with Amends installed, automatic policy, and its first incident: a stock-out. */
function shopWithStockOut(): Promise<Fixture> {
  return suite.fixture();
}

/** `count` orders of the shop waiting past their fulfilment SLA, each with its incident (the
 * default policy sends a 10 % code and an apology for them, automatically). */
async function lateOrders(f: Fixture, count: number): Promise<string[]> {
  const state = suite.emulator().store.shop(f.shop);
  const variantId = [...state.products.values()][0]?.variantIds[0] ?? "";
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const order = suite.emulator().store.addOrder(f.shop, { customerId: f.customerId, lineItems: [{ variantId, quantity: 1 }] }, { silent: true });
    const incident = await db.incident.create({
      data: {
        shop: f.shop,
        kind: "late_fulfilment",
        status: "open",
        activeKey: activeKey(f.shop, order.id, "late_fulfilment"),
        orderId: order.id,
        orderName: order.name,
        customerId: f.customerId,
        lines: [{ lineItemId: order.lineItems[0]?.id ?? "", quantity: 1 }],
        evidence: {},
        responseDeadline: new Date(Date.now() + 86_400_000),
      },
    });
    ids.push(incident.id);
  }
  return ids;
}

/** What Shopify received for the shop, in order: "code" for an apology code, "refund". */
function shopifyLog(shop: string): string[] {
  return suite.emulator().requests
    .filter((r) => r.shop === shop && !r.body?.errors?.length)
    .map((r) => (r.operationName === "RefundIncident" ? "refund" : r.operationName === "CreateApologyCode" ? "code" : ""))
    .filter(Boolean);
}

async function untilStarted(shop: string): Promise<void> {
  while (!suite.emulator().requests.some((r) => r.shop === shop)) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("urgent first", () => {
  it("a stock-out queued behind many late-order codes is refunded before them", async () => {
    const f = await shopWithStockOut();
    const late = await lateOrders(f, 8);
    suite.emulator().bucket(f.shop).drain(0);
    // One incident of the shop at a time, so "in hand" is one late order.
    const worker = new AutoRemediator({ ...f.deps, log: logger }, { perShop: 1 });
    worker.enqueue(f.shop, late);
    await untilStarted(f.shop); // the first late order is being worked on
    worker.enqueue(f.shop, [f.incidentId]);
    await worker.idle();

    const log = shopifyLog(f.shop);
    expect(log.filter((x) => x === "code")).toHaveLength(9);
    // Only the late order in hand when the stock-out came went before it.
    expect(log.indexOf("refund")).toBeLessThanOrEqual(1);
    const statuses = await db.incident.findMany({ where: { shop: f.shop }, select: { status: true } });
    expect(statuses.every((s) => s.status === "resolved")).toBe(true);
  });
});

describe("several incidents of one shop at once", () => {
  it("share the shop's client, which paces them by its bucket: all done, each once", async () => {
    const f = await shopWithStockOut();
    const late = await lateOrders(f, 6);
    suite.emulator().bucket(f.shop).drain(0);
    const worker = new AutoRemediator({ ...f.deps, log: logger }, { perShop: 3 });
    worker.enqueue(f.shop, [f.incidentId, ...late]);
    await worker.idle();
    expect(shopifyLog(f.shop).filter((x) => x === "code")).toHaveLength(7);
    expect(shopifyLog(f.shop).filter((x) => x === "refund")).toHaveLength(1);
    expect(suite.emulator().store.shop(f.shop).discounts.size).toBe(7);
  });
});

describe("one bucket per shop", () => {
  it("a shop's stock-out does not wait for another shop's backlog", async () => {
    const a = await shopWithStockOut();
    const b = await shopWithStockOut();
    const backlog = await lateOrders(a, 8);
    suite.emulator().bucket(a.shop).drain(0);
    suite.emulator().bucket(b.shop).drain(0);
    const worker = new AutoRemediator({ ...a.deps, log: logger });
    worker.enqueue(a.shop, backlog);
    await untilStarted(a.shop);
    worker.enqueue(b.shop, [b.incidentId]);
    // B's incident finishes while A's backlog is still waiting on A's bucket.
    while ((await db.incident.findUniqueOrThrow({ where: { id: b.incidentId } })).status !== "resolved") {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(shopifyLog(a.shop).length).toBeLessThan(8);
    expect(worker.waiting(a.shop)).toBeGreaterThan(0);
    await worker.idle();
    expect(shopifyLog(a.shop)).toHaveLength(8);
  });

  it("with one shop at a time, a long backlog gives its turn up after each incident", async () => {
    const a = await shopWithStockOut();
    const b = await shopWithStockOut();
    const backlog = await lateOrders(a, 6);
    const worker = new AutoRemediator({ ...a.deps, log: logger }, { shopsAtOnce: 1, perShop: 1 });
    worker.enqueue(a.shop, backlog);
    await untilStarted(a.shop);
    worker.enqueue(b.shop, [b.incidentId]);
    await worker.idle();
    const order = suite.emulator().requests
      .filter((r) => (r.shop === a.shop && r.operationName === "CreateApologyCode") || (r.shop === b.shop && r.operationName === "RefundIncident"))
      .filter((r) => !r.body?.errors?.length)
      .map((r) => r.shop);
    // B went after at most the incident A had in hand, not after all six.
    expect(order.indexOf(b.shop)).toBeLessThanOrEqual(1);
  });
});

describe("throttling", () => {
  it("THROTTLED answers, more of them than the client's retries for failures, are waited out and never reach the timeline", async () => {
    const f = await shopWithStockOut();
    const late = await lateOrders(f, 2);
    // Another process of the app (or another of the shop's apps… Shopify keeps one bucket per
    // app per store) takes the points this one projected: real THROTTLED answers, and injected ones.
    suite.emulator().faults.throttleNext(8, "RefundIncident");
    suite.emulator().faults.throttleNext(8, "CreateApologyCode");
    let drains = 0;
    const other = setInterval(() => drains++ < 8 && suite.emulator().bucket(f.shop).drain(0), 150);
    try {
      const worker = new AutoRemediator({ ...f.deps, log: logger });
      worker.enqueue(f.shop, [f.incidentId, ...late]);
      await worker.idle();
    } finally {
      clearInterval(other);
    }
    expect(suite.emulator().requests.filter((r) => r.shop === f.shop && r.body?.errors?.[0]?.extensions?.code === "THROTTLED").length).toBeGreaterThan(16);
    const incidents = await db.incident.findMany({ where: { shop: f.shop }, include: { events: true } });
    expect(incidents.map((i) => i.status)).toEqual(["resolved", "resolved", "resolved"]);
    const events = incidents.flatMap((i) => i.events);
    expect(events.filter((e) => e.type === "remedy_failed" || e.type === "remediation_failed")).toEqual([]);
    expect(events.filter((e) => /throttl/i.test(`${e.message} ${JSON.stringify(e.data)}`))).toEqual([]);
  });
});
