// The remediation engine against the Admin API emulator: each remedy's effect, the decision
// paths, and exactly-once under THROTTLED storms, 5xx, lost answers, concurrent approvals,
// a crash between Shopify's answer and Amends' write, and leases that run out or are renewed.
// Search lags behind writes as on Shopify; the engine's waits move the shared clock instead of
// sleeping. Every test ends by counting effects in the emulator's store.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { logger } from "../../app/logger.server";
import { registry } from "../../app/metrics.server";
import { AutoRemediator } from "../../app/remediation/auto.server";
import { remediate } from "../../app/remediation/engine/index.server";
import { DEFAULT_POLICY } from "../../app/remediation/policy";
import type { RemediationPolicy } from "../../app/remediation/policy";
import { apologyCode } from "../../app/shopify/operations/discount.server";
import type { RunningEmulator } from "../shopify-emulator";
import { DEFAULT_CANCEL_JOB_MS, DEFAULT_SEARCH_LAG_MS, movableClock, startEmulator } from "../shopify-emulator";
import { databaseFor, testDatabases } from "../support/databases";
import type { Fixture } from "./support";
import { byOwner } from "../support/staff";
import { clearRemediationShop, clientFactory, dyingAfter, effects, holdingBefore, setUp } from "./support";

let emu: RunningEmulator;
const sqlite = testDatabases()[0];
if (!sqlite) throw new Error("no SQLite test database");
const db: Database = databaseFor(sqlite.url);
const shops: string[] = [];

const clock = movableClock();
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  emu = await startEmulator({ clock, bucket: { maximumAvailable: 2000, restoreRate: 100 } });
  expect(emu.search.lagMs).toBe(DEFAULT_SEARCH_LAG_MS); // Shopify's lag, on in every test here
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  emu.faults.clear();
  for (const shop of shops.splice(0)) await clearRemediationShop(db, shop);
});

async function fixture(options: Parameters<typeof setUp>[2] = {}, database: Database = db): Promise<Fixture> {
  const f = await setUp(database, emu, options);
  shops.push(f.shop);
  // The engine's clock is the emulator's: its waits (for a job, for search to catch up) pass
  // there too, in a few real milliseconds.
  f.deps = {
    ...f.deps,
    now: () => new Date(clock.now()),
    sleep: async (ms) => {
      clock.advance(ms);
      await pause(Math.min(ms, 20));
    },
    // Shopify's cancellation job runs for seconds (DEFAULT_CANCEL_JOB_MS): polled twice a second.
    jobPollIntervalMs: 500,
  };
  return f;
}

const automatic = (f: Fixture) => ({ shop: f.shop, incidentId: f.incidentId, trigger: "automatic" as const, actor: "rule:stock_out" });
const merchant = (f: Fixture, option?: number) => ({
  shop: f.shop,
  incidentId: f.incidentId,
  ...byOwner,
  ...(option === undefined ? {} : { option }),
});

function withKind(kind: keyof RemediationPolicy["kinds"], patch: Partial<NonNullable<RemediationPolicy["kinds"][typeof kind]>>): RemediationPolicy {
  const policy = structuredClone(DEFAULT_POLICY);
  const base = policy.kinds[kind];
  if (!base) throw new Error(`no default for ${kind}`);
  policy.kinds[kind] = { ...base, ...patch };
  return policy;
}

async function metricValues() {
  const metrics = await registry.getMetricsAsJSON();
  const value = (name: string, labels: Record<string, string>) =>
    metrics
      .find((m) => m.name === name)
      ?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  return {
    refunds: value("amends_remediations_total", { action: "refund", outcome: "succeeded" }),
    codes: value("amends_remediations_total", { action: "discount_code", outcome: "succeeded" }),
    refundedUsd: value("amends_money_refunded_total", { currency: "USD" }),
  };
}

async function timeline(incidentId: string) {
  return db.incidentEvent.findMany({ where: { incidentId }, orderBy: { at: "asc" } });
}

describe("remedies on Shopify", () => {
  it("a stock-out is refunded (cancelling the unshipped units), gets a code, a note and an apology", async () => {
    const f = await fixture();
    const before = await metricValues();
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    expect(report.remedies.map((r) => [r.action, r.status])).toEqual([
      ["refund", "succeeded"],
      ["discount_code", "succeeded"],
      ["annotate", "succeeded"],
      ["message", "succeeded"],
    ]);

    const { refunds, discounts, order } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.lineItems.map((l) => [l.quantity, l.restockType])).toEqual([[2, "CANCEL"]]);
    expect(refunds[0]?.note).toContain(f.incidentId);
    expect(order.transactions.filter((t) => t.kind === "REFUND").map((t) => t.amountCents)).toEqual([2400]);

    expect(discounts).toHaveLength(1);
    const code = apologyCode(f.shop, f.incidentId);
    expect(discounts[0]).toMatchObject({ code, usageLimit: 1, appliesOncePerCustomer: true, customerIds: [f.customerId] });
    expect(discounts[0]?.value).toEqual({ kind: "percentage", percentage: 0.1 });

    expect(order.tags).toEqual(expect.arrayContaining(["amends", "amends-remediated"]));
    expect(order.note).toContain(`[amends:${f.incidentId}]`);

    expect(report.message).toContain("Hi Ada,");
    expect(report.message).toContain(code);
    expect(report.message).toContain(order.name);

    const rows = await db.remediation.findMany({ where: { incidentId: f.incidentId } });
    expect(rows.every((r) => r.status === "succeeded")).toBe(true);
    const refundRow = rows.find((r) => r.action === "refund");
    expect(refundRow).toMatchObject({ shopifyId: refunds[0]?.id, amount: "24.00", currencyCode: "USD" });

    // /metrics: remediations by action and outcome, and the money refunded.
    const after = await metricValues();
    expect(after.refunds - before.refunds).toBe(1);
    expect(after.codes - before.codes).toBe(1);
    expect(after.refundedUsd - before.refundedUsd).toBeCloseTo(24, 2);
    expect(rows.find((r) => r.action === "message")?.result).toMatchObject({ message: report.message });

    const events = await timeline(f.incidentId);
    // The fixture's customer has no e-mail address: the outbox says so rather than dropping the apology.
    expect(events.map((e) => e.type)).toEqual(["decision", "status", "remedy", "remedy", "remedy", "message", "email_failed", "remedy", "status"]);
    expect(events.filter((e) => e.type === "remedy").every((e) => e.actor === "rule:stock_out")).toBe(true);
    const incident = await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(incident).toMatchObject({ status: "resolved", activeKey: null });

    // Running it again changes nothing.
    expect((await remediate(f.deps, merchant(f))).status).toBe("closed");
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(1);
  });

  it("refunds shipped units with RETURN, or NO_RESTOCK when the goods are gone", async () => {
    const policy = withKind("damaged", { mode: "automatic", remedies: [{ type: "refund", scope: "affected_items", includeShipping: "always" }] });
    const f = await fixture({ kind: "damaged", fulfilled: 1, policy });
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const { refunds } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.lineItems.map((l) => [l.quantity, l.restockType])).toEqual([
      [1, "CANCEL"],
      [1, "NO_RESTOCK"],
    ]);
    expect(refunds[0]?.shippingCents).toBe(500);
    expect(report.remedies[0]?.amount).toBe("29.00");
  });

  it("a manual kind waits for approval; the merchant's approval creates one free replacement", async () => {
    const f = await fixture({ kind: "damaged", fulfilled: 2 });
    const waiting = await remediate(f.deps, automatic(f));
    expect(waiting.status).toBe("awaiting_approval");
    expect(waiting.decision?.flags).toContain("manual_mode");
    let incident = await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(incident.status).toBe("awaiting_approval");
    expect(await db.remediation.count({ where: { incidentId: f.incidentId } })).toBe(0);
    // Another automatic pass neither re-asks nor acts.
    expect((await remediate(f.deps, automatic(f))).status).toBe("awaiting_approval");

    const approved = await remediate(f.deps, merchant(f));
    expect(approved.status).toBe("resolved");
    const { replacementOrders, refunds } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(0);
    expect(replacementOrders).toHaveLength(1);
    const replacement = replacementOrders[0];
    expect(replacement?.tags).toEqual(["amends", `amends-incident-${f.incidentId}`]);
    expect(replacement?.note).toContain(f.order.name);
    expect(replacement?.lineItems.map((l) => [l.title, l.quantity])).toEqual([["Blue Mug", 2]]);
    expect(replacement?.shippingAddress?.address1).toBe("1 Analytical Way");
    expect(replacement?.customerId).toBe(f.customerId);
    expect(replacement?.discountCents).toBe(2400);
    expect(replacement?.shippingLines[0]?.priceCents).toBe(0);
    incident = await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(incident.status).toBe("resolved");
    const status = (await timeline(f.incidentId)).filter((e) => e.type === "status").map((e) => e.actor);
    expect(status).toEqual(["rule:stock_out", byOwner.actor, byOwner.actor]);
  });

  it("the merchant can pick the alternative plan (a refund instead of a replacement)", async () => {
    const f = await fixture({ kind: "damaged", fulfilled: 2 });
    const report = await remediate(f.deps, merchant(f, 1));
    expect(report.status).toBe("resolved");
    const { replacementOrders, refunds } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(0);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.lineItems.map((l) => l.restockType)).toEqual(["NO_RESTOCK"]);
  });

  it("cancels a stock-out order that cannot be filled: restocked, refunded, through the job", async () => {
    const policy = withKind("stock_out_cancellation", { remedies: [{ type: "message" }, { type: "cancel" }] });
    const f = await fixture({ policy });
    // The whole order is out of stock.
    await db.incident.update({
      where: { id: f.incidentId },
      data: { lines: f.order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })) },
    });
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const { order, refunds } = effects(emu, f.shop, f.order.id);
    expect(order.cancelledAt).not.toBeNull();
    expect(order.cancelReason).toBe("INVENTORY");
    expect(refunds).toHaveLength(1);
    expect(order.transactions.filter((t) => t.kind === "REFUND").map((t) => t.amountCents)).toEqual([3700]);
    // What the cancellation refunded is recorded, for the caps, the metrics and the timeline.
    const row = await db.remediation.findFirstOrThrow({ where: { incidentId: f.incidentId, action: "cancel" } });
    expect(row).toMatchObject({ status: "succeeded", amount: "37.00", currencyCode: "USD" });
  });

  it("a partial stock-out cancels only the affected units", async () => {
    const policy = withKind("stock_out_cancellation", { remedies: [{ type: "cancel" }] });
    const f = await fixture({ policy });
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const { order, refunds } = effects(emu, f.shop, f.order.id);
    expect(order.cancelledAt).toBeNull();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.lineItems.map((l) => [l.quantity, l.restockType])).toEqual([[2, "CANCEL"]]);
  });

  it("nothing planned: the incident is left as it was", async () => {
    const policy = structuredClone(DEFAULT_POLICY);
    delete policy.kinds.stock_out_cancellation;
    const f = await fixture({ policy });
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("nothing_to_do");
    expect(report.decision?.flags).toEqual(["no_policy"]);
    expect((await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } })).status).toBe("open");
  });
});

describe("faults", () => {
  it("a THROTTLED storm: the client waits, and each remedy happens once", async () => {
    const f = await fixture();
    emu.faults.throttleNext(4, "RefundIncident");
    emu.faults.throttleNext(3, "CreateApologyCode");
    emu.faults.throttleNext(2, "OrderForRemediation");
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    expect(emu.faults.pending()).toBe(0);
    const { refunds, discounts } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(discounts).toHaveLength(1);
  });

  it("5xx: the refund is resent with its key, the code is looked up before it is created again", async () => {
    const f = await fixture();
    emu.faults.failNext(2, "RefundIncident");
    emu.faults.failNext(1, "CreateApologyCode");
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const { refunds, discounts } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(discounts).toHaveLength(1);
  });

  it("Shopify failing after every retry: surfaced on the timeline, and a later run finishes once", async () => {
    const f = await fixture();
    emu.faults.failNext(20, "RefundIncident");
    const failed = await remediate(f.deps, automatic(f));
    expect(failed.status).toBe("failed");
    expect(failed.remedies.find((r) => r.action === "refund")).toMatchObject({ status: "failed", error: "RefundIncident: HTTP 503" });
    const incident = await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } });
    expect(incident.status).toBe("remediating");
    const events = await timeline(f.incidentId);
    expect(events.find((e) => e.type === "remedy_failed")?.message).toBe("The refund failed: RefundIncident: HTTP 503");
    expect(events.some((e) => e.type === "remediation_failed")).toBe(true);
    expect(effects(emu, f.shop, f.order.id).refunds).toHaveLength(0);

    emu.faults.clear();
    const retried = await remediate(f.deps, automatic(f));
    expect(retried.status).toBe("resolved");
    const { refunds, discounts } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(discounts).toHaveLength(1);
    const row = await db.remediation.findUniqueOrThrow({ where: { idempotencyKey: `${f.incidentId}:refund` } });
    expect(row).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("a lost answer after the refund was applied: resent with the same key, one refund", async () => {
    const f = await fixture();
    emu.faults.dropAfterApplyNext(1, "RefundIncident");
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const { refunds } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(report.remedies.find((r) => r.action === "refund")?.shopifyId).toBe(refunds[0]?.id);
  });

  it("a lost answer after the code was created: the look-up finds it, one code", async () => {
    const f = await fixture();
    emu.faults.dropAfterApplyNext(1, "CreateApologyCode");
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const { discounts } = effects(emu, f.shop, f.order.id);
    expect(discounts).toHaveLength(1);
    expect(report.remedies.find((r) => r.action === "discount_code")?.shopifyId).toBe(discounts[0]?.nodeId);
  });

  it("a lost answer after the draft was completed: the draft is looked up, one replacement order", async () => {
    const f = await fixture({ kind: "damaged", fulfilled: 2 });
    emu.faults.dropAfterApplyNext(1, "CompleteReplacementDraft");
    const report = await remediate(f.deps, merchant(f));
    expect(report.status).toBe("resolved");
    const { replacementOrders, drafts } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(1);
    expect(drafts).toHaveLength(1);
    expect(report.remedies.find((r) => r.action === "replacement")?.shopifyId).toBe(replacementOrders[0]?.id);
  });

  it("a lost answer after the draft was created: the draft is found and completed, one draft, one replacement order", async () => {
    const f = await fixture({ kind: "damaged", fulfilled: 2 });
    emu.faults.dropAfterApplyNext(1, "CreateReplacementDraft");
    const report = await remediate(f.deps, merchant(f));
    expect(report.status).toBe("resolved");
    const { replacementOrders, drafts } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(1);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.status).toBe("COMPLETED");
  });
});

describe("crash between Shopify's answer and Amends' write", () => {
  /** Past the default lease of 5 minutes. */
  const later = () => clock.advance(10 * 60_000);

  it("after CancelForStockOut: the order is cancelled once and what it refunded is still recorded", async () => {
    const dying = dyingAfter("CancelForStockOut");
    const policy = withKind("stock_out_cancellation", { remedies: [{ type: "cancel" }] });
    const f = await fixture({ policy, fetch: dying.fetch });
    await db.incident.update({
      where: { id: f.incidentId },
      data: { lines: f.order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })) },
    });
    remediate(f.deps, automatic(f)).catch(() => {}); // never settles: the process "died"
    await dying.died;
    later();
    const resumed = await remediate({ ...f.deps, clientFor: clientFactory(db, emu) }, automatic(f));
    expect(resumed.status).toBe("resolved");
    const { refunds, order } = effects(emu, f.shop, f.order.id);
    expect(order.cancelledAt).not.toBeNull();
    expect(refunds).toHaveLength(1);
    const row = await db.remediation.findFirstOrThrow({ where: { incidentId: f.incidentId, action: "cancel" } });
    expect(row).toMatchObject({ status: "succeeded", amount: "37.00", currencyCode: "USD" });
  });

  it.each([
    ["RefundIncident", "stock_out_cancellation"],
    ["CreateApologyCode", "stock_out_cancellation"],
    ["CompleteReplacementDraft", "damaged"],
    ["CreateReplacementDraft", "damaged"],
  ] as const)("after %s: the next run finds the effect instead of repeating it", async (operation, kind) => {
    const dying = dyingAfter(operation);
    const f = await fixture({ kind, fulfilled: kind === "damaged" ? 2 : 0, fetch: dying.fetch });
    const request = kind === "damaged" ? merchant(f) : automatic(f);
    remediate(f.deps, request).catch(() => {}); // never settles: the process "died"
    await dying.died;
    const pending = await db.remediation.findMany({ where: { incidentId: f.incidentId, status: "pending" } });
    expect(pending).toHaveLength(1);

    // A run within the lease leaves the action to its owner.
    const healthy = { ...f.deps, clientFor: clientFactory(db, emu), waitMs: 200 };
    expect((await remediate(healthy, automatic(f))).status).toBe("in_progress");

    // After the lease, the next run (the sweep, or the merchant retrying) takes over.
    later();
    const resumed = await remediate(healthy, automatic(f));
    expect(resumed.status).toBe("resolved");
    const { refunds, discounts, replacementOrders, drafts } = effects(emu, f.shop, f.order.id);
    if (kind === "damaged") {
      expect(replacementOrders).toHaveLength(1);
      expect(drafts).toHaveLength(1);
    } else {
      expect(refunds).toHaveLength(1);
      expect(discounts).toHaveLength(1);
    }
  });
});

describe("a crash mid-remediation is resumed, each step once", () => {
  it("after CancelForStockOut, resumed while Shopify's cancellation job still runs: it waits for the job, one cancellation", async () => {
    // A job far slower than this test's real running time, so the resume certainly comes while
    // it runs, however loaded the machine (the emulator's clock is real time moved on).
    const slowJob = 10 * 60_000;
    expect(slowJob).toBeGreaterThan(DEFAULT_CANCEL_JOB_MS);
    const slow = await startEmulator({ clock, cancelJobMs: slowJob, bucket: { maximumAvailable: 2000, restoreRate: 100 } });
    try {
      const dying = dyingAfter("CancelForStockOut");
      const policy = withKind("stock_out_cancellation", { remedies: [{ type: "cancel" }] });
      const f = await setUp(db, slow, { policy, fetch: dying.fetch });
      shops.push(f.shop);
      await db.incident.update({
        where: { id: f.incidentId },
        data: { lines: f.order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })) },
      });
      const deps = {
        ...f.deps,
        now: () => new Date(clock.now()),
        sleep: async (ms: number) => {
          clock.advance(ms);
          await pause(Math.min(ms, 20));
        },
        leaseMs: 60_000,
        jobPollIntervalMs: 30_000,
        cancelWaitMs: 15 * 60_000,
      };
      // The dead process renews nothing.
      remediate({ ...deps, leaseRenewMs: 3_600_000 }, automatic(f)).catch(() => {});
      await dying.died;
      clock.advance(2 * 60_000); // past the lease, long before the job is done
      expect(effects(slow, f.shop, f.order.id).order.cancelledAt).toBeNull();

      const resumed = await remediate({ ...deps, clientFor: clientFactory(db, slow) }, automatic(f));
      expect(resumed.status).toBe("resolved");
      expect(slow.requests.filter((r) => r.shop === f.shop && r.operationName === "CancelForStockOut")).toHaveLength(1);
      const { refunds, order } = effects(slow, f.shop, f.order.id);
      expect(order.cancelledAt).not.toBeNull();
      expect(refunds).toHaveLength(1);
      const row = await db.remediation.findFirstOrThrow({ where: { incidentId: f.incidentId, action: "cancel" } });
      expect(row).toMatchObject({ status: "succeeded", amount: "37.00", currencyCode: "USD", attempts: 2 });
    } finally {
      await slow.close();
    }
  });

  it("the catch-up pass resumes an incident a crash left remediating: code created once, note and apology done, resolved", async () => {
    const dying = dyingAfter("CreateApologyCode");
    const f = await fixture({ fetch: dying.fetch });
    remediate(f.deps, automatic(f)).catch(() => {}); // never settles: the worker died
    await dying.died;
    expect((await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } })).status).toBe("remediating");
    expect(await db.remediation.count({ where: { incidentId: f.incidentId, status: "pending" } })).toBe(1);

    clock.advance(10 * 60_000); // past the 5-minute lease: the worker restarted and catches up
    const worker = new AutoRemediator({ ...f.deps, clientFor: clientFactory(db, emu), log: logger });
    await worker.catchUp(new Date(clock.now()));

    expect((await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } })).status).toBe("resolved");
    expect(await db.remediation.count({ where: { incidentId: f.incidentId, status: { not: "succeeded" } } })).toBe(0);
    const { refunds, discounts, order } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(discounts).toHaveLength(1);
    expect(order.note?.match(/\[amends:/g)).toHaveLength(1);
    expect(await db.outgoingMessage.count({ where: { incidentId: f.incidentId } })).toBe(1);
  });
});

describe("a remedy Shopify refuses for good", () => {
  const sent = (shop: string, operation: string) => emu.requests.filter((r) => r.shop === shop && r.operationName === operation).length;
  const status = async (f: Fixture) => (await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } })).status;
  const REFUSAL = "Refund amount exceeds what the payment gateway can refund";

  it("needs the merchant's attention, in Shopify's words; no automatic pass resends it; Retry builds a fresh request", async () => {
    const f = await fixture();
    emu.faults.inject({ kind: "refuse", operationName: "RefundIncident", shop: f.shop, message: REFUSAL });
    const first = await remediate(f.deps, automatic(f));
    expect(first.status).toBe("needs_attention");
    expect(await status(f)).toBe("needs_attention");
    const said = await db.incidentEvent.findFirstOrThrow({ where: { incidentId: f.incidentId, type: "status", message: { startsWith: "Needs your attention" } } });
    expect(said.message).toContain(`Shopify refused the refund: ${REFUSAL}.`);
    expect(sent(f.shop, "RefundIncident")).toBe(1);

    // Neither another automatic run nor the worker's catch-up pass sends it again.
    expect((await remediate(f.deps, automatic(f))).status).toBe("needs_attention");
    clock.advance(10 * 60_000);
    await new AutoRemediator({ ...f.deps, log: logger }, 0).catchUp(new Date(clock.now()));
    expect(sent(f.shop, "RefundIncident")).toBe(1);
    expect(await status(f)).toBe("needs_attention");

    // Retry: the refused request is set aside and a fresh one goes under a key of its own.
    const retried = await remediate(f.deps, merchant(f));
    expect(retried.status).toBe("resolved");
    expect(sent(f.shop, "RefundIncident")).toBe(2);
    const rows = await db.remediation.findMany({ where: { incidentId: f.incidentId, action: "refund" }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.status, r.idempotencyKey.includes(":discarded:")])).toEqual([
      ["failed", true],
      ["succeeded", false],
    ]);
    expect(rows[1]?.request).toMatchObject({ round: 1 });
    const { refunds, discounts } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(discounts).toHaveLength(1);
  });

  it("choosing another plan discards the refused one: it is never sent again", async () => {
    const f = await fixture({ kind: "damaged", fulfilled: 2, status: "awaiting_approval" });
    emu.faults.inject({ kind: "refuse", operationName: "CreateReplacementDraft", shop: f.shop, message: "Variant is no longer available" });
    expect((await remediate(f.deps, merchant(f, 0))).status).toBe("needs_attention");
    expect(sent(f.shop, "CreateReplacementDraft")).toBe(1);

    const other = await remediate(f.deps, merchant(f, 1));
    expect(other.status).toBe("resolved");
    expect(sent(f.shop, "CreateReplacementDraft")).toBe(1);
    const { refunds, replacementOrders } = effects(emu, f.shop, f.order.id);
    expect(replacementOrders).toHaveLength(0);
    expect(refunds).toHaveLength(1);
    expect(await db.remediation.count({ where: { incidentId: f.incidentId, action: "replacement", status: { not: "failed" } } })).toBe(0);
  });
});

describe("leases", () => {
  const codeRow = (f: Fixture) => db.remediation.findUniqueOrThrow({ where: { idempotencyKey: `${f.incidentId}:discount_code` } });

  it("a holder that stopped renewing is taken over after its lease, and cannot record what it did late", async () => {
    const held = holdingBefore("CreateApologyCode");
    const f = await fixture({ fetch: held.fetch });
    // A paused process: it renews nothing while it is stuck.
    const slow = remediate({ ...f.deps, leaseRenewMs: 3_600_000 }, automatic(f));
    await held.reached;
    clock.advance(10 * 60_000);
    const other = await remediate({ ...f.deps, clientFor: clientFactory(db, emu) }, automatic(f));
    expect(other.status).toBe("resolved");
    expect(await codeRow(f)).toMatchObject({ status: "succeeded", attempts: 2 });

    // The slow holder wakes up: Shopify refuses its code (taken), and that is not recorded.
    held.release();
    const late = await slow;
    expect(late.remedies.find((r) => r.action === "discount_code")?.status).toBe("succeeded");
    expect(await codeRow(f)).toMatchObject({ status: "succeeded", attempts: 2, error: null });
    expect(effects(emu, f.shop, f.order.id).discounts).toHaveLength(1);
    const events = await timeline(f.incidentId);
    expect(events.filter((e) => e.type === "remedy_failed" || e.type === "remediation_failed")).toEqual([]);
    expect(events.filter((e) => e.type === "remedy" && (e.data as { action?: string }).action === "discount_code")).toHaveLength(1);
    expect((await db.incident.findUniqueOrThrow({ where: { id: f.incidentId } })).status).toBe("resolved");
  });

  it("a long-running holder renews its lease: another run waits instead of taking over", async () => {
    const held = holdingBefore("CreateApologyCode");
    const f = await fixture({ fetch: held.fetch });
    const deps = { ...f.deps, leaseMs: 60_000, leaseRenewMs: 10 };
    const slow = remediate(deps, automatic(f));
    await held.reached;
    // Two minutes pass, twice the lease, while the holder renews it.
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      await pause(60);
    }
    const other = await remediate({ ...deps, clientFor: clientFactory(db, emu), waitMs: 50 }, automatic(f));
    expect(other.status).toBe("in_progress");
    expect(other.remedies.find((r) => r.action === "discount_code")?.status).toBe("in_progress");

    held.release();
    expect((await slow).status).toBe("resolved");
    expect(await codeRow(f)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(effects(emu, f.shop, f.order.id).discounts).toHaveLength(1);
  });
});

describe.each(testDatabases())("concurrent approvals on $name", ({ url }) => {
  it("two merchants approving at once: one refund, one code", async () => {
    const database = databaseFor(url);
    const f = await fixture({ status: "awaiting_approval" }, database);
    const [a, b] = await Promise.all([
      remediate(f.deps, { ...merchant(f), actor: "merchant:ada" }),
      remediate(f.deps, { ...merchant(f), actor: "merchant:grace" }),
    ]);
    expect([a.status, b.status].sort()).toEqual(["resolved", "resolved"]);
    const { refunds, discounts } = effects(emu, f.shop, f.order.id);
    expect(refunds).toHaveLength(1);
    expect(discounts).toHaveLength(1);
    expect(await database.remediation.count({ where: { incidentId: f.incidentId } })).toBe(4);
    const statuses = await database.incidentEvent.findMany({ where: { incidentId: f.incidentId, type: "status" } });
    expect(statuses.map((e) => (e.data as { to: string }).to).sort()).toEqual(["remediating", "resolved"]);
    await clearRemediationShop(database, f.shop);
  });
});
