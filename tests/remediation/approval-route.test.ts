// The merchant approves or dismisses an incident from its page (app/routes/app.incidents.$id.tsx):
// the route's action, with the app's own database and Admin client pointed at the emulator.
// A double click on "Approve" makes one replacement order; a dismissal without a reason is
// refused with a field-level message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type * as IncidentRoute from "../../app/routes/app.incidents.$id";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import type { Fixture } from "./support";
import { effects, setUp } from "./support";

let emu: RunningEmulator;
let fixture: Fixture;
type Route = typeof IncidentRoute;
let route: Route;

beforeAll(async () => {
  emu = await startEmulator({});
  // A connection of the test's own: the app's (db()) reads the configuration, set below.
  const { createDatabase } = await import("../../app/db.server");
  fixture = await setUp(createDatabase(process.env.DATABASE_URL ?? ""), emu, { kind: "wrong_item", status: "awaiting_approval" });
  // The app's configuration is read once, on first use: point it at this shop and the emulator.
  Object.assign(process.env, {
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: fixture.shop,
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
  });
  route = await import("../../app/routes/app.incidents.$id");
});

afterAll(async () => {
  await emu.close();
});

function post(fields: Record<string, string>) {
  const request = new Request(`http://127.0.0.1/app/incidents/${fixture.incidentId}`, {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  return route.action({ request, params: { id: fixture.incidentId }, context: {} });
}

describe("approving and dismissing from the incident page", () => {
  it("refuses a dismissal without a reason, field by field", async () => {
    const response = await post({ intent: "dismiss", reason: "" });
    expect(response).toBeInstanceOf(Response);
    const res = response as Response;
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ errors: { reason: "Say why, in a few words" }, result: null });
  });

  it("a double click on Approve sends one free replacement", async () => {
    const [first, second] = await Promise.all([post({ intent: "approve" }), post({ intent: "approve" })]);
    const results = [first, second].map((r) => (r instanceof Response ? null : r.result)).sort();
    expect(results).toContain("resolved");
    const { replacementOrders } = effects(emu, fixture.shop, fixture.order.id);
    expect(replacementOrders).toHaveLength(1);

    const { db } = await import("../../app/db.server");
    expect((await db().incident.findUniqueOrThrow({ where: { id: fixture.incidentId } })).status).toBe("resolved");
    const page = await route.loader({
      request: new Request(`http://127.0.0.1/app/incidents/${fixture.incidentId}`),
      params: { id: fixture.incidentId },
      context: {},
    });
    expect(page.incident.remediations.filter((r) => r.action === "replacement")).toHaveLength(1);
  });

  it("carries out the alternative plan the merchant picked: a refund instead of a replacement", async () => {
    const { db } = await import("../../app/db.server");
    const { activeKey } = await import("../../app/models/incident.server");
    // The tea towel: the mugs were replaced above, and are never refunded on top.
    const towel = fixture.order.lineItems[1];
    const damaged = await db().incident.create({
      data: {
        shop: fixture.shop,
        kind: "damaged",
        status: "awaiting_approval",
        activeKey: activeKey(fixture.shop, fixture.order.id, "damaged"),
        orderId: fixture.order.id,
        orderName: fixture.order.name,
        customerId: fixture.customerId,
        lines: [{ lineItemId: towel?.id ?? "", quantity: 1 }],
        evidence: {},
        responseDeadline: new Date(Date.now() + 86_400_000),
      },
    });
    const refundsBefore = effects(emu, fixture.shop, fixture.order.id).refunds.length;
    const replacementsBefore = effects(emu, fixture.shop, fixture.order.id).replacementOrders.length;
    const request = new Request(`http://127.0.0.1/app/incidents/${damaged.id}`, {
      method: "POST",
      body: new URLSearchParams({ intent: "approve", option: "1" }),
    });
    const result = await route.action({ request, params: { id: damaged.id }, context: {} });
    expect(result).toEqual({ errors: {}, result: "resolved" });
    const after = effects(emu, fixture.shop, fixture.order.id);
    expect(after.refunds).toHaveLength(refundsBefore + 1);
    expect(after.replacementOrders).toHaveLength(replacementsBefore);

    // The page offers both plans, costed, and shows the one that was chosen.
    const page = await route.loader({ request: new Request(`http://127.0.0.1/app/incidents/${damaged.id}`), params: { id: damaged.id }, context: {} });
    expect(page.incident.proposal?.chosen).toBe(1);
    expect(page.incident.proposal?.plans.map((plan) => plan.description)).toEqual([
      "a replacement for 1 × Tea Towel",
      "a refund of $8.00 for 1 × Tea Towel",
    ]);
  });

  it("refuses to dismiss an incident that is already closed", async () => {
    const response = await post({ intent: "dismiss", reason: "Changed my mind" });
    expect((response as Response).status).toBe(409);
    expect(await (response as Response).json()).toEqual({
      errors: { reason: "This incident is resolved and can no longer be dismissed." },
      result: null,
    });
  });

  it("records owner, root cause and responsible party on the timeline, and rejects values off the list", async () => {
    const saved = await post({ intent: "assign", owner: "Sam", rootCause: "picking_error", responsibleParty: "warehouse" });
    expect(saved).toEqual({ errors: {}, result: "assigned" });
    const again = await post({ intent: "assign", owner: "Sam", rootCause: "picking_error", responsibleParty: "warehouse" });
    expect(again).toEqual({ errors: {}, result: "unchanged" });
    const bad = (await post({ intent: "assign", owner: "", rootCause: "gremlins", responsibleParty: "warehouse" })) as Response;
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors).toEqual({ rootCause: "Pick a root cause from the list" });

    const { db } = await import("../../app/db.server");
    const incident = await db().incident.findUniqueOrThrow({ where: { id: fixture.incidentId }, include: { events: true } });
    expect(incident).toMatchObject({ owner: "Sam", rootCause: "picking_error", responsibleParty: "warehouse" });
    expect(incident.events.filter((e) => e.type === "assigned").map((e) => e.message)).toEqual([
      "Set owner: Sam, root cause: picking error, responsible party: warehouse.",
    ]);
  });

  it("answers 404 for an incident of another shop", async () => {
    await expect(
      route.loader({ request: new Request("http://127.0.0.1/app/incidents/nope"), params: { id: "nope" }, context: {} }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
