// A customer's report taken on SQLite and PostgreSQL (app/remediation/customer-report.server.ts):
// the incident it opens and its channel, the policy it runs through, and reports that meet an
// open incident — one after the other, at the same moment, or one Amends opened itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ReportRequest } from "../../extensions/amends-order/src/api-contract";
import { customerCases } from "../../app/models/customer-cases.server";
import { activeKey } from "../../app/models/incident.server";
import { takeCustomerReport } from "../../app/remediation/customer-report.server";
import type { RemediationDeps } from "../../app/remediation/engine/index.server";
import { orderForCustomer } from "../../app/shopify/customer-orders.server";
import type { CustomerOrder } from "../../app/shopify/customer-orders.server";
import { clearShop, databaseFor, testDatabases } from "../support/databases";
import { clientFactory } from "../remediation/support";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import type { CustomerShop } from "./support";
import { customerShop } from "./support";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({});
});
afterAll(async () => {
  await emu.close();
});

describe.each(testDatabases())("a customer's report on $name", ({ url }) => {
  const db = databaseFor(url);
  let store: CustomerShop;
  let deps: RemediationDeps;
  let order: CustomerOrder;

  beforeAll(async () => {
    store = await customerShop(db, emu);
    deps = { db, clientFor: clientFactory(db, emu), jobPollIntervalMs: 20 };
    const read = await orderForCustomer(await deps.clientFor(store.shop), store.order.id);
    if (!read) throw new Error("seed");
    order = read;
  });
  afterAll(async () => {
    await clearShop(db, store.shop);
  });

  const take = (report: ReportRequest) => takeCustomerReport(deps, { shop: store.shop, customerId: store.ada, order, report });
  const mug = () => store.order.lineItems[0]?.id ?? "";

  it("opens one incident for two reports of the same kind sent at the same moment", async () => {
    const report: ReportRequest = { kind: "missing_item", lines: [{ lineItemId: mug(), quantity: 1 }], message: "One mug short" };
    const [a, b] = await Promise.all([take(report), take({ ...report, message: "Still one mug short" })]);
    expect(a.report.id).toBe(b.report.id);
    const incidents = await db.incident.findMany({ where: { shop: store.shop, kind: "missing_item" } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ source: "order_page", status: "awaiting_approval", customerEmail: "ada@example.com" });
    expect(a.report).toMatchObject({ kind: "missing_item", status: "reviewing" });
  });

  it("calls a parcel that never arrived a lost parcel for the merchant, and keeps the customer's words", async () => {
    const created = await take({ kind: "not_arrived", lines: [], message: "Nothing came" });
    expect(created.report.kind).toBe("not_arrived");
    const incident = await db.incident.findUniqueOrThrow({ where: { id: created.report.id }, include: { events: true } });
    expect(incident.kind).toBe("lost");
    expect(incident.evidence).toMatchObject({ description: "Nothing came", channel: "order_page", customerKind: "not_arrived" });
    expect(incident.events.find((e) => e.type === "opened")?.message).toBe(`The customer reports that ${store.order.name} never arrived`);
  });

  it("a customer saying it is late joins the late delivery Amends already opened", async () => {
    const detected = await db.incident.create({
      data: {
        shop: store.shop,
        kind: "late_delivery",
        activeKey: activeKey(store.shop, store.order.id, "late_delivery"),
        orderId: store.order.id,
        orderName: store.order.name,
        customerId: store.ada,
        lines: [],
        evidence: { daysOverdue: 3 },
        responseDeadline: new Date(Date.now() + 86_400_000),
      },
    });
    const created = await take({ kind: "late", lines: [], message: "Where is my parcel?" });
    expect(created.report).toMatchObject({ id: detected.id, kind: "late", status: "received" });
    expect(await db.incident.count({ where: { shop: store.shop, kind: "late_delivery" } })).toBe(1);
    const cases = await customerCases(db, store.shop, store.order.id);
    expect(cases.reports.map((r) => r.kind)).toContain("late");
    expect(cases.incidents).toEqual([]);
  });

  it("remedies what the policy allows alone and shows only what succeeded", async () => {
    const towel = store.order.lineItems[1]?.id ?? "";
    const created = await take({ kind: "damaged", lines: [{ lineItemId: towel, quantity: 1 }], message: "Torn" });
    expect(created.report.status).toBe("resolved");
    expect(created.report.remedy?.refund).toEqual({ amount: "8.00", currencyCode: "USD" });
    expect(created.report.remedy?.replacementOrderName).toBeUndefined();
    const rows = await db.remediation.findMany({ where: { incidentId: created.report.id } });
    expect(rows.every((row) => row.status === "succeeded")).toBe(true);
  });
});
