// The merchant's own plan (app/remediation/policy/choice.ts) carried out by the engine against
// the emulator: a partial refund moves exactly the chosen amount; asking for the item back opens
// one Shopify return (returnCreate, reason WRONG_ITEM) for the shipped units, alongside a
// replacement, and a run that died after Shopify made it finds that return instead of opening
// a second one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { remediate } from "../../app/remediation/engine/index.server";
import type { MerchantChoice } from "../../app/remediation/policy";
import type { RunningEmulator } from "../shopify-emulator";
import { movableClock, startEmulator } from "../shopify-emulator";
import { databaseFor, testDatabases } from "../support/databases";
import { byOwner } from "../support/staff";
import type { Fixture } from "./support";
import { clearRemediationShop, clientFactory, dyingAfter, effects, setUp } from "./support";

let emu: RunningEmulator;
const sqlite = testDatabases()[0];
if (!sqlite) throw new Error("no SQLite test database");
const db: Database = databaseFor(sqlite.url);
const shops: string[] = [];
const clock = movableClock();
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  emu = await startEmulator({ clock });
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  for (const shop of shops.splice(0)) await clearRemediationShop(db, shop);
});

async function fixture(options: Parameters<typeof setUp>[2] = {}): Promise<Fixture> {
  const f = await setUp(db, emu, { kind: "wrong_item", status: "awaiting_approval", ...options });
  shops.push(f.shop);
  f.deps = {
    ...f.deps,
    now: () => new Date(clock.now()),
    sleep: async (ms) => {
      clock.advance(ms);
      await pause(Math.min(ms, 20));
    },
  };
  return f;
}

const approve = (f: Fixture, choice: MerchantChoice) => ({
  shop: f.shop,
  incidentId: f.incidentId,
  ...byOwner,
  choice,
});

describe("the merchant's own plan", () => {
  it("refunds exactly the amount the merchant chose, below what Shopify suggests", async () => {
    const f = await fixture();
    const report = await remediate(f.deps, approve(f, { refund: { amount: "10.00", includeShipping: false }, message: true }));
    expect(report.status).toBe("resolved");
    const { refunds } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    const row = await db.remediation.findFirstOrThrow({ where: { incidentId: f.incidentId, action: "refund" } });
    expect(row).toMatchObject({ status: "succeeded", amount: "10.00", currencyCode: "USD" });
  });

  it("refuses a refund above what is left to refund, and does nothing", async () => {
    const f = await fixture();
    const report = await remediate(f.deps, approve(f, { refund: { amount: "99.00", includeShipping: false }, message: false }));
    expect(report.status).toBe("nothing_to_do");
    expect(report.decision?.reasons).toEqual(["At most $24.00 is left to refund for these items"]);
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(0);
  });

  it("asks for the wrong item back with a replacement: one return, reason WRONG_ITEM, on the timeline", async () => {
    const f = await fixture({ fulfilled: 2 });
    const report = await remediate(f.deps, approve(f, { replacement: true, return: true, message: true }));
    expect(report.status).toBe("resolved");
    const { order, replacementOrders } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(1);
    expect(order.returns).toHaveLength(1);
    expect(order.returns[0]?.status).toBe("OPEN");
    expect(order.returns[0]?.lines.map((l) => [l.quantity, l.returnReason])).toEqual([[2, "WRONG_ITEM"]]);
    const events = await db.incidentEvent.findMany({ where: { incidentId: f.incidentId, type: "remedy" } });
    expect(events.map((e) => e.message)).toContain(`Opened return ${order.returns[0]?.name ?? ""} on Shopify for 2 × Blue Mug (wrong item received).`);
  });

  it("does not ask back what has not shipped", async () => {
    const f = await fixture({ fulfilled: 0 });
    const report = await remediate(f.deps, approve(f, { return: true, message: false }));
    expect(report.status).toBe("resolved");
    expect(effects(emu, f.shop, f.order.id).order.returns).toHaveLength(0);
    const row = await db.remediation.findFirstOrThrow({ where: { incidentId: f.incidentId, action: "return" } });
    expect(row.result).toMatchObject({ skipped: "nothing shipped to return" });
  });

  it("after returnCreate's answer was lost, the next run finds the return instead of opening another", async () => {
    const dying = dyingAfter("CreateIncidentReturn");
    const f = await fixture({ fulfilled: 2, fetch: dying.fetch });
    remediate(f.deps, approve(f, { return: true, message: false })).catch(() => {}); // the process "died"
    await dying.died;
    clock.advance(10 * 60_000); // past the lease
    const resumed = await remediate({ ...f.deps, clientFor: clientFactory(db, emu) }, approve(f, { return: true, message: false }));
    expect(resumed.status).toBe("resolved");
    expect(effects(emu, f.shop, f.order.id).order.returns).toHaveLength(1);
    const row = await db.remediation.findFirstOrThrow({ where: { incidentId: f.incidentId, action: "return" } });
    expect(row).toMatchObject({ status: "succeeded" });
  });
});
