import { describe, expect, it } from "vitest";

import type { IncidentFinding } from "../model";
import { escalates, escalationMessage, parcelOf, problemSubject, worstPerParcel } from "./parcel";

const finding = (kind: IncidentFinding["kind"], fulfillmentId: string | null, summary = "it happened"): IncidentFinding => ({
  kind,
  orderId: "gid://shopify/Order/1025",
  orderName: "#1025",
  customerId: null,
  lines: [],
  evidence: fulfillmentId ? { fulfillmentId } : {},
  responsibleParty: "carrier",
  responseDeadline: "2026-11-20T00:00:00.000Z",
  summary,
});

describe("problemSubject", () => {
  it("is the parcel for parcel kinds, whichever stage, and the kind for the rest", () => {
    const parcel = "gid://shopify/Fulfillment/9";
    expect(problemSubject("carrier_exception", { fulfillmentId: parcel })).toBe(`parcel:${parcel}`);
    expect(problemSubject("late_delivery", { fulfillmentId: parcel })).toBe(`parcel:${parcel}`);
    expect(problemSubject("possibly_lost", { fulfillmentId: parcel })).toBe(`parcel:${parcel}`);
    expect(problemSubject("wrong_item", { fulfillmentId: parcel })).toBe("wrong_item");
    // A parcel finding without its fulfilment (an event whose fulfilment is unknown) stays per kind.
    expect(problemSubject("carrier_exception", {})).toBe("carrier_exception");
    expect(parcelOf("late_delivery", null)).toBeNull();
  });
});

describe("escalates", () => {
  it("goes exception → late → lost, never back, and only between parcel kinds", () => {
    expect(escalates("carrier_exception", "late_delivery")).toBe(true);
    expect(escalates("late_delivery", "possibly_lost")).toBe(true);
    expect(escalates("carrier_exception", "possibly_lost")).toBe(true);
    expect(escalates("possibly_lost", "late_delivery")).toBe(false);
    expect(escalates("late_delivery", "carrier_exception")).toBe(false);
    expect(escalates("late_delivery", "late_delivery")).toBe(false);
    expect(escalates("late_fulfilment", "late_delivery")).toBe(false);
    expect(escalates("late_delivery", "lost")).toBe(false);
  });
});

describe("escalationMessage", () => {
  it("says in plain words what the parcel's problem became", () => {
    expect(escalationMessage("carrier_exception", finding("late_delivery", "f", "#1025's UPS parcel 1Z is 3 days past its estimated delivery date"))).toBe(
      "The parcel's problem escalated from a carrier exception to late: #1025's UPS parcel 1Z is 3 days past its estimated delivery date.",
    );
    expect(escalationMessage("late_delivery", finding("possibly_lost", "f", "may be lost."))).toBe(
      "The parcel's problem escalated from late to possibly lost: may be lost.",
    );
  });
});

describe("worstPerParcel", () => {
  it("keeps the worse finding per parcel and everything else as it was", () => {
    const late9 = finding("late_delivery", "9");
    const lost9 = finding("possibly_lost", "9");
    const late10 = finding("late_delivery", "10");
    const fulfilment = finding("late_fulfilment", null);
    expect(worstPerParcel([fulfilment, late9, late10, lost9])).toEqual([fulfilment, late10, lost9]);
    expect(worstPerParcel([lost9, late9])).toEqual([lost9]);
  });
});
