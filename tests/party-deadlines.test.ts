// A responsible party's new response time moves the deadlines of its open incidents, on both
// real databases (models/parties.server.ts setResponseTimes): each counted again from when the
// incident opened, with a line on its timeline saying who changed it. Resolved and dismissed
// incidents, and other parties' incidents, keep their deadlines.
import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

import { shopAnalytics } from "../app/models/analytics.server";
import { addResponsibleParty, setResponseTimes } from "../app/models/parties.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";

const HOUR = 3_600_000;
const OPENED = new Date("2026-10-24T10:00:00Z"); // Madrid changes its clocks on the 25th
const ACTOR = "staff:7001:Ada Store-Owner";
const shops: [string, string][] = [];

afterAll(async () => {
  for (const [url, shop] of shops) {
    const db = databaseFor(url);
    await db.responsibleParty.deleteMany({ where: { shop } });
    await clearShop(db, shop);
  }
});

describe.each(testDatabases())("party deadlines on $name", ({ url }) => {
  const db = databaseFor(url);
  const shop = `deadlines-${randomUUID().slice(0, 8)}.myshopify.com`;
  shops.push([url, shop]);

  const incident = (name: string, responsibleParty: string, status: string) =>
    db.incident.create({
      data: {
        shop,
        kind: "late_fulfilment",
        status,
        orderId: `gid://shopify/Order/${name}`,
        orderName: `#${name}`,
        lines: [],
        evidence: {},
        responsibleParty,
        createdAt: OPENED,
        // The shop's default (24 hours), as detection set it.
        responseDeadline: new Date(OPENED.getTime() + 24 * HOUR),
      },
    });
  const deadline = async (id: string) => (await db.incident.findUniqueOrThrow({ where: { id } })).responseDeadline.toISOString();

  it("moves the party's open incidents and leaves closed ones and other parties' alone", async () => {
    await db.shop.create({ data: { domain: shop, currencyCode: "EUR", timeZone: "Europe/Madrid" } });
    expect(await addResponsibleParty(db, shop, { name: "Almacén Norte", type: "warehouse", responseHours: "24" })).toMatchObject({ ok: true });
    const party = "warehouse-almacen-norte";
    const open = await incident("1", party, "open");
    const waiting = await incident("2", party, "awaiting_approval");
    const resolved = await incident("3", party, "resolved");
    const dismissed = await incident("4", party, "dismissed");
    const carrier = await incident("5", "carrier", "open");

    expect(await setResponseTimes(db, shop, { [party]: "48" }, ACTOR)).toEqual({ ok: true, value: null });
    // 48 elapsed hours from opening, though Madrid's clocks went back an hour in between.
    expect(await deadline(open.id)).toBe("2026-10-26T10:00:00.000Z");
    expect(await deadline(waiting.id)).toBe("2026-10-26T10:00:00.000Z");
    for (const untouched of [resolved, dismissed, carrier]) expect(await deadline(untouched.id)).toBe("2026-10-25T10:00:00.000Z");

    const events = await db.incidentEvent.findMany({ where: { incident: { shop }, type: "deadline_moved" } });
    expect(events.map((e) => e.incidentId).sort()).toEqual([open.id, waiting.id].sort());
    expect(events[0]).toMatchObject({ actor: ACTOR, message: "Almacén Norte's response time is now 48 hours: respond within 48 hours of opening." });

    // Changing a setting is no staff action on the incidents: analytics' first action waits.
    const analytics = await shopAnalytics(db, shop, { from: "2026-10-24", to: "2026-10-24" }, "Europe/Madrid", new Date("2026-11-01T00:00:00Z"));
    expect(analytics.medianToFirstAction.seconds).toBeNull();

    // Saving the same time again moves nothing and writes nothing.
    expect(await setResponseTimes(db, shop, { [party]: "48" }, ACTOR)).toEqual({ ok: true, value: null });
    expect(await db.incidentEvent.count({ where: { incident: { shop }, type: "deadline_moved" } })).toBe(2);
  });

  it("a generic party back on the shop's default moves its open incidents to the default", async () => {
    const open = await incident("6", "carrier", "open");
    expect(await setResponseTimes(db, shop, { carrier: "6" }, ACTOR)).toEqual({ ok: true, value: null });
    expect(await deadline(open.id)).toBe("2026-10-24T16:00:00.000Z");
    expect(await setResponseTimes(db, shop, { carrier: "" }, ACTOR)).toEqual({ ok: true, value: null });
    expect(await deadline(open.id)).toBe("2026-10-25T10:00:00.000Z");
    const last = await db.incidentEvent.findFirstOrThrow({ where: { incidentId: open.id, type: "deadline_moved" }, orderBy: { at: "desc" } });
    expect(last.message).toBe("Any carrier now uses the shop's default response time: respond within 24 hours of opening.");
  });

  it("an invalid time moves nothing", async () => {
    const open = await incident("7", "store", "open");
    const result = await setResponseTimes(db, shop, { store: "0" }, ACTOR);
    expect(result.ok).toBe(false);
    expect(await deadline(open.id)).toBe("2026-10-25T10:00:00.000Z");
  });
});
