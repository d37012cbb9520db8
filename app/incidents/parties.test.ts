import { describe, expect, it } from "vitest";

import { GENERIC_PARTIES, movedDeadlines, partyKey, partyName, responseDeadline } from "./parties";

describe("responsible parties", () => {
  it("keys a named party by its type and name, never as a generic party", () => {
    expect(partyKey("carrier", "DHL Express")).toBe("carrier-dhl-express");
    expect(partyKey("warehouse", "Almacén Norte (3PL)")).toBe("warehouse-almacen-norte-3pl");
    expect(partyKey("creator", "💫")).toBe("creator-party");
    expect(GENERIC_PARTIES.map((p) => p.key)).not.toContain(partyKey("carrier", ""));
  });

  it("counts the deadline from when the incident opened: the party's hours, else the shop's", () => {
    const opened = new Date("2026-11-30T10:00:00Z");
    expect(responseDeadline(opened, 48, 24).toISOString()).toBe("2026-12-02T10:00:00.000Z");
    expect(responseDeadline(opened, null, 24).toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });

  it("moves open incidents' deadlines to the party's new response time, counted from when each opened", () => {
    const open = [
      { id: "a", createdAt: new Date("2026-11-30T10:00:00Z"), responseDeadline: new Date("2026-12-01T10:00:00Z") },
      // Already where the new time puts it: not listed.
      { id: "b", createdAt: new Date("2026-11-29T10:00:00Z"), responseDeadline: new Date("2026-11-29T22:00:00Z") },
    ];
    expect(movedDeadlines(open, 12, 24)).toEqual([{ id: "a", from: open[0]?.responseDeadline, to: new Date("2026-11-30T22:00:00Z") }]);
    // Back to the shop's default.
    expect(movedDeadlines(open, null, 24).map((m) => [m.id, m.to.toISOString()])).toEqual([["b", "2026-11-30T10:00:00.000Z"]]);
  });

  it("is an instant: 48 hours across a daylight-saving change are 48 elapsed hours, whatever the process's time zone", () => {
    // Madrid leaves summer time on 2026-10-25: 48 hours from noon on the 24th (CEST) is 11:00
    // on the 26th on Madrid's clocks: 10:00Z + 48 h, in whatever zone it is computed.
    const open = [{ id: "a", createdAt: new Date("2026-10-24T10:00:00Z"), responseDeadline: new Date("2026-10-25T10:00:00Z") }];
    const zone = process.env.TZ;
    try {
      const answers = ["Europe/Madrid", "Pacific/Auckland", "America/Los_Angeles", "UTC"].map((tz) => {
        process.env.TZ = tz;
        return movedDeadlines(open, 48, 24)[0]?.to.toISOString();
      });
      expect(new Set(answers)).toEqual(new Set(["2026-10-26T10:00:00.000Z"]));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("names a party by its key, and a removed one readably", () => {
    expect(partyName(GENERIC_PARTIES, "store")).toBe("Your store");
    expect(partyName(GENERIC_PARTIES, "unknown")).toBe("Unknown");
    expect(partyName(GENERIC_PARTIES, "carrier-dhl-express")).toBe("carrier dhl express");
  });
});
