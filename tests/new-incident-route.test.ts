// New incident (app/routes/app.incidents.new.tsx) against the emulator: a staff member finds
// the order by its name or the customer's e-mail (told plainly when Shopify's search has not
// caught up with a new order), records a phone complaint in the customer's words, and the
// incident takes the customer's report path: the channel as its source, the items, the words
// on its page, the staff member as who recorded it, and the policy's decision on its timeline.
// Bad input is refused field by field; an order of another shop cannot be used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type * as NewIncidentRoute from "../app/routes/app.incidents.new";
import type * as IncidentRoute from "../app/routes/app.incidents.$id";
import type { Database } from "../app/db.server";
import type { Fixture } from "./remediation/support";
import { setUp } from "./remediation/support";
import type { OrderRecord, RunningEmulator } from "./shopify-emulator";
import { DEFAULT_SEARCH_LAG_MS, movableClock, routeTokenCallsTo, startEmulator } from "./shopify-emulator";

const clock = movableClock();
let emu: RunningEmulator;
let fixture: Fixture;
let database: Database;
let route: typeof NewIncidentRoute;
let incidentRoute: typeof IncidentRoute;
let unroute: () => void;
let order: OrderRecord;
let foreignOrder: OrderRecord;
let staffActor: string;

beforeAll(async () => {
  emu = await startEmulator({ clock });
  unroute = routeTokenCallsTo(emu.url);
  const { createDatabase } = await import("../app/db.server");
  database = createDatabase(process.env.DATABASE_URL ?? "");
  fixture = await setUp(database, emu, { kind: "late_fulfilment" });
  Object.assign(process.env, {
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: fixture.shop,
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
  });
  const product = emu.store.addProduct(fixture.shop, { title: "Teapot", variants: [{ price: "30.00", sku: "POT-1", available: 5 }] });
  const grace = emu.store.addCustomer(fixture.shop, { firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
  order = emu.store.addOrder(fixture.shop, { customerId: grace.id, lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 3 }] }, { silent: true });
  const other = `other-${fixture.shop}`;
  emu.store.createShop({ domain: other, currencyCode: "EUR", ianaTimezone: "Europe/Paris" });
  const theirs = emu.store.addProduct(other, { title: "Vase", variants: [{ price: "20.00", available: 5 }] });
  foreignOrder = emu.store.addOrder(other, { lineItems: [{ variantId: theirs.variantIds[0] ?? "", quantity: 1 }] }, { silent: true });
  route = await import("../app/routes/app.incidents.new");
  incidentRoute = await import("../app/routes/app.incidents.$id");
  const { requireAdmin } = await import("../app/admin-auth.server");
  staffActor = (await requireAdmin(new Request("http://127.0.0.1/app/incidents/new"))).actor;
});

afterAll(async () => {
  unroute();
  await emu.close();
});

function find(q: string) {
  const request = new Request(`http://127.0.0.1/app/incidents/new?q=${encodeURIComponent(q)}`);
  return route.loader({ request, params: {}, context: {} });
}

async function post(fields: Record<string, string>) {
  const request = new Request("http://127.0.0.1/app/incidents/new", { method: "POST", body: new URLSearchParams(fields) });
  const answer = (await route.action({ request, params: {}, context: {} })) as Response;
  return answer;
}

const mugLine = () => order.lineItems[0]?.id ?? "";

describe("finding the order", () => {
  it("says plainly that Shopify may not find a just-placed order yet, then finds it by name", async () => {
    const early = await find(order.name);
    expect(early.found).toEqual([]);
    expect(early.order).toBeNull();
    expect(early.notice).toBe(`No order matches “${order.name}”. Shopify may take a few seconds to find a new order; try again.`);

    clock.advance(DEFAULT_SEARCH_LAG_MS + 1);
    const found = await find(order.name);
    expect(found.notice).toBeNull();
    expect(found.found.map((o) => o.id)).toEqual([order.id]);
    expect(found.order?.lines).toEqual([{ lineItemId: mugLine(), title: "Teapot", variantTitle: null, quantity: 3 }]);
    expect((await find(order.name.replace("#", ""))).order?.id).toBe(order.id);
  });

  it("finds it by the customer's e-mail and by their name", async () => {
    expect((await find("grace@example.com")).found.map((o) => o.id)).toEqual([order.id]);
    expect((await find("Grace Hopper")).found.map((o) => o.id)).toEqual([order.id]);
  });

  it("does not open another shop's order", async () => {
    const request = new Request(`http://127.0.0.1/app/incidents/new?order=${encodeURIComponent(foreignOrder.id)}`);
    const page = await route.loader({ request, params: {}, context: {} });
    expect(page.order).toBeNull();
    expect(page.notice).toBe("That order is not in your store. Search for it again.");
  });
});

describe("recording a complaint", () => {
  it("refuses bad input field by field, in the merchant's words, and records nothing", async () => {
    const answer = await post({ orderId: order.id, channel: "", kind: "nonsense", words: "  ", [`quantity.${mugLine()}`]: "4" });
    expect(answer.status).toBe(422);
    const { errors } = (await answer.json()) as { errors: Record<string, string> };
    expect(errors).toEqual({
      channel: "Pick how the customer got in touch",
      kind: "Pick what went wrong",
      words: "Write down what the customer said",
      [`quantity.${mugLine()}`]: "The order has 3 of Teapot",
    });
    const missingItems = await post({ orderId: order.id, channel: "phone", kind: "damaged", words: "Broken" });
    expect(((await missingItems.json()) as { errors: Record<string, string> }).errors).toEqual({ lines: "Say which items, and how many" });
    expect(await database.incident.count({ where: { shop: fixture.shop, orderId: order.id } })).toBe(0);
  });

  it("refuses an order of another shop", async () => {
    const answer = await post({ orderId: foreignOrder.id, channel: "email", kind: "lost", words: "Never came" });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { errors: Record<string, string> }).errors).toEqual({ orderId: "That order is not in your store. Search for it again." });
    expect(await database.incident.count({ where: { orderId: foreignOrder.id } })).toBe(0);
  });

  it("creates a phone incident in the customer's words, by the staff member, put to the policy", async () => {
    const words = "Two of the teapots arrived cracked, the box was crushed.";
    const answer = await post({ orderId: order.id, channel: "phone", kind: "damaged", words, [`quantity.${mugLine()}`]: "2" });
    expect(answer.status).toBe(302);
    const id = /\/app\/incidents\/([^?]+)$/.exec(answer.headers.get("Location") ?? "")?.[1] ?? "";
    const incident = await database.incident.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { at: "asc" } } } });
    expect(incident).toMatchObject({ shop: fixture.shop, orderId: order.id, kind: "damaged", source: "phone", customerEmail: "grace@example.com", customerName: "Grace Hopper" });
    expect(incident.lines).toEqual([{ lineItemId: mugLine(), quantity: 2 }]);
    expect(incident.events[0]).toMatchObject({ type: "opened", actor: staffActor });
    expect(staffActor).toMatch(/^staff:/);
    expect(incident.events.some((event) => event.type === "decision")).toBe(true);
    // The default policy leaves a damaged-item claim to the merchant: awaiting approval.
    expect(incident.status).toBe("awaiting_approval");

    const page = await incidentRoute.loader({ request: new Request(`http://127.0.0.1/app/incidents/${id}`), params: { id }, context: {} });
    expect(page.incident.customerWords.map((said) => ({ text: said.text, channel: said.channel }))).toEqual([{ text: words, channel: "phone" }]);
  });

  it("joins the open incident's timeline when the same problem is reported again", async () => {
    const first = await database.incident.findFirstOrThrow({ where: { shop: fixture.shop, orderId: order.id, kind: "damaged" } });
    const answer = await post({ orderId: order.id, channel: "email", kind: "damaged", words: "Also the lid.", [`quantity.${mugLine()}`]: "1" });
    const location = answer.headers.get("Location") ?? "";
    expect(first.status).toBe("awaiting_approval");
    expect(location).toBe(`/app/incidents/${first.id}?joined=1`);
    const joined = await database.incidentEvent.findMany({ where: { incidentId: first.id, type: "customer_report" } });
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ actor: staffActor, message: "The customer says (e-mail): “Also the lid.”" });
    expect(await database.incident.count({ where: { shop: fixture.shop, orderId: order.id, kind: "damaged" } })).toBe(1);
  });
});
