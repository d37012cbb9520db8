import { describe, expect, it } from "vitest";

import type { CopyVersion, Fulfillment, FulfillmentEvent } from "./model";
import { compareCopies, compareEvents, isNewerCopy, orderProgress, shipmentOf } from "./ordering";

const at = (time: string) => Date.parse(`2026-11-20T${time}Z`);

function copy(overrides: Partial<CopyVersion> = {}): CopyVersion {
  return { triggeredAt: null, updatedAt: null, occurredAt: null, progress: [], digest: "a", ...overrides };
}

describe("which of two copies is the newer", () => {
  it("X-Shopify-Triggered-At decides first, to the millisecond, over a same-second updated_at", () => {
    const older = copy({ triggeredAt: at("10:00:00.100"), updatedAt: at("10:00:00"), progress: [1] });
    const newer = copy({ triggeredAt: at("10:00:00.900"), updatedAt: at("10:00:00"), progress: [0] });
    expect(compareCopies(newer, older)).toBeGreaterThan(0);
    expect(isNewerCopy(older, newer)).toBe(false);
    expect(isNewerCopy(newer, older)).toBe(true);
  });

  it("a clock only one copy carries is skipped: updated_at, then the copy's own timestamps", () => {
    const header = copy({ triggeredAt: at("12:00:00"), updatedAt: at("09:00:00") });
    const noHeader = copy({ updatedAt: at("10:00:00") });
    expect(compareCopies(noHeader, header)).toBeGreaterThan(0);
    const noUpdatedAt = copy({ triggeredAt: null, occurredAt: at("08:00:00") });
    expect(compareCopies(noUpdatedAt, copy({ updatedAt: at("09:00:00"), occurredAt: at("09:00:00") }))).toBeLessThan(0);
  });

  it("on a tie of every clock, the copy further along wins: cancelled beats not cancelled", () => {
    const open = copy({ updatedAt: at("10:00:00"), progress: orderProgress({ cancelled: false, refunds: 0, fulfillments: [], removedUnits: 0 }), digest: "f" });
    const cancelled = copy({ updatedAt: at("10:00:00"), progress: orderProgress({ cancelled: true, refunds: 0, fulfillments: [], removedUnits: 0 }), digest: "0" });
    expect(isNewerCopy(open, cancelled)).toBe(false);
    expect(isNewerCopy(cancelled, open)).toBe(true);
    const refunded = orderProgress({ cancelled: false, refunds: 1, fulfillments: [{ status: "SUCCESS", shipmentStatus: "DELIVERED" }], removedUnits: 0 });
    const shipped = orderProgress({ cancelled: false, refunds: 0, fulfillments: [{ status: "SUCCESS", shipmentStatus: "DELIVERED" }], removedUnits: 0 });
    expect(compareCopies(copy({ progress: refunded }), copy({ progress: shipped }))).toBeGreaterThan(0);
  });

  it("the same copy is not newer than itself; a tie nothing else settles is settled by the digest, either way round", () => {
    const a = copy({ updatedAt: at("10:00:00"), digest: "3f1a9c0e5b7d2e41" });
    const b = copy({ updatedAt: at("10:00:00"), digest: "9b04e7d1c2a85f36" });
    expect(isNewerCopy(a, { ...a })).toBe(false);
    expect(Math.sign(compareCopies(a, b))).toBe(-Math.sign(compareCopies(b, a)));
    expect(compareCopies(a, b)).not.toBe(0);
  });

  it("nothing held: any copy is newer", () => {
    expect(isNewerCopy(copy(), null)).toBe(true);
  });
});

function event(id: string, status: FulfillmentEvent["status"], happenedAt: string, version: Partial<CopyVersion> = {}): FulfillmentEvent {
  return {
    id,
    status,
    happenedAt: `2026-11-20T${happenedAt}Z`,
    message: null,
    estimatedDeliveryAt: null,
    version: copy({ occurredAt: at(happenedAt), progress: [], digest: id, ...version }),
  };
}

const parcel = (overrides: Partial<Fulfillment> = {}): Pick<Fulfillment, "events" | "reported" | "estimatedDeliveryAt" | "deliveredAt"> => ({
  events: [],
  estimatedDeliveryAt: null,
  deliveredAt: null,
  ...overrides,
});

describe("where the parcel is", () => {
  it("the latest event that happened decides; delivered beats in transit in the same second", () => {
    const events = [event("gid://e/2", "DELIVERED", "12:00:00"), event("gid://e/1", "IN_TRANSIT", "12:00:00")];
    expect([...events].sort(compareEvents).map((e) => e.status)).toEqual(["IN_TRANSIT", "DELIVERED"]);
    expect(shipmentOf(parcel({ events }))).toMatchObject({ shipmentStatus: "DELIVERED", deliveredAt: "2026-11-20T12:00:00Z" });
  });

  it("an older fulfilment copy (by triggered-at) does not move a delivered parcel back in transit", () => {
    const delivered = event("gid://e/2", "DELIVERED", "12:00:00", { triggeredAt: at("12:00:00.500"), progress: [6] });
    const reported = { status: "IN_TRANSIT" as const, at: null, version: copy({ triggeredAt: at("11:00:00"), progress: [3] }) };
    expect(shipmentOf(parcel({ events: [delivered], reported })).shipmentStatus).toBe("DELIVERED");
  });

  it("a fulfilment copy without updated_at or triggered-at, from the same second, does not either", () => {
    const delivered = event("gid://e/2", "DELIVERED", "12:00:00", { progress: [6] });
    const reported = { status: "IN_TRANSIT" as const, at: null, version: copy({ occurredAt: at("12:00:00"), progress: [3], digest: "zzzz" }) };
    expect(shipmentOf(parcel({ events: [delivered], reported }))).toMatchObject({ shipmentStatus: "DELIVERED", deliveredAt: "2026-11-20T12:00:00Z" });
  });

  it("a fulfilment copy newer than every event heard is believed: it counts events Amends has not heard", () => {
    const transit = event("gid://e/1", "IN_TRANSIT", "10:00:00", { triggeredAt: at("10:00:00") });
    const reported = { status: "DELIVERED" as const, at: "2026-11-20T15:00:00Z", version: copy({ triggeredAt: at("15:00:00"), progress: [6] }) };
    expect(shipmentOf(parcel({ events: [transit], reported }))).toMatchObject({ shipmentStatus: "DELIVERED", deliveredAt: "2026-11-20T15:00:00Z" });
  });
});
