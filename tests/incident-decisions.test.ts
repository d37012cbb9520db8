// Deciding on the incident page (app/routes/app.incidents.$id.tsx) against the emulator: the
// merchant changes the remedy, and the confirmation shows exactly what will happen — amounts in
// the shop's currency, the code and its last day, the customer's e-mail — before it happens;
// a refund above what is left is refused field by field; escalation is recorded with its note
// and the page then shows the facts to check; links go into Shopify admin, never raw ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type * as IncidentRoute from "../app/routes/app.incidents.$id";
import type { PreviewAnswer } from "../app/components/incident/RemedyEditor";
import { apologyCode } from "../app/shopify/operations/discount.server";
import type { Fixture } from "./remediation/support";
import { effects, setUp } from "./remediation/support";
import type { RunningEmulator } from "./shopify-emulator";
import { routeTokenCallsTo, startEmulator } from "./shopify-emulator";

let emu: RunningEmulator;
let fixture: Fixture;
let route: typeof IncidentRoute;
let unroute: () => void;

beforeAll(async () => {
  emu = await startEmulator({});
  unroute = routeTokenCallsTo(emu.url);
  const { createDatabase } = await import("../app/db.server");
  fixture = await setUp(createDatabase(process.env.DATABASE_URL ?? ""), emu, {
    kind: "wrong_item",
    status: "awaiting_approval",
    fulfilled: 2,
    incident: { customerEmail: "ada@example.com", customerName: "Ada Lovelace", source: "order_page" },
  });
  Object.assign(process.env, {
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: fixture.shop,
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
  });
  route = await import("../app/routes/app.incidents.$id");
});

afterAll(async () => {
  unroute();
  await emu.close();
});

function post(fields: Record<string, string>) {
  const request = new Request(`http://127.0.0.1/app/incidents/${fixture.incidentId}`, { method: "POST", body: new URLSearchParams(fields) });
  return route.action({ request, params: { id: fixture.incidentId }, context: {} }) as Promise<Response | Record<string, unknown>>;
}

async function json<T>(answer: Response | Record<string, unknown>): Promise<{ status: number; body: T }> {
  if (answer instanceof Response) return { status: answer.status, body: (await answer.json()) as T };
  return { status: 200, body: answer as T };
}

async function page() {
  return route.loader({ request: new Request(`http://127.0.0.1/app/incidents/${fixture.incidentId}`), params: { id: fixture.incidentId }, context: {} });
}

describe("changing the remedy and confirming it", () => {
  it("refuses a refund above what is left to refund, with the field's message, and does nothing", async () => {
    const { status, body } = await json<PreviewAnswer>(await post({ intent: "preview", plan: "custom", remedy_refund: "on", refundAmount: "30.00", remedy_message: "on" }));
    expect(status).toBe(422);
    expect(body.errors).toEqual({ refundAmount: "At most $24.00 is left to refund for these items" });
    expect(effects(emu, fixture.shop, fixture.order.id).refunds).toHaveLength(0);
  });

  it("shows exactly what will happen before it happens: amounts, the code and its day, the e-mails", async () => {
    const { status, body } = await json<PreviewAnswer>(
      await post({
        intent: "preview",
        plan: "custom",
        remedy_refund: "on",
        refundAmount: "10.00",
        remedy_discount: "on",
        discountType: "fixedAmount",
        discountValue: "5",
        discountExpiresInDays: "30",
        remedy_message: "on",
      }),
    );
    expect(status).toBe(200);
    const code = apologyCode(fixture.shop, fixture.incidentId);
    const lines = body.preview?.lines ?? [];
    expect(lines[0]).toBe("Refund $10.00 to the customer's original payment method for 2 × Blue Mug.");
    const offer = new RegExp(`^Create discount code ${code}: \\$5\\.00 off, one use, for this customer only, valid until ([A-Z][a-z]+ \\d+, \\d{4})\\.$`).exec(lines[1] ?? "");
    expect(offer, lines[1]).not.toBeNull();
    // The day 30 days from now, in whichever year that falls (a day either side for the shop's time zone).
    const days = (Date.parse(`${offer![1]} 12:00 UTC`) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(28.5);
    expect(days).toBeLessThan(31.5);
    expect(lines[2]).toBe("E-mail the customer the message below.");
    expect(body.preview?.estimatedCost).toBe("$15.00");
    // The customer reported it: they hear that it was approved, then the apology with the code.
    const messages = body.preview?.messages ?? [];
    expect(messages.map((m) => m.to)).toEqual(["ada@example.com", "ada@example.com"]);
    expect(messages[1]?.text).toContain("a refund of $10.00 for 2 × Blue Mug and a discount code worth $5.00");
    expect(messages[1]?.text).toContain(code);
    // Nothing happened yet.
    expect(effects(emu, fixture.shop, fixture.order.id).refunds).toHaveLength(0);
    expect(effects(emu, fixture.shop, fixture.order.id).discounts).toHaveLength(0);
  });
});

describe("escalation", () => {
  it("asks why, then records it on the timeline and shows the facts to check", async () => {
    const refused = await json<{ errors: Record<string, string> }>(await post({ intent: "escalate", note: "" }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual({ note: "Say why it is escalated, in a few words" });

    const done = await json<{ result: string }>(await post({ intent: "escalate", note: "Threatens a TikTok video" }));
    expect(done.body.result).toBe("escalated");
    const again = await json<{ result: string }>(await post({ intent: "escalate", note: "Twice" }));
    expect(again.body.result).toBe("unchanged");

    const loaded = await page();
    expect(loaded.escalation.note).toBe("Threatens a TikTok video");
    expect(loaded.escalation.facts?.ourError).toBe("Not known yet: no responsible party is set.");
    expect(loaded.escalation.facts?.offeredBefore).toEqual([]);
    expect(loaded.escalation.facts?.claimRate).toBe("1 claim on 1 order (100%)");
    expect(loaded.escalation.orders).toBe(1);
    expect(loaded.escalation.totalSpent).toBe("$37.00");
    const events = loaded.incident.events.filter((e) => e.type === "escalated");
    expect(events.map((e) => e.message)).toEqual(["Marked escalated: Threatens a TikTok video"]);
  });
});

describe("links into Shopify admin", () => {
  it("opens the order and the customer in admin, by plain URL in demo mode", async () => {
    const loaded = await page();
    const handle = fixture.shop.replace(".myshopify.com", "");
    const orderNumber = fixture.order.id.split("/").pop() ?? "";
    expect(loaded.links.order).toBe(`https://admin.shopify.com/store/${handle}/orders/${orderNumber}`);
    expect(loaded.links.customer).toBe(`https://admin.shopify.com/store/${handle}/customers/${fixture.customerId.split("/").pop() ?? ""}`);
  });
});

describe("approving the merchant's plan", () => {
  it("asks for the item back with a replacement: the return and the replacement are on the timeline and linked", async () => {
    const { body } = await json<{ result: string }>(await post({ intent: "approve", plan: "custom", remedy_replacement: "on", remedy_return: "on", remedy_message: "on" }));
    expect(body.result).toBe("resolved");
    const { order, replacementOrders } = effects(emu, fixture.shop, fixture.order.id);
    expect(order.returns.map((r) => r.lines.map((l) => l.returnReason))).toEqual([["WRONG_ITEM"]]);
    const loaded = await page();
    expect(loaded.links.replacement?.name).toBe(replacementOrders[0]?.name);
    expect(loaded.links.return?.name).toBe(order.returns[0]?.name);
    expect(loaded.incident.events.map((e) => e.message)).toContain(`Opened return ${order.returns[0]?.name ?? ""} on Shopify for 2 × Blue Mug (wrong item received).`);
    // The escalation's facts now say what was done after it, not before.
    expect(loaded.escalation.facts?.offeredBefore).toEqual([]);
  });
});
