import { describe, expect, it } from "vitest";

import { ShopQueues } from "./shop-queues";
import { compareQueued, urgencyOf } from "./urgency";

describe("urgencyOf", () => {
  it("puts a stock-out and anything a person reported first", () => {
    expect(urgencyOf({ kind: "stock_out_cancellation", source: "detected" })).toBe("urgent");
    expect(urgencyOf({ kind: "wrong_item", source: "order_page" })).toBe("urgent");
    // A parcel a customer says is lost: they are waiting for an answer.
    expect(urgencyOf({ kind: "late_delivery", source: "phone" })).toBe("urgent");
  });

  it("makes routine the goodwill for late parcels and late fulfilments Amends found itself", () => {
    for (const kind of ["late_delivery", "possibly_lost", "carrier_exception", "late_fulfilment"]) {
      expect(urgencyOf({ kind, source: "detected" })).toBe("routine");
    }
    expect(urgencyOf({ kind: "late_delivery" })).toBe("routine");
  });

  it("leaves the rest in between", () => {
    expect(urgencyOf({ kind: "oversell_risk", source: "detected" })).toBe("normal");
  });
});

describe("compareQueued", () => {
  it("orders by urgency, then by arrival", () => {
    const items = [
      { urgency: "routine" as const, seq: 0 },
      { urgency: "urgent" as const, seq: 3 },
      { urgency: "normal" as const, seq: 1 },
      { urgency: "urgent" as const, seq: 2 },
    ];
    expect([...items].sort(compareQueued).map((i) => i.seq)).toEqual([2, 3, 1, 0]);
  });
});

describe("ShopQueues", () => {
  it("gives a stock-out queued after many late-parcel remedies before all of them", () => {
    const queues = new ShopQueues();
    for (let i = 0; i < 230; i++) queues.add("a.myshopify.com", `parcel-${i}`, "routine");
    queues.add("a.myshopify.com", "stock-out", "urgent");
    queues.add("a.myshopify.com", "report", "urgent");
    expect(queues.take("a.myshopify.com")?.incidentId).toBe("stock-out");
    expect(queues.take("a.myshopify.com")?.incidentId).toBe("report");
    expect(queues.take("a.myshopify.com")?.incidentId).toBe("parcel-0");
    expect(queues.waiting("a.myshopify.com")).toBe(229);
  });

  it("keeps each shop's work apart", () => {
    const queues = new ShopQueues();
    for (let i = 0; i < 5; i++) queues.add("a.myshopify.com", `a-${i}`, "routine");
    queues.add("b.myshopify.com", "b-0", "routine");
    expect(queues.take("b.myshopify.com")?.incidentId).toBe("b-0");
    expect(queues.take("b.myshopify.com")).toBeUndefined();
    expect(queues.waiting()).toBe(5);
    expect(queues.shops()).toEqual(["a.myshopify.com"]);
  });

  it("lists first the shop whose most urgent work came first", () => {
    const queues = new ShopQueues();
    queues.add("a.myshopify.com", "a-0", "routine");
    queues.add("b.myshopify.com", "b-0", "urgent");
    queues.add("c.myshopify.com", "c-0", "routine");
    expect(queues.shops()).toEqual(["b.myshopify.com", "a.myshopify.com", "c.myshopify.com"]);
  });

  it("passes over an incident whose order is being worked on, and counts what is ready", () => {
    const queues = new ShopQueues();
    queues.add("a.myshopify.com", "late", "routine", "order-1");
    queues.add("a.myshopify.com", "stock-out", "urgent", "order-1");
    queues.add("a.myshopify.com", "other", "routine", "order-2");
    const busy = new Set(["order-1"]);
    const blocked = (item: { orderId: string | null }) => item.orderId !== null && busy.has(item.orderId);
    expect(queues.ready("a.myshopify.com", blocked)).toBe(1);
    expect(queues.take("a.myshopify.com", blocked)?.incidentId).toBe("other");
    expect(queues.take("a.myshopify.com", blocked)).toBeUndefined();
    busy.clear();
    expect(queues.ready("a.myshopify.com", blocked)).toBe(2);
    expect(queues.take("a.myshopify.com", blocked)?.incidentId).toBe("stock-out");
  });

  it("does not queue an incident twice, and takes it again once taken", () => {
    const queues = new ShopQueues();
    expect(queues.add("a.myshopify.com", "x", "routine")).toBe(true);
    expect(queues.add("a.myshopify.com", "x", "urgent")).toBe(false);
    expect(queues.has("x")).toBe(true);
    expect(queues.take("a.myshopify.com")?.urgency).toBe("routine");
    expect(queues.has("x")).toBe(false);
    expect(queues.add("a.myshopify.com", "x", "urgent")).toBe(true);
  });
});
