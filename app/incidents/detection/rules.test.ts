import { describe, expect, it } from "vitest";

import type { OrderState } from "../model";
import {
  clearedOversellRisks,
  detectCarrierException,
  detectLateDelivery,
  detectLateFulfilment,
  detectOversellRisk,
  detectPossiblyLost,
  detectStockOutCancellation,
} from "./rules";
import { SETTINGS, event, fulfillment, line, order, shippedOrder } from "./test-fixtures";

const at = (iso: string) => new Date(iso);

describe("detectStockOutCancellation", () => {
  const now = at("2024-03-09T12:00:00Z");

  it("reports every line with units of an order cancelled for inventory", () => {
    const cancelled = order({
      cancelledAt: "2024-03-09T11:00:00Z",
      cancelReason: "INVENTORY",
      lines: [
        line(1, { quantity: 2, unfulfilledQuantity: 0 }),
        line(2, { quantity: 0, unfulfilledQuantity: 0 }),
        line(3),
      ],
    });
    expect(detectStockOutCancellation(cancelled, SETTINGS, now)).toEqual([
      {
        kind: "stock_out_cancellation",
        orderId: "gid://shopify/Order/1001",
        orderName: "#1001",
        customerId: "gid://shopify/Customer/7",
        lines: [
          { lineItemId: "gid://shopify/LineItem/1", quantity: 2 },
          { lineItemId: "gid://shopify/LineItem/3", quantity: 1 },
        ],
        evidence: { cancelReason: "INVENTORY", cancelledAt: "2024-03-09T11:00:00Z" },
        responsibleParty: "store",
        responseDeadline: "2024-03-11T12:00:00.000Z", // now + 48 wall-clock hours, weekend or not
        summary: "#1001 was cancelled because items were out of stock",
      },
    ]);
  });

  it("ignores other cancellations and live orders", () => {
    expect(
      detectStockOutCancellation(
        order({ cancelledAt: "2024-03-09T11:00:00Z", cancelReason: "CUSTOMER" }),
        SETTINGS,
        now,
      ),
    ).toEqual([]);
    expect(
      detectStockOutCancellation(
        order({ cancelledAt: null, cancelReason: "INVENTORY" }),
        SETTINGS,
        now,
      ),
    ).toEqual([]);
    expect(detectStockOutCancellation(order(), SETTINGS, now)).toEqual([]);
  });

  it("has no customer id for guest orders", () => {
    const guest = order({
      customer: null,
      cancelledAt: "2024-03-09T11:00:00Z",
      cancelReason: "INVENTORY",
    });
    expect(detectStockOutCancellation(guest, SETTINGS, now)[0]?.customerId).toBeNull();
  });
});

describe("detectOversellRisk", () => {
  const V = "gid://shopify/ProductVariant/9";
  const now = at("2024-03-10T12:00:00Z");
  const waiting = (n: number, paidAt: string, quantity: number, extra: Partial<OrderState> = {}) =>
    order({
      id: `gid://shopify/Order/${n}`,
      name: `#${n}`,
      createdAt: paidAt,
      paidAt,
      lines: [line(n * 10, { variantId: V, quantity, unfulfilledQuantity: quantity })],
      ...extra,
    });
  const oldest = waiting(1, "2024-03-01T10:00:00Z", 2);
  const middle = waiting(2, "2024-03-02T10:00:00Z", 1);
  const newest = waiting(3, "2024-03-03T10:00:00Z", 3);
  const cancelled = waiting(4, "2024-03-04T10:00:00Z", 5, {
    cancelledAt: "2024-03-05T00:00:00Z",
    cancelReason: "CUSTOMER",
  });
  const shipped = order({
    id: "gid://shopify/Order/5",
    name: "#5",
    createdAt: "2024-03-05T10:00:00Z",
    paidAt: "2024-03-05T10:00:00Z",
    lines: [line(50, { variantId: V, quantity: 4, unfulfilledQuantity: 0 })],
  });
  // Shuffled on purpose: the rule must order by date itself.
  const orders = [middle, shipped, oldest, cancelled, newest];
  const update = (available: number) => ({
    variantId: V,
    locationId: "gid://shopify/Location/1",
    available,
  });
  const summary = (findings: ReturnType<typeof detectOversellRisk>) =>
    findings.map((f) => ({ order: f.orderName, lines: f.lines, short: f.evidence.shortQuantity }));

  it("flags the newest order first, with only the short quantity", () => {
    const findings = detectOversellRisk(update(-2), orders, SETTINGS, now);
    expect(summary(findings)).toEqual([
      { order: "#3", lines: [{ lineItemId: "gid://shopify/LineItem/30", quantity: 2 }], short: 2 },
    ]);
    expect(findings[0]).toMatchObject({
      kind: "oversell_risk",
      orderId: "gid://shopify/Order/3",
      responsibleParty: "store",
      responseDeadline: "2024-03-12T12:00:00.000Z",
      evidence: {
        variantId: V,
        locationId: "gid://shopify/Location/1",
        available: -2,
        shortfall: 2,
        shortQuantity: 2,
      },
      summary: "#3 may not ship: 2 units of Item 30 it is waiting for are oversold",
    });
  });

  it("walks back through older orders until the shortfall is covered, skipping cancelled and shipped ones", () => {
    expect(summary(detectOversellRisk(update(-4), orders, SETTINGS, now))).toEqual([
      { order: "#3", lines: [{ lineItemId: "gid://shopify/LineItem/30", quantity: 3 }], short: 3 },
      { order: "#2", lines: [{ lineItemId: "gid://shopify/LineItem/20", quantity: 1 }], short: 1 },
    ]);
    // More missing than anyone waits for: every waiting order is at risk, and no more.
    expect(
      summary(detectOversellRisk(update(-50), orders, SETTINGS, now)).map((s) => [
        s.order,
        s.short,
      ]),
    ).toEqual([
      ["#3", 3],
      ["#2", 1],
      ["#1", 2],
    ]);
  });

  describe("with stock at other locations", () => {
    const A = "gid://shopify/Location/1";
    const B = "gid://shopify/Location/2";
    const C = "gid://shopify/Location/3";
    const elsewhere = (levels: [string, number][], locations: [OrderState, string[]][]) => ({
      levels: levels.map(([locationId, available]) => ({ locationId, available })),
      locationsByOrder: new Map(locations.map(([o, l]) => [o.id, l])),
    });

    it("does not flag an order that a location with stock can fulfil, and flags one that only the short location can", () => {
      // Short 4 at A: #3 (3 units) can also be fulfilled from B, which has 5 to spare; #2 only from A.
      const stock = elsewhere([[A, -4], [B, 5]], [[newest, [A, B]], [middle, [A]], [oldest, [A]]]);
      expect(summary(detectOversellRisk(update(-4), orders, SETTINGS, now, stock))).toEqual([
        { order: "#2", lines: [{ lineItemId: "gid://shopify/LineItem/20", quantity: 1 }], short: 1 },
      ]);
      // Without B in its fulfilment orders, #3 is short as before.
      const nowhere = elsewhere([[A, -4], [B, 5]], [[newest, [A]], [middle, [A]], [oldest, [A]]]);
      expect(summary(detectOversellRisk(update(-4), orders, SETTINGS, now, nowhere)).map((s) => s.order)).toEqual(["#3", "#2"]);
    });

    it("shares the spare units: what one order takes from B, the next cannot", () => {
      const stock = elsewhere([[B, 2], [C, -1]], [[newest, [A, B, C]], [middle, [A, B]], [oldest, [A, B]]]);
      const findings = detectOversellRisk(update(-4), orders, SETTINGS, now, stock);
      // #3 wants 3: B covers 2 (C has nothing to spare), 1 short; #2 wants 1: B is empty now.
      expect(summary(findings)).toEqual([
        { order: "#3", lines: [{ lineItemId: "gid://shopify/LineItem/30", quantity: 1 }], short: 1 },
        { order: "#2", lines: [{ lineItemId: "gid://shopify/LineItem/20", quantity: 1 }], short: 1 },
      ]);
      expect(findings[0]?.evidence).toMatchObject({ coveredElsewhere: 2, fulfilledFrom: [A, B, C] });
      expect(findings[0]?.summary).toBe("#3 may not ship: 1 unit of Item 30 it is waiting for are oversold at every location that can fulfil it");
    });

    it("leaves out orders not fulfilled from the short location: the shortfall falls on the next ones", () => {
      const stock = elsewhere([], [[newest, [B]], [middle, [A]], [oldest, [A]]]);
      expect(summary(detectOversellRisk(update(-2), orders, SETTINGS, now, stock))).toEqual([
        { order: "#2", lines: [{ lineItemId: "gid://shopify/LineItem/20", quantity: 1 }], short: 1 },
        { order: "#1", lines: [{ lineItemId: "gid://shopify/LineItem/10", quantity: 1 }], short: 1 },
      ]);
    });
  });

  it("finds nothing while stock is zero or positive, or nobody waits", () => {
    expect(detectOversellRisk(update(0), orders, SETTINGS, now)).toEqual([]);
    expect(detectOversellRisk(update(5), orders, SETTINGS, now)).toEqual([]);
    expect(detectOversellRisk(update(-3), [cancelled, shipped], SETTINGS, now)).toEqual([]);
    expect(detectOversellRisk(update(-3), [order()], SETTINGS, now)).toEqual([]); // other variants
  });

  it("orders unpaid orders by creation and spreads the shortage over lines of the same variant", () => {
    const unpaid = order({
      id: "gid://shopify/Order/6",
      name: "#6",
      createdAt: "2024-03-06T10:00:00Z",
      paidAt: null,
      lines: [
        line(60, { variantId: V, quantity: 1, unfulfilledQuantity: 1 }),
        line(61, { variantId: "gid://shopify/ProductVariant/other" }),
        line(62, { variantId: V, quantity: 2, unfulfilledQuantity: 2 }),
      ],
    });
    expect(
      summary(detectOversellRisk(update(-4), [oldest, unpaid, newest], SETTINGS, now)),
    ).toEqual([
      {
        order: "#6",
        lines: [
          { lineItemId: "gid://shopify/LineItem/60", quantity: 1 },
          { lineItemId: "gid://shopify/LineItem/62", quantity: 2 },
        ],
        short: 3,
      },
      { order: "#3", lines: [{ lineItemId: "gid://shopify/LineItem/30", quantity: 1 }], short: 1 },
    ]);
  });
});

describe("detectLateFulfilment", () => {
  // Paid Friday 2024-03-08 15:00 EST; two business days later is Tuesday 15:00 EDT (19:00Z).
  const paid = order();

  it("fires once the SLA's business days have passed, with the unfulfilled lines", () => {
    expect(detectLateFulfilment(paid, SETTINGS, at("2024-03-12T18:59:59.999Z"))).toEqual([]);
    expect(detectLateFulfilment(paid, SETTINGS, at("2024-03-12T19:00:00Z"))).toEqual([
      {
        kind: "late_fulfilment",
        orderId: "gid://shopify/Order/1001",
        orderName: "#1001",
        customerId: "gid://shopify/Customer/7",
        lines: [
          { lineItemId: "gid://shopify/LineItem/1", quantity: 2 },
          { lineItemId: "gid://shopify/LineItem/2", quantity: 1 },
        ],
        evidence: {
          paidAt: "2024-03-08T20:00:00Z",
          dueAt: "2024-03-12T19:00:00.000Z",
          businessDays: 2,
          slaBusinessDays: 2,
        },
        responsibleParty: "warehouse",
        responseDeadline: "2024-03-14T19:00:00.000Z",
        summary: "#1001 is still not fulfilled 2 business days after payment",
      },
    ]);
  });

  it("does not count the weekend: Monday is not late yet", () => {
    expect(detectLateFulfilment(paid, SETTINGS, at("2024-03-11T23:00:00Z"))).toEqual([]);
  });

  it("reports elapsed business days and only the lines still waiting", () => {
    const partly = order({ lines: [line(1, { quantity: 2, unfulfilledQuantity: 0 }), line(2)] });
    const [found] = detectLateFulfilment(partly, SETTINGS, at("2024-03-14T20:00:00Z"));
    expect(found?.lines).toEqual([{ lineItemId: "gid://shopify/LineItem/2", quantity: 1 }]);
    expect(found?.evidence.businessDays).toBe(4);
    expect(found?.summary).toBe("#1001 is still not fully fulfilled 4 business days after payment");
  });

  it("pushes the deadline past holidays", () => {
    const withHoliday = { ...SETTINGS, holidays: ["2024-03-11"] };
    expect(detectLateFulfilment(paid, withHoliday, at("2024-03-12T19:00:00Z"))).toEqual([]);
    expect(
      detectLateFulfilment(paid, withHoliday, at("2024-03-13T19:00:00Z"))[0]?.evidence.dueAt,
    ).toBe("2024-03-13T19:00:00.000Z");
  });

  it("ignores cancelled, unpaid and fully fulfilled orders", () => {
    const late = at("2024-04-01T00:00:00Z");
    expect(
      detectLateFulfilment(
        order({ cancelledAt: "2024-03-09T00:00:00Z", cancelReason: "CUSTOMER" }),
        SETTINGS,
        late,
      ),
    ).toEqual([]);
    expect(detectLateFulfilment(order({ paidAt: null }), SETTINGS, late)).toEqual([]);
    expect(detectLateFulfilment(order({ paidAt: "garbage" }), SETTINGS, late)).toEqual([]);
    expect(detectLateFulfilment(shippedOrder(), SETTINGS, late)).toEqual([]);
  });
});

describe("detectLateDelivery", () => {
  // Estimated 2024-03-14 (12:00 EDT); with 2 grace days it is late from 2024-03-17 00:00 EDT.
  it("fires when the estimated day and the grace days have passed", () => {
    const shipped = shippedOrder();
    expect(detectLateDelivery(shipped, SETTINGS, at("2024-03-17T03:59:59.999Z"))).toEqual([]);
    expect(detectLateDelivery(shipped, SETTINGS, at("2024-03-17T04:00:00Z"))).toEqual([
      {
        kind: "late_delivery",
        orderId: "gid://shopify/Order/1001",
        orderName: "#1001",
        customerId: "gid://shopify/Customer/7",
        lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
        evidence: {
          fulfillmentId: "gid://shopify/Fulfillment/55",
          trackingCompany: "UPS",
          trackingNumbers: ["1Z999"],
          shipmentStatus: "IN_TRANSIT",
          estimatedDeliveryAt: "2024-03-14T16:00:00Z",
          lastEventAt: "2024-03-11T15:00:00.000Z",
          daysOverdue: 3,
          daysSilent: 5,
        },
        responsibleParty: "carrier",
        responseDeadline: "2024-03-19T04:00:00.000Z",
        summary: "#1001's UPS parcel 1Z999 is 3 days past its estimated delivery date",
      },
    ]);
  });

  it("reads the estimate as a date in the shop's zone", () => {
    // Midnight UTC on the 15th is the evening of the 14th in New York.
    const utcMidnight = shippedOrder({ estimatedDeliveryAt: "2024-03-15T00:00:00Z" });
    expect(detectLateDelivery(utcMidnight, SETTINGS, at("2024-03-17T03:59:59Z"))).toEqual([]);
    expect(detectLateDelivery(utcMidnight, SETTINGS, at("2024-03-17T04:00:00Z"))).toHaveLength(1);
    const bareDate = shippedOrder({ estimatedDeliveryAt: "2024-03-14" });
    expect(detectLateDelivery(bareDate, SETTINGS, at("2024-03-17T03:59:59Z"))).toEqual([]);
    expect(
      detectLateDelivery(bareDate, SETTINGS, at("2024-03-17T04:00:00Z"))[0]?.evidence.daysOverdue,
    ).toBe(3);
  });

  it("falls back to the newest event's estimate", () => {
    const fromEvents = shippedOrder({
      estimatedDeliveryAt: null,
      events: [
        event({ id: "e2", happenedAt: "2024-03-13T10:00:00Z", estimatedDeliveryAt: "2024-03-20" }),
        event({ id: "e1", happenedAt: "2024-03-12T10:00:00Z", estimatedDeliveryAt: "2024-03-14" }),
      ],
    });
    expect(detectLateDelivery(fromEvents, SETTINGS, at("2024-03-20T12:00:00Z"))).toEqual([]);
    expect(
      detectLateDelivery(fromEvents, SETTINGS, at("2024-03-23T04:00:00Z"))[0]?.evidence
        .estimatedDeliveryAt,
    ).toBe("2024-03-20");
  });

  it("ignores delivered, picked-up, cancelled, failed, untracked and unestimated parcels", () => {
    const late = at("2024-04-01T00:00:00Z");
    for (const parcel of [
      { deliveredAt: "2024-03-15T12:00:00Z" },
      { shipmentStatus: "DELIVERED" as const },
      { shipmentStatus: "READY_FOR_PICKUP" as const },
      { shipmentStatus: "PICKED_UP" as const },
      { shipmentStatus: "FAILURE" as const },
      { status: "CANCELLED" as const },
      { status: "OPEN" as const },
      { trackingNumbers: [] },
      { estimatedDeliveryAt: null },
    ]) {
      expect(
        detectLateDelivery(shippedOrder(parcel), SETTINGS, late),
        JSON.stringify(parcel),
      ).toEqual([]);
    }
  });

  it("reports each late parcel of an order", () => {
    const two = order({
      fulfillments: [
        fulfillment(),
        fulfillment({
          id: "gid://shopify/Fulfillment/56",
          estimatedDeliveryAt: "2024-03-30",
          lines: [],
        }),
        fulfillment({
          id: "gid://shopify/Fulfillment/57",
          trackingNumbers: ["1Z777"],
          estimatedDeliveryAt: "2024-03-10",
        }),
      ],
    });
    const found = detectLateDelivery(two, SETTINGS, at("2024-03-20T12:00:00Z"));
    expect(found.map((f) => [f.evidence.fulfillmentId, f.evidence.daysOverdue])).toEqual([
      ["gid://shopify/Fulfillment/55", 6],
      ["gid://shopify/Fulfillment/57", 10],
    ]);
  });
});

describe("detectPossiblyLost", () => {
  const silent = (events = [event()]) => shippedOrder({ estimatedDeliveryAt: null, events });

  it("fires after the silence days since the newest tracking event", () => {
    // Newest event 2024-03-12 11:00 EDT; 7 days later is 2024-03-19 11:00 EDT.
    const parcel = silent([
      event({ id: "a", happenedAt: "2024-03-12T15:00:00Z" }),
      event({ id: "b", happenedAt: "2024-03-11T20:00:00Z" }),
    ]);
    expect(detectPossiblyLost(parcel, SETTINGS, at("2024-03-19T14:59:59.999Z"))).toEqual([]);
    const [found] = detectPossiblyLost(parcel, SETTINGS, at("2024-03-19T15:00:00Z"));
    expect(found).toMatchObject({
      kind: "possibly_lost",
      lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
      responsibleParty: "carrier",
      evidence: {
        lastEventAt: "2024-03-12T15:00:00.000Z",
        daysSilent: 7,
        estimatedDeliveryAt: null,
        daysOverdue: null,
      },
      summary: "#1001's UPS parcel 1Z999 has had no tracking update for 7 days and may be lost",
    });
  });

  it("counts from the shipment when there are no events, in local days across DST", () => {
    // Shipped Friday 15:00 EST; a week later is Friday 15:00 EDT, 167 hours on.
    const parcel = shippedOrder({
      createdAt: "2024-03-08T20:00:00Z",
      estimatedDeliveryAt: null,
      events: [],
    });
    expect(detectPossiblyLost(parcel, SETTINGS, at("2024-03-15T18:59:59Z"))).toEqual([]);
    expect(
      detectPossiblyLost(parcel, SETTINGS, at("2024-03-15T19:00:00Z"))[0]?.evidence.lastEventAt,
    ).toBe("2024-03-08T20:00:00.000Z");
  });

  it("a new tracking event resets the silence", () => {
    const now = at("2024-03-20T12:00:00Z");
    expect(detectPossiblyLost(silent(), SETTINGS, now)).toHaveLength(1);
    expect(
      detectPossiblyLost(
        silent([event(), event({ id: "c", happenedAt: "2024-03-18T12:00:00Z" })]),
        SETTINGS,
        now,
      ),
    ).toEqual([]);
  });

  it("ignores delivered and untracked parcels", () => {
    const late = at("2024-05-01T00:00:00Z");
    expect(
      detectPossiblyLost(shippedOrder({ deliveredAt: "2024-03-13T00:00:00Z" }), SETTINGS, late),
    ).toEqual([]);
    expect(
      detectPossiblyLost(shippedOrder({ trackingNumbers: [], events: [] }), SETTINGS, late),
    ).toEqual([]);
  });
});

describe("detectCarrierException", () => {
  const F = "gid://shopify/Fulfillment/55";
  const now = at("2024-03-13T12:00:00Z");

  it.each([
    ["DELAYED", "UPS reported a delay for #1001 (1Z999): Weather"],
    ["FAILURE", "UPS reported a failed delivery for #1001 (1Z999): Weather"],
    ["ATTEMPTED_DELIVERY", "UPS reported a missed delivery attempt for #1001 (1Z999): Weather"],
  ] as const)("reports %s with the event as evidence", (status, summary) => {
    const e = event({
      id: "gid://shopify/FulfillmentEvent/9",
      status,
      happenedAt: "2024-03-13T11:00:00Z",
      message: "Weather",
    });
    expect(
      detectCarrierException(
        shippedOrder({ events: [e], shipmentStatus: status }),
        F,
        e,
        SETTINGS,
        now,
      ),
    ).toEqual([
      {
        kind: "carrier_exception",
        orderId: "gid://shopify/Order/1001",
        orderName: "#1001",
        customerId: "gid://shopify/Customer/7",
        lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
        evidence: {
          fulfillmentId: F,
          trackingCompany: "UPS",
          trackingNumbers: ["1Z999"],
          event: {
            id: "gid://shopify/FulfillmentEvent/9",
            status,
            happenedAt: "2024-03-13T11:00:00Z",
            message: "Weather",
            estimatedDeliveryAt: null,
          },
        },
        responsibleParty: "carrier",
        responseDeadline: "2024-03-15T12:00:00.000Z",
        summary,
      },
    ]);
  });

  it("ignores ordinary progress events", () => {
    for (const status of ["IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED", "CONFIRMED"] as const) {
      expect(detectCarrierException(shippedOrder(), F, event({ status }), SETTINGS, now)).toEqual(
        [],
      );
    }
  });

  it("ignores cancelled fulfilments and trouble reported late for a parcel already delivered", () => {
    const delayed = event({ status: "DELAYED", happenedAt: "2024-03-12T10:00:00Z" });
    expect(
      detectCarrierException(shippedOrder({ status: "CANCELLED" }), F, delayed, SETTINGS, now),
    ).toEqual([]);
    const delivered = shippedOrder({
      deliveredAt: "2024-03-12T18:00:00Z",
      shipmentStatus: "DELIVERED",
    });
    expect(detectCarrierException(delivered, F, delayed, SETTINGS, now)).toEqual([]);
    // Trouble after a delivery scan (e.g. the delivery was wrong) is still news.
    const after = event({ status: "FAILURE", happenedAt: "2024-03-12T19:00:00Z" });
    expect(detectCarrierException(delivered, F, after, SETTINGS, now)).toHaveLength(1);
  });

  it("still reports an event whose fulfilment is not known yet, without lines", () => {
    const [found] = detectCarrierException(
      order(),
      F,
      event({ status: "DELAYED", message: null }),
      SETTINGS,
      now,
    );
    expect(found?.lines).toEqual([]);
    expect(found?.summary).toBe("The carrier reported a delay for #1001");
  });
});

describe("clearedOversellRisks", () => {
  const level = { variantId: "gid://shopify/ProductVariant/1", locationId: "gid://shopify/Location/1" };
  const risk = (incidentId: string, orderId: string, evidence: unknown) => ({ incidentId, orderId, evidence });
  const active = [
    risk("a", "gid://shopify/Order/1", { variantId: level.variantId, locationId: level.locationId }),
    risk("b", "gid://shopify/Order/2", { variantId: level.variantId, locationId: level.locationId }),
    risk("c", "gid://shopify/Order/3", { variantId: level.variantId, locationId: "gid://shopify/Location/2" }),
    risk("d", "gid://shopify/Order/4", { variantId: "gid://shopify/ProductVariant/9", locationId: level.locationId }),
    risk("e", "gid://shopify/Order/5", null),
  ];

  it("clears the variant's risks at the location that the level no longer flags", () => {
    expect(clearedOversellRisks(level, active, new Set(["gid://shopify/Order/2"])).map((r) => r.incidentId)).toEqual(["a"]);
  });

  it("back in stock: every risk of the variant at the location, and no other", () => {
    expect(clearedOversellRisks(level, active, new Set()).map((r) => r.incidentId)).toEqual(["a", "b"]);
  });
});
