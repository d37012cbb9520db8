// The merchant's responsible parties (models/parties.server.ts) on a real SQLite database: the
// list with its response times, and an incident's deadline following its party when the
// incident opens and when the merchant changes its party.
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import type { IncidentFinding } from "../app/incidents/model";
import { assignIncident, recordFinding } from "../app/models/incident.server";
import { addResponsibleParty, removeResponsibleParty, responsibleParties, setPartyResponseHours } from "../app/models/parties.server";
import { databaseFor, testDatabases } from "./support/databases";

const sqlite = testDatabases()[0];
if (!sqlite) throw new Error("no SQLite test database");
const db: Database = databaseFor(sqlite.url);
const SHOP = `parties-${randomUUID().slice(0, 8)}.myshopify.com`;
const HOUR = 3_600_000;

beforeAll(async () => {
  // The shop's default response time is 24 hours (DEFAULT_DETECTION_SETTINGS).
  await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR", timeZone: "Europe/Madrid" } });
});
afterAll(async () => {
  await db.incidentEvent.deleteMany({ where: { incident: { shop: SHOP } } });
  await db.incident.deleteMany({ where: { shop: SHOP } });
  await db.responsibleParty.deleteMany({ where: { shop: SHOP } });
  await db.shop.delete({ where: { domain: SHOP } });
});

function finding(order: string, responsibleParty: IncidentFinding["responsibleParty"]): IncidentFinding {
  return {
    kind: "late_fulfilment",
    orderId: `gid://shopify/Order/${order}`,
    orderName: `#${order}`,
    customerId: null,
    lines: [],
    evidence: {},
    responsibleParty,
    responseDeadline: new Date(Date.now() + 24 * HOUR).toISOString(),
    summary: "Not shipped within 2 business days.",
  };
}

async function incident(id: string) {
  return db.incident.findUniqueOrThrow({ where: { id } });
}

describe("responsible parties", () => {
  it("lists the generic parties before the merchant adds any, without response times of their own", async () => {
    const parties = await responsibleParties(db, SHOP);
    expect(parties.map((p) => [p.key, p.responseHours, p.generic])).toEqual([
      ["store", null, true],
      ["warehouse", null, true],
      ["carrier", null, true],
      ["supplier", null, true],
      ["creator", null, true],
    ]);
  });

  it("adds named parties with response times, and refuses bad input field by field", async () => {
    expect(await addResponsibleParty(db, SHOP, { name: "Almacén Norte 3PL", type: "warehouse", responseHours: "48" })).toMatchObject({
      ok: true,
      value: { key: "warehouse-almacen-norte-3pl", responseHours: 48 },
    });
    expect(await addResponsibleParty(db, SHOP, { name: "@lucia.makes", type: "creator", responseHours: "72" })).toMatchObject({ ok: true });
    expect(await addResponsibleParty(db, SHOP, { name: "Almacén norte 3PL", type: "warehouse", responseHours: "12" })).toEqual({
      ok: false,
      errors: { name: "Almacén Norte 3PL is already on your list" },
    });
    expect(await addResponsibleParty(db, SHOP, { name: "", type: "airline", responseHours: "1.5" })).toEqual({
      ok: false,
      errors: { name: "Enter the party's name", type: "Pick what kind of party it is", responseHours: "Enter whole hours" },
    });
    expect(await addResponsibleParty(db, SHOP, { name: "Correos", type: "carrier", responseHours: "" })).toEqual({
      ok: false,
      errors: { responseHours: "Enter how many hours this party has to respond" },
    });
  });

  it("opens an incident with its party's response time, or the shop's default", async () => {
    const before = Date.now();
    const byDefault = await recordFinding(db, SHOP, finding("1001", "carrier"), "rule:late_fulfilment");
    expect((await incident(byDefault.incidentId)).responseDeadline.getTime() - before).toBeGreaterThanOrEqual(24 * HOUR - 1000);

    expect(await setPartyResponseHours(db, SHOP, "store", "6", "staff:7001:Ada Store-Owner")).toEqual({ ok: true, value: null });
    const opened = Date.now();
    const store = await recordFinding(db, SHOP, finding("1002", "store"), "rule:late_fulfilment");
    const deadline = (await incident(store.incidentId)).responseDeadline.getTime();
    expect(deadline).toBeGreaterThanOrEqual(opened + 6 * HOUR);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 6 * HOUR);
  });

  it("moves the deadline when the merchant blames another party, and says so on the timeline", async () => {
    const { incidentId } = await recordFinding(db, SHOP, finding("1003", "warehouse"), "rule:late_fulfilment");
    const { createdAt } = await incident(incidentId);
    const actor = "staff:7001:Ada Store-Owner";
    const assignment = { owner: null, rootCause: null, responsibleParty: "warehouse-almacen-norte-3pl" };
    expect(await assignIncident(db, incidentId, assignment, actor)).toBe(true);
    const blamed = await incident(incidentId);
    expect(blamed.responsibleParty).toBe("warehouse-almacen-norte-3pl");
    expect(blamed.responseDeadline.getTime()).toBe(createdAt.getTime() + 48 * HOUR);
    const event = await db.incidentEvent.findFirstOrThrow({ where: { incidentId, type: "assigned" } });
    expect(event.actor).toBe(actor);
    expect(event.message).toBe(
      "Set responsible party: Almacén Norte 3PL. Respond within 48 hours of opening, Almacén Norte 3PL's response time.",
    );

    // Back to a party without its own time: the shop's default, from when it opened.
    await assignIncident(db, incidentId, { ...assignment, responsibleParty: "supplier" }, actor);
    const deadline = (await incident(incidentId)).responseDeadline;
    expect(deadline.getTime()).toBe(createdAt.getTime() + 24 * HOUR);
    // Between two parties without times of their own, the deadline stays where it is.
    await db.incident.update({ where: { id: incidentId }, data: { responseDeadline: new Date(createdAt.getTime() + 5 * HOUR) } });
    await assignIncident(db, incidentId, { ...assignment, responsibleParty: "carrier" }, actor);
    expect((await incident(incidentId)).responseDeadline.getTime()).toBe(createdAt.getTime() + 5 * HOUR);
  });

  it("removes a named party but never a generic one; incidents keep the key", async () => {
    expect(await removeResponsibleParty(db, SHOP, "carrier")).toBe(false);
    expect(await removeResponsibleParty(db, SHOP, "creator-lucia-makes")).toBe(true);
    expect((await responsibleParties(db, SHOP)).map((p) => p.key)).not.toContain("creator-lucia-makes");
    expect(await setPartyResponseHours(db, SHOP, "creator-lucia-makes", "5", "staff:7001:Ada Store-Owner")).toEqual({
      ok: false,
      errors: { form: "This party is no longer on your list" },
    });
  });
});
