// The lease on a remediation row, on SQLite and PostgreSQL: taken over only once it has run
// out, kept by renewing, and fenced: a holder that was taken over writes nothing.
import { randomUUID } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import {
  LeaseLostError,
  claimRemediation,
  discardRefused,
  discardedRounds,
  markFailed,
  markSucceeded,
  refusedByShopify,
  renewLease,
  saveRequest,
} from "../../app/models/remediation.server";
import { clearShop, databaseFor, testDatabases } from "../support/databases";

const LEASE_MS = 60_000;
const T0 = new Date("2026-11-30T10:00:00Z");
const at = (ms: number) => ({ now: new Date(T0.getTime() + ms), leaseMs: LEASE_MS });

describe.each(testDatabases())("remediation lease on $name", ({ url }) => {
  const db: Database = databaseFor(url);
  const shops: string[] = [];
  afterEach(async () => {
    for (const shop of shops.splice(0)) await clearShop(db, shop);
  });

  async function claimInput(action = "discount_code") {
    const shop = `lease-${randomUUID().slice(0, 8)}.myshopify.com`;
    shops.push(shop);
    const incident = await db.incident.create({
      data: { shop, kind: "damaged", orderId: "gid://shopify/Order/1", orderName: "#1001", lines: [], evidence: {}, responseDeadline: T0 },
    });
    return { shop, incidentId: incident.id, action, idempotencyKey: `${incident.id}:${action}`, request: { step: 1 }, actor: "rule:test" };
  }

  it("is taken over only after it ran out, and the old holder can record nothing", async () => {
    const input = await claimInput();
    const first = await claimRemediation(db, input, at(0));
    expect(first.owned).toBe(true);
    expect((await claimRemediation(db, { ...input, actor: "rule:early" }, at(LEASE_MS - 1))).owned).toBe(false);

    const second = await claimRemediation(db, { ...input, actor: "rule:late" }, at(LEASE_MS + 1));
    expect(second).toMatchObject({ owned: true, row: { attempts: 2, actor: "rule:late" } });

    await expect(saveRequest(db, first.row, { step: "stale" })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await renewLease(db, first.row, at(LEASE_MS + 2))).toBe(false);
    expect(await markFailed(db, first.row, "refused: code taken")).toBeNull();
    expect(await markSucceeded(db, first.row, { shopifyId: "stale", result: {}, amount: null, currencyCode: null })).toBeNull();

    const saved = await saveRequest(db, second.row, { step: 2 });
    expect(saved.request).toEqual({ step: 2 });
    const done = await markSucceeded(db, second.row, { shopifyId: "gid://shopify/DiscountCodeNode/9", result: {}, amount: null, currencyCode: null });
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, shopifyId: "gid://shopify/DiscountCodeNode/9", error: null });
  });

  it("a holder that renews keeps it past the first term", async () => {
    const input = await claimInput();
    const first = await claimRemediation(db, input, at(0));
    expect(await renewLease(db, first.row, at(LEASE_MS / 2))).toBe(true);
    expect((await claimRemediation(db, input, at(LEASE_MS + 1))).owned).toBe(false);
    expect((await claimRemediation(db, input, at(LEASE_MS / 2 + LEASE_MS + 1))).owned).toBe(true);
  });

  it("a refusal is kept as such until the merchant sets it aside; the key is then free for a fresh request", async () => {
    const input = await claimInput("refund");
    const first = await claimRemediation(db, input, at(0));
    const refused = await markFailed(db, first.row, "RefundIncident: Refund amount exceeds", {
      refused: true,
      userErrors: [{ field: null, message: "Refund amount exceeds" }],
    });
    expect(refused && refusedByShopify(refused)).toBe(true);
    // A failure of unknown outcome on the same incident is not set aside: it may have been applied.
    const down = { ...input, action: "discount_code", idempotencyKey: `${input.incidentId}:discount_code` };
    const other = await claimRemediation(db, down, at(0));
    const failed = await markFailed(db, other.row, "HTTP 503");
    expect(failed && refusedByShopify(failed)).toBe(false);

    expect(await discardRefused(db, input.incidentId)).toBe(1);
    expect(await discardedRounds(db, input.idempotencyKey)).toBe(1);
    const fresh = await claimRemediation(db, { ...input, request: { step: 1, round: 1 } }, at(1));
    expect(fresh).toMatchObject({ owned: true, row: { attempts: 1, status: "pending", request: { round: 1 } } });
    const kept = await db.remediation.findMany({ where: { incidentId: input.incidentId } });
    expect(kept.map((r) => `${r.action} ${r.status}${r.idempotencyKey.includes(":discarded:") ? " set aside" : ""}`).sort()).toEqual([
      "discount_code failed",
      "refund failed set aside",
      "refund pending",
    ]);
  });
});
