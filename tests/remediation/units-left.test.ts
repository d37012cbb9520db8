// Remedies for units already settled, through the engine and the emulator: a refund or a
// replacement is never proposed nor made for units Shopify has refunded or Amends has replaced,
// also when that happens after the plan was made; a stock-out that takes the whole order gives
// the shipping back too.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { activeKey } from "../../app/models/incident.server";
import { remediate } from "../../app/remediation/engine/index.server";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import { databaseFor, testDatabases } from "../support/databases";
import type { Fixture } from "./support";
import { byOwner } from "../support/staff";
import { clearRemediationShop, effects, setUp } from "./support";

let emu: RunningEmulator;
const sqlite = testDatabases()[0];
if (!sqlite) throw new Error("no SQLite test database");
const db: Database = databaseFor(sqlite.url);
const shops: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ bucket: { maximumAvailable: 2000, restoreRate: 100 } });
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  for (const shop of shops.splice(0)) await clearRemediationShop(db, shop);
});

async function fixture(options: Parameters<typeof setUp>[2] = {}): Promise<Fixture> {
  const f = await setUp(db, emu, options);
  shops.push(f.shop);
  return f;
}

const approve = (f: Fixture, incidentId = f.incidentId) => ({
  shop: f.shop,
  incidentId,
  ...byOwner,
});

/** The merchant refunds `quantity` mugs ($12.00 each) in Shopify admin. */
function refundMugs(f: Fixture, quantity: number) {
  const mug = f.order.lineItems[0];
  const sale = emu.store.order(f.shop, f.order.id).transactions.find((t) => t.kind === "SALE");
  if (!mug || !sale) throw new Error("seed");
  const result = emu.store.createRefund(
    f.shop,
    {
      orderId: f.order.id,
      note: "Refunded by the merchant",
      refundLineItems: [{ lineItemId: mug.id, quantity, restockType: "NO_RESTOCK" }],
      transactions: [
        {
          amount: (12 * quantity).toFixed(2),
          gateway: sale.gateway,
          kind: "REFUND",
          orderId: f.order.id,
          parentId: sale.id,
        },
      ],
    },
    { silent: true },
  );
  if (!("refund" in result)) throw new Error(JSON.stringify(result.userErrors));
}

async function decisions(incidentId: string) {
  const events = await db.incidentEvent.findMany({
    where: { incidentId, type: "decision" },
    orderBy: { at: "asc" },
  });
  return events.map(
    (e) => e.data as { flags: string[]; reasons: string[]; remedies: { type: string }[] },
  );
}

describe("units already refunded or replaced", () => {
  it("a wrong item Shopify already refunded in full gets an apology, no replacement", async () => {
    const f = await fixture({ kind: "wrong_item", fulfilled: 2, status: "awaiting_approval" });
    refundMugs(f, 2);
    const report = await remediate(f.deps, approve(f));
    expect(report.status).toBe("resolved");
    expect(report.remedies.map((r) => r.action)).toEqual(["message"]);
    const { replacementOrders, drafts, refunds } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(0);
    expect(drafts).toHaveLength(0);
    expect(refunds).toHaveLength(1); // the merchant's own
    const [decision] = await decisions(f.incidentId);
    expect(decision?.remedies.map((r) => r.type)).toEqual(["message"]);
    expect(decision?.reasons).toContain(
      "Blue Mug: 2 of 2 already refunded, so nothing is left to refund or replace.",
    );
    expect(report.message).not.toMatch(/replacement/i);
  });

  it("a partly refunded line is replaced for the remainder only", async () => {
    const f = await fixture({ kind: "wrong_item", fulfilled: 2, status: "awaiting_approval" });
    refundMugs(f, 1);
    const report = await remediate(f.deps, approve(f));
    expect(report.status).toBe("resolved");
    const { replacementOrders } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(1);
    expect(replacementOrders[0]?.lineItems.map((l) => [l.title, l.quantity])).toEqual([
      ["Blue Mug", 1],
    ]);
    const row = await db.remediation.findFirstOrThrow({
      where: { incidentId: f.incidentId, action: "replacement" },
    });
    expect(row).toMatchObject({ status: "succeeded", amount: "12.00", currencyCode: "USD" });
  });

  it("a stale plan cannot pay twice: a refund made after the plan leaves nothing to replace", async () => {
    let refunded = false;
    const racer: { f?: Fixture } = {};
    // The merchant refunds the mugs in Shopify right after Amends read the order to plan.
    const racing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = typeof init?.body === "string" ? init.body : "";
      if (!refunded && racer.f && body.includes("query OrderForRemediation")) {
        await response.clone().text();
        refunded = true;
        refundMugs(racer.f, 2);
      }
      return response;
    };
    const f = (racer.f = await fixture({
      kind: "wrong_item",
      fulfilled: 2,
      status: "awaiting_approval",
      fetch: racing,
    }));
    const report = await remediate(f.deps, approve(f));
    expect(refunded).toBe(true);
    // The plan still had the replacement; the step found nothing left.
    expect((await decisions(f.incidentId))[0]?.remedies.map((r) => r.type)).toEqual([
      "message",
      "replacement",
    ]);
    expect(report.status).toBe("resolved");
    const { replacementOrders, drafts } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(0);
    expect(drafts).toHaveLength(0);
    expect(report.remedies.find((r) => r.action === "replacement")?.result).toMatchObject({
      skipped: "nothing left to replace",
    });
    expect(report.message).not.toMatch(/replacement/i);
    // The timeline does not claim the skipped replacement was applied.
    const resolved = await db.incidentEvent.findFirstOrThrow({ where: { incidentId: f.incidentId, message: { startsWith: "Resolved" } } });
    expect(resolved.message).toBe("Resolved: every remedy still needed was applied; no longer needed: replacement.");
  });

  it("units another incident already replaced are not replaced again", async () => {
    const f = await fixture({ kind: "wrong_item", fulfilled: 2, status: "awaiting_approval" });
    expect((await remediate(f.deps, approve(f))).status).toBe("resolved");
    const missing = await db.incident.create({
      data: {
        shop: f.shop,
        kind: "missing_item",
        status: "awaiting_approval",
        activeKey: activeKey(f.shop, f.order.id, "missing_item"),
        orderId: f.order.id,
        orderName: f.order.name,
        customerId: f.customerId,
        lines: [{ lineItemId: f.order.lineItems[0]?.id ?? "", quantity: 2 }],
        evidence: {},
        responseDeadline: new Date(Date.now() + 86_400_000),
      },
    });
    const report = await remediate(f.deps, approve(f, missing.id));
    expect(report.remedies.map((r) => r.action)).toEqual(["message"]);
    expect(effects(emu, f.shop, f.order.id).replacementOrders).toHaveLength(1);
    expect((await decisions(missing.id))[0]?.reasons).toContain(
      "Blue Mug: 2 of 2 already replaced, so nothing is left to refund or replace.",
    );
  });
});

describe("a stock-out that takes the whole order", () => {
  it("refunds the items and the shipping", async () => {
    const f = await fixture();
    // The merchant cancelled the order for inventory in Shopify, without refunding it.
    const cancelled = emu.store.cancelOrder(
      f.shop,
      { orderId: f.order.id, reason: "INVENTORY", restock: true, refund: false },
      { silent: true },
    );
    if (!("job" in cancelled)) throw new Error("cancel");
    emu.store.completeAllJobs(f.shop);
    await db.incident.update({
      where: { id: f.incidentId },
      data: { lines: f.order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })) },
    });
    const report = await remediate(f.deps, {
      shop: f.shop,
      incidentId: f.incidentId,
      trigger: "automatic",
      actor: "rule:policy",
    });
    expect(report.status).toBe("resolved");
    const { order, refunds } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.shippingCents).toBe(500);
    // 2 × $12.00 + $8.00 + $5.00 shipping.
    expect(order.transactions.filter((t) => t.kind === "REFUND").map((t) => t.amountCents)).toEqual(
      [3700],
    );
    expect(report.message).toContain("shipping");
  });

  it("a partial stock-out keeps the shipping", async () => {
    const f = await fixture();
    const report = await remediate(f.deps, {
      shop: f.shop,
      incidentId: f.incidentId,
      trigger: "automatic",
      actor: "rule:policy",
    });
    expect(report.status).toBe("resolved");
    const { refunds } = effects(emu, f.shop, f.order.id);
    expect(refunds.map((r) => r.shippingCents)).toEqual([0]);
  });
});
