import { describe, expect, it } from "vitest";

import type { OrderState } from "../model";
import { evaluateTimeRules, nextCheckAt } from "./schedule";
import { SETTINGS, event, fulfillment, line, order, shippedOrder } from "./test-fixtures";

const at = (iso: string) => new Date(iso);
const kinds = (o: OrderState, now: Date) => evaluateTimeRules(o, SETTINGS, now).map((f) => f.kind);

describe("nextCheckAt", () => {
  it("is the late-fulfilment deadline of a paid, unfulfilled order", () => {
    expect(nextCheckAt(order(), SETTINGS, at("2024-03-09T00:00:00Z"))?.toISOString()).toBe(
      "2024-03-12T19:00:00.000Z",
    );
  });

  it("leaves out a deadline that has already passed, so the sweep does not pick the order up forever", () => {
    expect(nextCheckAt(order(), SETTINGS, at("2024-03-12T19:00:00Z"))).toBeNull();
    expect(nextCheckAt(order(), SETTINGS, at("2024-03-12T18:59:59.999Z"))?.toISOString()).toBe(
      "2024-03-12T19:00:00.000Z",
    );
  });

  it("is null when no time rule can fire", () => {
    const now = at("2024-03-09T00:00:00Z");
    expect(nextCheckAt(order({ paidAt: null }), SETTINGS, now)).toBeNull();
    expect(
      nextCheckAt(
        order({ cancelledAt: "2024-03-08T21:00:00Z", cancelReason: "CUSTOMER" }),
        SETTINGS,
        now,
      ),
    ).toBeNull();
    expect(
      nextCheckAt(
        shippedOrder({ deliveredAt: "2024-03-13T12:00:00Z", shipmentStatus: "DELIVERED" }),
        SETTINGS,
        now,
      ),
    ).toBeNull();
    expect(nextCheckAt(shippedOrder({ trackingNumbers: [] }), SETTINGS, now)).toBeNull();
  });

  it("steps through a parcel's late and silent thresholds", () => {
    // Estimated 2024-03-14 → late from 2024-03-17 00:00 EDT; newest event 2024-03-12 11:00 EDT
    // → possibly lost from 2024-03-19 11:00 EDT.
    const shipped = shippedOrder({ events: [event()] });
    expect(nextCheckAt(shipped, SETTINGS, at("2024-03-13T00:00:00Z"))?.toISOString()).toBe(
      "2024-03-17T04:00:00.000Z",
    );
    expect(nextCheckAt(shipped, SETTINGS, at("2024-03-17T04:00:00Z"))?.toISOString()).toBe(
      "2024-03-19T15:00:00.000Z",
    );
    expect(nextCheckAt(shipped, SETTINGS, at("2024-03-19T15:00:00Z"))).toBeNull();
  });

  it("takes the earliest threshold across unshipped lines and several parcels", () => {
    const mixed = order({
      lines: [line(1, { quantity: 2, unfulfilledQuantity: 0 }), line(2)],
      fulfillments: [
        fulfillment({ estimatedDeliveryAt: "2024-03-09" }), // late from 2024-03-12 00:00 EDT
        fulfillment({
          id: "gid://shopify/Fulfillment/56",
          createdAt: "2024-03-01T15:00:00Z",
          estimatedDeliveryAt: null,
        }),
      ],
    });
    // Parcel 56 went silent on 2024-03-08 10:00 EST (7 days after 03-01 10:00 EST), before
    // anything else; then parcel 55 is late; then line 2's SLA runs out.
    expect(nextCheckAt(mixed, SETTINGS, at("2024-03-02T00:00:00Z"))?.toISOString()).toBe(
      "2024-03-08T15:00:00.000Z",
    );
    expect(nextCheckAt(mixed, SETTINGS, at("2024-03-08T15:00:00Z"))?.toISOString()).toBe(
      "2024-03-12T04:00:00.000Z",
    );
    expect(nextCheckAt(mixed, SETTINGS, at("2024-03-12T04:00:00Z"))?.toISOString()).toBe(
      "2024-03-12T19:00:00.000Z",
    );
  });

  it("never lets a rule start firing between two checks (a sweep driven by it misses nothing)", () => {
    const mixed = order({
      lines: [line(1, { quantity: 2, unfulfilledQuantity: 0 }), line(2)],
      fulfillments: [
        fulfillment({ events: [event()] }),
        fulfillment({ id: "gid://shopify/Fulfillment/56", estimatedDeliveryAt: "2024-03-22" }),
      ],
    });
    const fired: string[] = [];
    let check: Date | null = at("2024-03-08T20:00:00Z");
    const hour = 3_600_000;
    while (check) {
      const found = kinds(mixed, check);
      const next: Date | null = nextCheckAt(mixed, SETTINGS, check);
      // Hourly samples up to the next check see exactly what the check saw.
      const until = next ? next.getTime() : check.getTime() + 30 * 24 * hour;
      for (let t = check.getTime() + hour; t < until; t += hour) {
        expect(kinds(mixed, new Date(t)), new Date(t).toISOString()).toEqual(found);
      }
      fired.push(`${check.toISOString()} ${found.join(",")}`);
      check = next;
    }
    expect(fired).toEqual([
      "2024-03-08T20:00:00.000Z ",
      "2024-03-12T19:00:00.000Z late_fulfilment",
      "2024-03-17T04:00:00.000Z late_fulfilment,late_delivery",
      // Parcel 56 (shipped 03-11) goes silent; each parcel's worse finding only from here.
      "2024-03-18T15:00:00.000Z late_fulfilment,late_delivery,possibly_lost",
      "2024-03-19T15:00:00.000Z late_fulfilment,possibly_lost,possibly_lost",
      "2024-03-25T04:00:00.000Z late_fulfilment,possibly_lost,possibly_lost",
    ]);
  });
});

describe("evaluateTimeRules", () => {
  it("runs late fulfilment, late delivery and possibly lost, and nothing else; one finding per parcel, the worse", () => {
    const cancelledForStock = order({
      cancelledAt: "2024-03-09T00:00:00Z",
      cancelReason: "INVENTORY",
    });
    expect(evaluateTimeRules(cancelledForStock, SETTINGS, at("2024-04-01T00:00:00Z"))).toEqual([]);
    expect(kinds(order(), at("2024-03-12T19:00:00Z"))).toEqual(["late_fulfilment"]);
    expect(kinds(shippedOrder(), at("2024-03-17T04:00:00Z"))).toEqual(["late_delivery"]);
    expect(kinds(shippedOrder(), at("2024-03-18T15:00:00Z"))).toEqual(["possibly_lost"]);
    expect(kinds(shippedOrder(), at("2024-03-13T00:00:00Z"))).toEqual([]);
  });
});
