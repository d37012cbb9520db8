// The triage inbox's route (app/routes/app._index.tsx) with the app's own database and Admin
// client pointed at the emulator: tabs, search and filters from the page's address, and bulk
// actions carried out by the incident page's own services, reported incident by incident.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type * as InboxRoute from "../app/routes/app._index";
import type { Database } from "../app/db.server";
import type { RunningEmulator } from "./shopify-emulator";
import { routeTokenCallsTo, startEmulator } from "./shopify-emulator";
import type { Fixture } from "./remediation/support";
import { effects, setUp } from "./remediation/support";

let emu: RunningEmulator;
let fixture: Fixture;
let route: typeof InboxRoute;
let unroute: () => void;
let db: Database;
const ids: Record<string, string> = {};

async function incident(name: string, data: Partial<Parameters<Database["incident"]["create"]>[0]["data"]>) {
  const row = await db.incident.create({
    data: {
      shop: fixture.shop,
      kind: "damaged",
      orderId: `gid://shopify/Order/${name}`,
      orderName: name,
      lines: [],
      evidence: {},
      responseDeadline: new Date(Date.now() + 86_400_000),
      ...data,
    },
  });
  ids[name] = row.id;
}

beforeAll(async () => {
  emu = await startEmulator({});
  unroute = routeTokenCallsTo(emu.url);
  const { createDatabase } = await import("../app/db.server");
  db = createDatabase(process.env.DATABASE_URL ?? "");
  fixture = await setUp(db, emu, { kind: "wrong_item", status: "awaiting_approval", incident: { customerName: "Ada Lovelace", customerEmail: "ada@example.com" } });
  ids.waiting = fixture.incidentId;
  await incident("#2001", { status: "resolved", customerName: "Bo Diddley" });
  await incident("#2002", { status: "open", source: "phone", customerName: "Cy Twombly", customerEmail: "CY@example.com", responsibleParty: "carrier" });
  await incident("#2003", { status: "open", source: "email", responseDeadline: new Date(Date.now() - 3_600_000), escalatedAt: new Date() });
  await incident("#2004", { status: "remediating" });
  await db.incident.create({
    data: { shop: "someone-else.myshopify.com", kind: "damaged", orderId: "o", orderName: "#9999", lines: [], evidence: {}, responseDeadline: new Date() },
  }).then((row) => (ids.foreign = row.id));
  Object.assign(process.env, {
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: fixture.shop,
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
  });
  route = await import("../app/routes/app._index");
});

afterAll(async () => {
  unroute();
  await emu.close();
  await db.$disconnect();
});

const load = (search = "") => route.loader({ request: new Request(`http://127.0.0.1/app${search}`), params: {}, context: {} });
const orders = (page: Awaited<ReturnType<typeof load>>) => page.page.rows.map((row) => row.orderName).sort();

async function bulk(fields: Record<string, string>, chosen: string[]) {
  const body = new URLSearchParams(fields);
  for (const id of chosen) body.append("ids", id);
  const result = await route.action({ request: new Request("http://127.0.0.1/app?index", { method: "POST", body }), params: {}, context: {} });
  if (result instanceof Response) return { status: result.status, ...((await result.json()) as InboxRoute.BulkResult) };
  return { status: 200, ...result };
}

describe("the triage inbox", () => {
  it("opens on what is still to be worked, with every tab counted", async () => {
    const page = await load();
    expect(page.state.tab).toBe("open");
    expect(orders(page)).toEqual(["#2002", "#2003", "#2004", fixture.order.name].sort());
    expect(page.counts).toEqual({ needs_approval: 1, open: 4, overdue: 1, escalated: 1, resolved: 1, all: 5 });
    expect(orders(await load("?tab=overdue"))).toEqual(["#2003"]);
    expect(orders(await load("?tab=escalated"))).toEqual(["#2003"]);
    expect(orders(await load("?tab=needs_approval"))).toEqual([fixture.order.name]);
  });

  it("searches order names, customers' names and e-mails, whatever their case, and filters by channel and party", async () => {
    expect(orders(await load("?tab=all&q=cy%40EXAMPLE"))).toEqual(["#2002"]);
    expect(orders(await load("?tab=all&q=bo+did"))).toEqual(["#2001"]);
    expect(orders(await load("?tab=all&q=%232003"))).toEqual(["#2003"]);
    expect(orders(await load("?tab=all&channel=phone&channel=email"))).toEqual(["#2002", "#2003"]);
    expect(orders(await load("?tab=all&party=carrier"))).toEqual(["#2002"]);
    expect(orders(await load("?tab=all&owner="))).toHaveLength(5);
  });

  it("refuses a dismissal without a reason, and a bulk action with nothing selected", async () => {
    const noReason = await bulk({ intent: "dismiss", reason: " " }, [ids["#2002"] ?? ""]);
    expect(noReason).toMatchObject({ status: 422, error: "Say why, in a few words" });
    expect(await bulk({ intent: "approve" }, [])).toMatchObject({ status: 422, error: "Select at least one incident" });
    expect((await db.incident.findUniqueOrThrow({ where: { id: ids["#2002"] ?? "" } })).status).toBe("open");
  });

  it("approves through the remediation engine and says which could not be approved, and why", async () => {
    const result = await bulk({ intent: "approve" }, [ids.waiting ?? "", ids["#2001"] ?? "", ids.foreign ?? ""]);
    expect(result.summary).toBe(
      "1 approved; #2001 could not be approved: it is already resolved; An incident could not be approved: it is not in this shop's incidents.",
    );
    expect(effects(emu, fixture.shop, fixture.order.id).replacementOrders).toHaveLength(1);
    const approved = await db.incident.findUniqueOrThrow({ where: { id: ids.waiting ?? "" }, include: { events: true } });
    expect(approved.status).toBe("resolved");
    expect(approved.events.some((event) => event.actor === "staff:demo-owner:Alex Morgan" && event.type === "status")).toBe(true);
    // Approving again does nothing twice.
    const again = await bulk({ intent: "approve" }, [ids.waiting ?? ""]);
    expect(again.summary).toBe(`0 approved; ${fixture.order.name} could not be approved: it is already resolved.`);
    expect(effects(emu, fixture.shop, fixture.order.id).replacementOrders).toHaveLength(1);
    expect((await db.incident.findUniqueOrThrow({ where: { id: ids.foreign ?? "" } })).status).toBe("open");
  });

  it("dismisses with the reason kept on each incident, but not one whose remedy is under way", async () => {
    const result = await bulk({ intent: "dismiss", reason: "Customer found the parcel" }, [ids["#2002"] ?? "", ids["#2004"] ?? ""]);
    expect(result.summary).toBe("1 dismissed; #2004 could not be dismissed: a remedy is being carried out.");
    const dismissed = await db.incident.findUniqueOrThrow({ where: { id: ids["#2002"] ?? "" }, include: { events: true } });
    expect(dismissed).toMatchObject({ status: "dismissed", dismissReason: "Customer found the parcel", activeKey: null });
    expect(dismissed.events.map((event) => [event.actor, event.message])).toContainEqual(["staff:demo-owner:Alex Morgan", "Dismissed: Customer found the parcel"]);
    expect((await db.incident.findUniqueOrThrow({ where: { id: ids["#2004"] ?? "" } })).status).toBe("remediating");
  });

  it("assigns an owner from the shop's staff and sets a root cause, leaving the other fields as they were", async () => {
    const chosen = [ids["#2003"] ?? "", ids["#2004"] ?? ""];
    // The shop's staff (the fixture's owner, and the demo's owner and support agent): owners are
    // picked from them.
    expect((await load()).staff).toEqual(["Ada Store-Owner", "Alex Morgan", "Sam Rivera"]);
    const stranger = await bulk({ intent: "assign_owner", owner: "Sam" }, chosen);
    expect(stranger).toMatchObject({ status: 422, error: "Pick the owner from your staff list" });
    expect((await bulk({ intent: "assign_owner", owner: "Sam Rivera" }, chosen)).summary).toBe("2 assigned.");
    expect((await bulk({ intent: "set_root_cause", rootCause: "carrier_delay" }, chosen)).summary).toBe("2 updated.");
    expect((await bulk({ intent: "assign_owner", owner: "Sam Rivera" }, [ids["#2003"] ?? ""])).summary).toBe("1 assigned; #2003: already assigned to Sam Rivera.");
    const rows = await db.incident.findMany({ where: { id: { in: chosen } }, include: { events: { where: { type: "assigned" } } } });
    for (const row of rows) {
      expect(row).toMatchObject({ owner: "Sam Rivera", rootCause: "carrier_delay", responsibleParty: "unknown" });
      expect(row.events.map((event) => [event.actor, event.message])).toEqual([
        ["staff:demo-owner:Alex Morgan", "Set owner: Sam Rivera."],
        ["staff:demo-owner:Alex Morgan", "Set root cause: carrier delay."],
      ]);
    }
    expect((await load("?tab=all&owner=Sam+Rivera")).owners).toEqual(["Sam Rivera"]);
    expect(orders(await load("?tab=all&owner=Sam+Rivera"))).toEqual(["#2003", "#2004"]);
    const bad = await bulk({ intent: "set_root_cause", rootCause: "gremlins" }, chosen);
    expect(bad).toMatchObject({ status: 422, error: "Pick a root cause from the list" });
  });
});
