// Who may approve: two staff members of one shop against the Admin API emulator. The owner
// may approve anything; the support agent only plans within their limit, in the shop's
// currency; someone the merchant has not allowed, nothing that moves money. The check is in
// the approval service (remediate), so no page or script can go around it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { describeActor } from "../../app/incidents/staff";
import { approvalRight, listStaff, recordStaffMember } from "../../app/models/staff.server";
import { remediate } from "../../app/remediation/engine/index.server";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import { databaseFor, testDatabases } from "../support/databases";
import { OWNER, SUPPORT, staffOf } from "../support/staff";
import type { Fixture } from "./support";
import { clearRemediationShop, effects, setUp } from "./support";

let emu: RunningEmulator;
const sqlite = testDatabases()[0];
if (!sqlite) throw new Error("no SQLite test database");
const db: Database = databaseFor(sqlite.url);
const shops: string[] = [];

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  for (const shop of shops.splice(0)) {
    await db.staffMember.deleteMany({ where: { shop } });
    await clearRemediationShop(db, shop);
  }
});

/** A damaged-goods incident waiting for approval; its refund alternative is 2 mugs, $24.00. */
async function waiting(): Promise<Fixture> {
  const f = await setUp(db, emu, { kind: "damaged", fulfilled: 2 });
  shops.push(f.shop);
  const report = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, trigger: "automatic", actor: "rule:policy" });
  expect(report.status).toBe("awaiting_approval");
  return f;
}

async function timeline(incidentId: string) {
  return db.incidentEvent.findMany({ where: { incidentId }, orderBy: { at: "asc" } });
}

describe("approval limits", () => {
  it("refuses the support agent above their limit, records it, and lets the owner approve", async () => {
    const f = await waiting();
    const support = await staffOf(db, f.shop, SUPPORT, { canApprove: true, approvalLimit: "20.00" });

    const refused = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...support, option: 1 });
    expect(refused.status).toBe("not_allowed");
    expect(refused.refusal).toBe("Sam Support may approve up to $20.00; this plan costs $24.00.");
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(0);
    expect(await db.remediation.count({ where: { incidentId: f.incidentId } })).toBe(0);
    let incident = await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(incident.status).toBe("awaiting_approval");
    const refusal = (await timeline(f.incidentId)).find((e) => e.type === "approval_refused");
    expect(refusal?.actor).toBe(support.actor);
    expect(describeActor(refusal?.actor ?? "")).toBe("Sam Support");
    expect(refusal?.message).toContain("It waits for a staff member who may approve it.");

    const owner = await staffOf(db, f.shop, OWNER);
    const approved = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...owner, option: 1 });
    expect(approved.status).toBe("resolved");
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(1);
    incident = await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(incident.status).toBe("resolved");
    const remedy = (await timeline(f.incidentId)).find((e) => e.type === "remedy");
    expect(describeActor(remedy?.actor ?? "")).toBe("Ada Store-Owner");
  });

  it("lets the support agent approve a plan within their limit (the limit itself included)", async () => {
    const f = await waiting();
    const support = await staffOf(db, f.shop, SUPPORT, { canApprove: true, approvalLimit: "24.00" });
    const approved = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...support, option: 1 });
    expect(approved.status).toBe("resolved");
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(1);
  });

  it("refuses a staff member the merchant has not allowed, and one Amends has never seen", async () => {
    const f = await waiting();
    // First seen as Shopify names them: a staff member who is not the owner may approve nothing.
    const newcomer = await staffOf(db, f.shop, SUPPORT);
    expect(await approvalRight(db, f.shop, SUPPORT.id)).toEqual({ canApprove: false, approvalLimit: null });
    const refused = await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...newcomer });
    expect(refused.status).toBe("not_allowed");
    expect(refused.refusal).toBe("Sam Support is not allowed to approve refunds, replacements, cancellations or discount codes.");

    const stranger = { trigger: "merchant" as const, staff: { id: "9999", name: "Someone" }, actor: "staff:9999:Someone" };
    expect((await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...stranger })).status).toBe("not_allowed");
    expect(effects(emu, f.shop, f.order.id).replacementOrders).toHaveLength(0);
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(0);
  });

  it("a refused approval of an open incident leaves it waiting for approval", async () => {
    const f = await setUp(db, emu, { kind: "damaged", fulfilled: 2 });
    shops.push(f.shop);
    const support = await staffOf(db, f.shop, SUPPORT, { canApprove: true, approvalLimit: "5.00" });
    expect((await remediate(f.deps, { shop: f.shop, incidentId: f.incidentId, ...support })).status).toBe("not_allowed");
    expect((await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } })).status).toBe("awaiting_approval");
  });

  it("keeps the merchant's rights when Shopify's name or e-mail for a staff member changes", async () => {
    const f = await waiting();
    await staffOf(db, f.shop, SUPPORT, { canApprove: true, approvalLimit: "50.00" });
    await recordStaffMember(db, f.shop, { ...SUPPORT, name: "Sam Renamed", email: "sam@new.example" });
    const [owner, support] = await listStaff(db, f.shop);
    expect(owner).toMatchObject({ id: OWNER.id, accountOwner: true, canApprove: true, approvalLimit: null });
    expect(support).toMatchObject({ id: SUPPORT.id, name: "Sam Renamed", email: "sam@new.example", canApprove: true, approvalLimit: "50.00" });
  });
});
