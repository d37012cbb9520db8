import { describe, expect, it } from "vitest";

import { GENERIC_PARTIES, partyKey, partyName, responseDeadline } from "./parties";

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

  it("names a party by its key, and a removed one readably", () => {
    expect(partyName(GENERIC_PARTIES, "store")).toBe("Your store");
    expect(partyName(GENERIC_PARTIES, "unknown")).toBe("Unknown");
    expect(partyName(GENERIC_PARTIES, "carrier-dhl-express")).toBe("carrier dhl express");
  });
});
