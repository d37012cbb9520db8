// The merchant approves or dismisses an incident from its page (app/routes/app.incidents.$id.tsx):
// the route's action, with the app's own database and Admin client pointed at the emulator.
// A double click on "Approve" makes one replacement order; a dismissal without a reason is
// refused with a field-level message. Two hours after install (the offline token has expired),
// an approval still reaches Shopify: the token is refreshed through the Shopify library.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type * as IncidentRoute from "../../app/routes/app.incidents.$id";
import type { RunningEmulator } from "../shopify-emulator";
import { routeTokenCallsTo, startEmulator } from "../shopify-emulator";
import type { Fixture } from "./support";
import { effects, setUp } from "./support";

let emu: RunningEmulator;
let fixture: Fixture;
type Route = typeof IncidentRoute;
let route: Route;
let unroute: () => void;

beforeAll(async () => {
  // The app's clock and the emulator's are both Date, so the test can move them together.
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  emu = await startEmulator({});
  unroute = routeTokenCallsTo(emu.url);
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
  unroute();
  await emu.close();
  vi.useRealTimers();
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
    // Owners come from the shop's staff list (the demo's: Alex Morgan and Sam Rivera).
    const typed = (await post({ intent: "assign", owner: "Sam", rootCause: "picking_error", responsibleParty: "warehouse" })) as Response;
    expect(typed.status).toBe(422);
    expect((await typed.json()).errors).toEqual({ owner: "Pick the owner from your staff list" });
    const saved = await post({ intent: "assign", owner: "Sam Rivera", rootCause: "picking_error", responsibleParty: "warehouse" });
    expect(saved).toEqual({ errors: {}, result: "assigned" });
    const again = await post({ intent: "assign", owner: "Sam Rivera", rootCause: "picking_error", responsibleParty: "warehouse" });
    expect(again).toEqual({ errors: {}, result: "unchanged" });
    const bad = (await post({ intent: "assign", owner: "", rootCause: "gremlins", responsibleParty: "warehouse" })) as Response;
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors).toEqual({ rootCause: "Pick a root cause from the list" });

    const { db } = await import("../../app/db.server");
    const incident = await db().incident.findUniqueOrThrow({ where: { id: fixture.incidentId }, include: { events: true } });
    expect(incident).toMatchObject({ owner: "Sam Rivera", rootCause: "picking_error", responsibleParty: "warehouse" });
    expect(incident.events.filter((e) => e.type === "assigned").map((e) => [e.actor, e.message])).toEqual([
      ["staff:demo-owner:Alex Morgan", "Set owner: Sam Rivera, root cause: picking error, responsible party: Any warehouse or 3PL."],
    ]);
    // Only the shop's own parties: a key off its list is refused.
    const stranger = (await post({ intent: "assign", owner: "Sam Rivera", rootCause: "picking_error", responsibleParty: "carrier-nobody" })) as Response;
    expect(stranger.status).toBe(422);
    expect((await stranger.json()).errors).toEqual({ responsibleParty: "Pick who was responsible from the list" });
    // What the incident already has stays, even off the lists (an owner typed before owners came
    // from the staff list, a party since removed): saving the root cause keeps both.
    await db().incident.update({ where: { id: fixture.incidentId }, data: { owner: "Marta", responsibleParty: "carrier-gone-express" } });
    const kept = await post({ intent: "assign", owner: "Marta", rootCause: "carrier_delay", responsibleParty: "carrier-gone-express" });
    expect(kept).toEqual({ errors: {}, result: "assigned" });
  });

  /** A new order of the fixture's customer with a wrong-item incident waiting for approval. */
  async function wrongItemAwaitingApproval() {
    const { db } = await import("../../app/db.server");
    const { activeKey } = await import("../../app/models/incident.server");
    const { shop, customerId } = fixture;
    const order = emu.store.addOrder(
      shop,
      { customerId, lineItems: [{ variantId: fixture.order.lineItems[0]?.variantId ?? "", quantity: 1 }] },
      { silent: true },
    );
    const incident = await db().incident.create({
      data: {
        shop,
        kind: "wrong_item",
        status: "awaiting_approval",
        activeKey: activeKey(shop, order.id, "wrong_item"),
        orderId: order.id,
        orderName: order.name,
        customerId,
        lines: [{ lineItemId: order.lineItems[0]?.id ?? "", quantity: 1 }],
        evidence: {},
        responseDeadline: new Date(Date.now() + 86_400_000),
      },
    });
    return { order, incident };
  }

  function postTo(incidentId: string, fields: Record<string, string>) {
    const request = new Request(`http://127.0.0.1/app/incidents/${incidentId}`, { method: "POST", body: new URLSearchParams(fields) });
    return route.action({ request, params: { id: incidentId }, context: {} });
  }

  it("Shopify refuses the replacement: the page says why and offers Retry, which sends a fresh request", async () => {
    const { shop } = fixture;
    const { order, incident } = await wrongItemAwaitingApproval();
    emu.faults.inject({ kind: "refuse", operationName: "CreateReplacementDraft", shop, message: "Variant is no longer available" });
    expect(await postTo(incident.id, { intent: "approve" })).toEqual({ errors: {}, result: "needs_attention" });

    const page = await route.loader({ request: new Request(`http://127.0.0.1/app/incidents/${incident.id}`), params: { id: incident.id }, context: {} });
    expect(page.incident.status).toBe("needs_attention");
    const { refusalOf } = await import("../../app/components/NeedsAttentionCard");
    expect(refusalOf(page.incident.events)).toBe("Shopify refused the replacement order: Variant is no longer available.");

    expect(await postTo(incident.id, { intent: "retry" })).toEqual({ errors: {}, result: "resolved" });
    expect(effects(emu, shop, order.id).replacementOrders.filter((o) => o.tags.includes(`amends-incident-${incident.id}`))).toHaveLength(1);
    const again = (await postTo(incident.id, { intent: "retry" })) as Response;
    expect(again.status).toBe(409);
  });

  it("an incident that needs attention can be dismissed, and nothing more is sent", async () => {
    const { shop } = fixture;
    const { order, incident } = await wrongItemAwaitingApproval();
    emu.faults.inject({ kind: "refuse", operationName: "CreateReplacementDraft", shop, message: "Variant is no longer available" });
    expect(await postTo(incident.id, { intent: "approve" })).toEqual({ errors: {}, result: "needs_attention" });
    const sent = emu.requests.length;
    expect(await postTo(incident.id, { intent: "dismiss", reason: "Refunded by hand in the POS" })).toEqual({ errors: {}, result: "dismissed" });
    expect(emu.requests.length).toBe(sent);
    const { db } = await import("../../app/db.server");
    expect((await db().incident.findUniqueOrThrow({ where: { id: incident.id } })).status).toBe("dismissed");
    expect(effects(emu, shop, order.id).replacementOrders.filter((o) => o.tags.includes(`amends-incident-${incident.id}`))).toEqual([]);
  });

  it("records who approved; refuses the demo's support agent above their limit, and the owner then approves", async () => {
    const { shop } = fixture;
    const { db } = await import("../../app/db.server");
    const { order, incident } = await wrongItemAwaitingApproval();
    const approve = (who: "owner" | "support") =>
      route.action({
        request: new Request(`http://127.0.0.1/app/incidents/${incident.id}?staff=${who}`, { method: "POST", body: new URLSearchParams({ intent: "approve" }) }),
        params: { id: incident.id },
        context: {},
      });
    // The support agent has opened Amends before (their first request records them); the owner
    // has set their limit below this replacement's value.
    await route.loader({ request: new Request(`http://127.0.0.1/app/incidents/${incident.id}?staff=support`), params: { id: incident.id }, context: {} });
    await db().staffMember.update({ where: { shop_userId: { shop, userId: "demo-support" } }, data: { approvalLimit: "1.00" } });

    const refused = (await approve("support")) as Response;
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { errors: Record<string, string>; result: string };
    expect(body.result).toBe("not_allowed");
    expect(body.errors.approval).toMatch(/^Sam Rivera may approve up to .*1\.00; this plan costs /);
    expect(effects(emu, shop, order.id).replacementOrders.filter((o) => o.tags.includes(`amends-incident-${incident.id}`))).toHaveLength(0);

    expect(await approve("owner")).toEqual({ errors: {}, result: "resolved" });
    const events = await db().incidentEvent.findMany({ where: { incidentId: incident.id }, orderBy: { at: "asc" } });
    expect(events.find((e) => e.type === "approval_refused")?.actor).toBe("staff:demo-support:Sam Rivera");
    expect(events.filter((e) => e.type === "status").at(-1)?.actor).toBe("staff:demo-owner:Alex Morgan");
  });

  it("two hours after install, approving still reaches Shopify: the expired token is refreshed once", async () => {
    const { shop } = fixture;
    const { order, incident } = await wrongItemAwaitingApproval();
    const refreshes = emu.auth.refreshes(shop);
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    const request = new Request(`http://127.0.0.1/app/incidents/${incident.id}`, {
      method: "POST",
      body: new URLSearchParams({ intent: "approve" }),
    });
    expect(await route.action({ request, params: { id: incident.id }, context: {} })).toEqual({ errors: {}, result: "resolved" });
    expect(emu.auth.refreshes(shop)).toBe(refreshes + 1);
    const replacements = effects(emu, shop, order.id).replacementOrders.filter((o) => o.tags.includes(`amends-incident-${incident.id}`));
    expect(replacements).toHaveLength(1);
  });

  it("when Shopify refuses to refresh the shop's access, the page says so and nothing is done", async () => {
    const { shop } = fixture;
    const { db } = await import("../../app/db.server");
    const { order, incident } = await wrongItemAwaitingApproval();
    // The merchant uninstalled and Shopify revoked the refresh token (here: one it never issued).
    await db().session.update({ where: { id: `offline_${shop}` }, data: { refreshToken: "shprt_revoked" } });
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    const request = new Request(`http://127.0.0.1/app/incidents/${incident.id}`, {
      method: "POST",
      body: new URLSearchParams({ intent: "approve" }),
    });
    const response = (await route.action({ request, params: { id: incident.id }, context: {} })) as Response;
    expect(response.status).toBe(502);
    const body = (await response.json()) as { errors: { shopify?: string }; result: string };
    expect(body.result).toBe("unreachable");
    expect(body.errors.shopify).toBe(
      "access token: Shopify refused to refresh it (HTTP 400 invalid_grant): open Amends from Shopify admin to reconnect it",
    );
    expect((await db().incident.findUniqueOrThrow({ where: { id: incident.id } })).status).toBe("awaiting_approval");
    expect(effects(emu, shop, order.id).replacementOrders.filter((o) => o.tags.includes(`amends-incident-${incident.id}`))).toEqual([]);
  });

  it("answers 404 for an incident of another shop", async () => {
    await expect(
      route.loader({ request: new Request("http://127.0.0.1/app/incidents/nope"), params: { id: "nope" }, context: {} }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
