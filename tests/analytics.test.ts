// The Analytics page's figures and the CSV export, against real SQLite and PostgreSQL.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { afterAll, describe, expect, it } from "vitest";

import { shopAnalytics } from "../app/models/analytics.server";
import { incidentsCsv } from "../app/models/incident-export.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";
import { incidentId, seedIncidents } from "./support/seed-incidents";

const SHOP = "analytics-test.myshopify.com";
const MADRID = "Europe/Madrid";

describe.each(testDatabases())("analytics on $name", ({ url }) => {
  const db = databaseFor(url);
  afterAll(() => clearShop(db, SHOP));

  it("counts by the shop's day, groups causes, parties and costs, and finds medians", async () => {
    await clearShop(db, SHOP);
    const make = async (id: string, createdAt: string, data: Partial<{ kind: string; rootCause: string; responsibleParty: string; customerId: string; status: string; resolvedAt: Date; responseDeadline: Date }> = {}) =>
      db.incident.create({
        data: {
          id,
          shop: SHOP,
          kind: data.kind ?? "damaged",
          status: data.status ?? "resolved",
          orderId: `gid://shopify/Order/${id}`,
          orderName: `#${id}`,
          customerId: data.customerId ?? null,
          customerName: data.customerId ? `Name of ${data.customerId}` : null,
          lines: [],
          evidence: {},
          responsibleParty: data.responsibleParty ?? "carrier",
          rootCause: data.rootCause ?? null,
          responseDeadline: data.responseDeadline ?? new Date("2026-12-31T00:00:00Z"),
          createdAt: new Date(createdAt),
          resolvedAt: data.resolvedAt ?? null,
        },
      });
    // 23:30 UTC on 24 Oct is already the 25th in Madrid (summer time, +2); 23:30 UTC on the 25th
    // is the 26th (winter time, +1); 22:30 UTC on the 25th is still the 25th.
    await make("a", "2026-10-24T23:30:00Z", { kind: "lost", rootCause: "carrier_delay", customerId: "c1", resolvedAt: new Date("2026-10-25T01:30:00Z") });
    await make("b", "2026-10-25T22:30:00Z", { kind: "lost", rootCause: "carrier_delay", customerId: "c1", resolvedAt: new Date("2026-10-26T02:30:00Z") });
    await make("c", "2026-10-25T23:30:00Z", { rootCause: "packing_error", responsibleParty: "warehouse", customerId: "c2", resolvedAt: new Date("2026-10-26T09:30:00Z") });
    await make("d", "2026-10-26T10:00:00Z", { status: "open", responseDeadline: new Date("2026-10-27T00:00:00Z") });
    // Outside the range (30 Oct in Madrid): not counted, except as overdue, which is about now.
    await make("e", "2026-10-29T23:30:00Z", { status: "open", customerId: "c2", responseDeadline: new Date("2026-10-28T00:00:00Z") });
    await db.incidentEvent.createMany({
      data: [
        { incidentId: "a", at: new Date("2026-10-24T23:40:00Z"), type: "assigned", actor: "merchant:Ana", message: "" },
        { incidentId: "a", at: new Date("2026-10-25T00:30:00Z"), type: "approved", actor: "merchant:Ana", message: "" },
        { incidentId: "b", at: new Date("2026-10-25T22:35:00Z"), type: "opened", actor: "amends", message: "" },
        { incidentId: "b", at: new Date("2026-10-25T23:00:00Z"), type: "approved", actor: "merchant:Ana", message: "" },
        { incidentId: "c", at: new Date("2026-10-26T00:30:00Z"), type: "approved", actor: "merchant:Bo", message: "" },
      ],
    });
    const remedy = (incidentId: string, action: string, amount: string | null, status = "succeeded", createdAt = "2026-10-26T12:00:00Z") =>
      db.remediation.create({
        data: { shop: SHOP, incidentId, action, idempotencyKey: `${incidentId}:${action}`, status, request: {}, amount, currencyCode: amount ? "EUR" : null, actor: "merchant:Ana", createdAt: new Date(createdAt) },
      });
    await remedy("a", "refund", "10.10", "succeeded", "2026-10-24T23:50:00Z");
    await remedy("b", "refund", "5.05");
    await remedy("b", "discount_code", "3.00");
    await remedy("c", "replacement", "20.00");
    await remedy("c", "annotate", null);
    await remedy("d", "refund", "99.00", "failed");

    const result = await shopAnalytics(db, SHOP, { from: "2026-10-25", to: "2026-10-29" }, MADRID, new Date("2026-11-01T00:00:00Z"));
    expect(result.total).toBe(4);
    expect(result.incidentsByDay.sort((x, y) => x.day.localeCompare(y.day) || x.key.localeCompare(y.key))).toEqual([
      { day: "2026-10-25", key: "lost", value: 2 },
      { day: "2026-10-26", key: "damaged", value: 2 },
    ]);
    const carrierDelay = result.byRootCause.find((row) => row.key === "carrier_delay");
    expect(carrierDelay?.count).toBe(2);
    expect(carrierDelay?.costs.sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
      { kind: "discount_code", currencyCode: "EUR", amount: 3, count: 1 },
      { kind: "refund", currencyCode: "EUR", amount: expect.closeTo(15.15, 6) as number, count: 2 },
    ]);
    expect(result.byRootCause.find((row) => row.key === "not_set")?.count).toBe(1);
    expect(result.byResponsibleParty.map((row) => [row.key, row.count])).toEqual([["carrier", 3], ["warehouse", 1]]);
    expect(result.byResponsibleParty.find((row) => row.key === "warehouse")?.costs).toEqual([{ kind: "replacement", currencyCode: "EUR", amount: 20, count: 1 }]);
    // The refund of a is on 25 Oct in Madrid; the rest on the 26th; the failed one nowhere.
    expect(result.costByDay.sort((x, y) => x.day.localeCompare(y.day) || x.kind.localeCompare(y.kind))).toEqual([
      { day: "2026-10-25", kind: "refund", currencyCode: "EUR", value: expect.closeTo(10.1, 6) as number },
      { day: "2026-10-26", kind: "discount_code", currencyCode: "EUR", value: 3 },
      { day: "2026-10-26", kind: "refund", currencyCode: "EUR", value: expect.closeTo(5.05, 6) as number },
      { day: "2026-10-26", kind: "replacement", currencyCode: "EUR", value: 20 },
    ]);
    // First staff action: a 10 min, b 30 min, c 60 min; d none.
    expect(result.medianToFirstAction.count).toBe(3);
    expect(result.medianToFirstAction.seconds).toBeCloseTo(30 * 60, 0);
    // Resolution: a 2 h, b 4 h, c 10 h: median 4 h.
    expect(result.medianToResolution.seconds).toBeCloseTo(4 * 3600, 0);
    expect(result.overdue).toBe(2);
    expect(result.repeatCustomers).toEqual([{ customerId: "c1", name: "Name of c1", email: null, incidents: 2 }]);
  });
});

describe("CSV export", () => {
  const url = process.env.DATABASE_URL ?? "";

  it("streams 100,000 incidents with their remedies without holding them in memory", async () => {
    const db = databaseFor(url);
    await clearShop(db, SHOP);
    const COUNT = 100_000;
    await seedIncidents(url.replace(/^file:/, ""), { shop: SHOP, count: COUNT, newest: new Date("2026-11-20T12:00:00Z") });

    // What the export keeps alive, not the garbage it makes: a full collection before each
    // sample (V8's own gc, exposed for this test).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let chunks = 0;
    let peak = before;
    let bytes = 0;
    let rows = 0;
    let tail = "";
    let header = "";
    const samples: string[] = [];
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    const reader = incidentsCsv(db, SHOP, MADRID, null).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      const text = tail + decoder.decode(value, { stream: true });
      const lines = text.split("\r\n");
      tail = lines.pop() ?? "";
      if (!header) header = lines.shift() ?? "";
      rows += lines.length;
      if (samples.length < 12) samples.push(...lines.slice(0, 12));
      if (++chunks % 10 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    expect(tail).toBe("");
    expect(rows).toBe(COUNT);
    expect(header).toBe(
      "\uFEFFIncident,Created (Europe/Madrid),Order,Kind,Status,Channel,Responsible party,Root cause,Owner,Customer,Customer e-mail,Respond by,Escalated,Resolved,Refunded,Replacement value (retail),Discount code value,Currency,Remedies",
    );
    // Incident 0: created 100,000 × 2 min before 20 Nov 12:00 UTC, shown in Madrid's time;
    // its customer name is a formula, written so a spreadsheet shows it as text.
    const first = new Date(new Date("2026-11-20T12:00:00Z").getTime() - (COUNT - 1) * 2 * 60_000);
    expect(samples[0]).toContain(`${incidentId(0)},${new Intl.DateTimeFormat("sv-SE", { timeZone: MADRID, dateStyle: "short", timeStyle: "short" }).format(first)},#10000`);
    expect(samples[0]).toContain(`'=cmd|' /C calc'!A0`);
    expect(samples[0]).toMatch(/,12\.50,30\.00,5\.00,EUR,refund \(succeeded 12\.50 EUR\); replacement/);
    // Loose bound, not a timing: what stayed on the heap is less than the CSV it produced
    // (holding the rows would take several times the CSV's size).
    expect(peak - before).toBeLessThan(bytes);
    expect(bytes).toBeGreaterThan(10_000_000);
  }, 300_000);
});
