// Crash suite: a batch of automatic remediations against the emulator while the worker, or the
// whole app, is killed with SIGKILL at seeded random points — right after Shopify applied a
// mutation whose answer the app has not written down, or after a random delay — and started
// again. Then: every incident resolved, nothing left "remediating" or pending, and each effect
// (refund, cancellation, replacement, discount code, order note, apology) exactly once in the
// emulator's store and the outbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { DEFAULT_POLICY } from "../../app/remediation/policy";
import type { RemediationPolicy } from "../../app/remediation/policy";
import type { Fixture } from "../remediation/support";
import { effects, setUp } from "../remediation/support";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import { rng } from "../shopify-emulator/util";
import type { AppProcess } from "../support/app-processes";
import { startAppProcess } from "../support/app-processes";
import { databaseFor } from "../support/databases";

const SEED = Number(process.env.CRASH_SEED ?? 20261130);
const KILLS = 4;
/** Short, so a crashed step is taken over within seconds (production: 300 s). */
const LEASE_SECONDS = 2;
const MUTATIONS = /^(RefundIncident|CancelForStockOut|CreateReplacementDraft|CompleteReplacementDraft|CreateApologyCode|TagOrder|AppendOrderNote)$/;

function withKind(kind: keyof RemediationPolicy["kinds"], patch: Partial<NonNullable<RemediationPolicy["kinds"][typeof kind]>>): RemediationPolicy {
  const policy = structuredClone(DEFAULT_POLICY);
  const base = policy.kinds[kind];
  if (!base) throw new Error(`no default for ${kind}`);
  policy.kinds[kind] = { ...base, ...patch };
  return policy;
}

type Group = "refund_and_code" | "cancel" | "replacement";
interface Case {
  group: Group;
  fixture: Fixture;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let emu: RunningEmulator;
const db: Database = databaseFor(process.env.DATABASE_URL ?? "");
const cases: Case[] = [];
let running: AppProcess | null = null;

beforeAll(async () => {
  emu = await startEmulator({ bucket: { maximumAvailable: 20_000, restoreRate: 1_000 } });
  const apology = DEFAULT_POLICY.kinds.stock_out_cancellation?.remedies.filter((r) => r.type === "message") ?? [];
  const policies: Record<Group, { policy?: RemediationPolicy; kind?: "damaged"; fulfilled?: number }> = {
    // The default stock-out plan: refund the unshipped units, a 10 % code, the note, the apology.
    refund_and_code: {},
    // The whole order cancelled through Shopify's asynchronous job, then the note.
    cancel: { policy: withKind("stock_out_cancellation", { remedies: [{ type: "cancel" }, ...apology] }) },
    // A damaged parcel, automatic: a free replacement order (draft created, then completed).
    replacement: { kind: "damaged", fulfilled: 2, policy: withKind("damaged", { mode: "automatic" }) },
  };
  for (const group of ["refund_and_code", "cancel", "replacement", "refund_and_code", "cancel", "replacement"] as const) {
    const fixture = await setUp(db, emu, policies[group]);
    const lines = group === "cancel" ? fixture.order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })) : undefined;
    // Opened a while ago: the worker's catch-up pass takes it up as soon as it starts.
    await db.incident.update({
      where: { id: fixture.incidentId },
      data: { createdAt: new Date(Date.now() - 10 * 60_000), ...(lines ? { lines } : {}) },
    });
    cases.push({ group, fixture });
  }
});

afterAll(async () => {
  await running?.crash();
  await emu?.close();
});

function env(): Record<string, string> {
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? "",
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emu.url}/{shop}/admin/api/{version}/graphql.json`,
    REMEDIATION_LEASE_SECONDS: String(LEASE_SECONDS),
    AMENDS_WORKER: "on",
    AMENDS_DEMO: "false",
    LOG_LEVEL: "error",
  };
}

const mutationsSoFar = () => emu.requests.filter((r) => r.operationName && MUTATIONS.test(r.operationName)).length;

async function unfinished(): Promise<number> {
  const ids = cases.map((c) => c.fixture.incidentId);
  const open = await db.incident.count({ where: { id: { in: ids }, status: { not: "resolved" } } });
  const pending = await db.remediation.count({ where: { incidentId: { in: ids }, status: { not: "succeeded" } } });
  return open + pending;
}

describe("kill -9 mid-remediation", () => {
  it(
    `the worker and the whole app, killed at ${KILLS} seeded points (seed ${SEED}), resume: each effect exactly once`,
    async () => {
      const random = rng(SEED);
      const kills: string[] = [];
      for (let round = 0; round < KILLS; round++) {
        const kind = round % 2 === 0 ? "worker" : "app";
        running = startAppProcess(kind, env());
        await running.ready;
        if (process.env.CRASH_DEBUG) console.log(new Date().toISOString(), kind, "ready");
        if (random() < 0.6) {
          // Right after Shopify applied the next few mutations, before the app writes them down.
          const target = mutationsSoFar() + 1 + Math.floor(random() * 3);
          const deadline = Date.now() + 30_000;
          while (mutationsSoFar() < target && Date.now() < deadline && (await unfinished()) > 0) await pause(2);
          kills.push(`${kind} after mutation ${mutationsSoFar()}`);
        } else {
          const ms = 50 + Math.floor(random() * 1_500);
          await pause(ms);
          kills.push(`${kind} after ${ms} ms`);
        }
        await running.crash();
        running = null;
        if (process.env.CRASH_DEBUG) console.log(new Date().toISOString(), kills.at(-1), "unfinished", await unfinished());
      }

      // The last start: the catch-up pass finishes what the crashes left.
      running = startAppProcess(random() < 0.5 ? "worker" : "app", env());
      await running.ready;
      const deadline = Date.now() + 150_000;
      while ((await unfinished()) > 0 && Date.now() < deadline) await pause(250);
      if (process.env.CRASH_DEBUG) console.log(new Date().toISOString(), "done");
      const stderr = running.stderr();
      await running.stop();
      running = null;

      const ids = cases.map((c) => c.fixture.incidentId);
      const incidents = await db.incident.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
      expect(incidents.map((i) => i.status), `kills: ${kills.join("; ")}\n${stderr}`).toEqual(ids.map(() => "resolved"));
      expect(await db.remediation.count({ where: { incidentId: { in: ids }, status: { not: "succeeded" } } })).toBe(0);

      for (const { group, fixture } of cases) {
        const { refunds, discounts, replacementOrders, drafts, order } = effects(emu, fixture.shop, fixture.order.id);
        const what = `${group} ${fixture.incidentId} (kills: ${kills.join("; ")})`;
        expect(order.note?.split(`[amends:${fixture.incidentId}]`).length, what).toBe(2);
        expect(await db.outgoingMessage.count({ where: { incidentId: fixture.incidentId } }), what).toBe(1);
        if (group === "refund_and_code") {
          expect([refunds.length, discounts.length, replacementOrders.length, order.cancelledAt], what).toEqual([1, 1, 0, null]);
        } else if (group === "cancel") {
          expect(order.cancelledAt, what).not.toBeNull();
          expect([refunds.length, discounts.length, replacementOrders.length], what).toEqual([1, 0, 0]);
        } else {
          expect([refunds.length, discounts.length, replacementOrders.length, drafts.length], what).toEqual([0, 0, 1, 1]);
        }
      }
    },
    300_000,
  );
});
