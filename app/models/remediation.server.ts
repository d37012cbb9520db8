// Remediation rows: one per action Amends takes on Shopify, keyed by a deterministic
// idempotency key and written BEFORE the call. The unique key is the lock: a second attempt
// (a retry, a second merchant clicking approve) cannot insert it and does not act; it waits for
// the first one's result, or takes the row over once its owner's lease has run out (a crash).
// The owner renews its lease while it works, and every write it makes is fenced by `attempts`:
// once another run has taken the row over, the old owner can no longer record anything.
import { z } from "zod";

import type { Database } from "../db.server";
import type { IncidentStatus } from "../incidents/model";
import { ACTIVE_STATUSES } from "../incidents/model";
import { toMinor } from "../remediation/policy";
import { activeKeyOf } from "./incident.server";
import { isUniqueViolation } from "./order.server";
import { queryRows, sql } from "./sql.server";

export type RemediationRow = Awaited<ReturnType<Database["remediation"]["findUniqueOrThrow"]>>;
export type RemediationStatus = "pending" | "succeeded" | "failed";

export interface ClaimInput {
  shop: string;
  incidentId: string;
  action: string;
  idempotencyKey: string;
  request: unknown;
  actor: string;
}

/**
 * owned: this caller inserted the row or took it over, and must act.
 * Otherwise `row` is someone else's: succeeded (use its result) or pending (wait for it).
 */
export type Claim = { owned: true; row: RemediationRow } | { owned: false; row: RemediationRow };

export interface ClaimOptions {
  now: Date;
  /** How long the lease lasts unless renewed: a pending row past it was abandoned (a crash). */
  leaseMs: number;
}

/** The run that holds a row: only it may write, and only while `attempts` is still its own. */
export type LeaseHolder = Pick<RemediationRow, "id" | "attempts">;

/** Thrown by a fenced write when another run has taken the row over. */
export class LeaseLostError extends Error {
  constructor(readonly remediationId: string) {
    super(`Remediation ${remediationId} was taken over by another run`);
    this.name = "LeaseLostError";
  }
}

const held = (holder: LeaseHolder) => ({ id: holder.id, attempts: holder.attempts, status: "pending" });

export async function claimRemediation(db: Database, input: ClaimInput, options: ClaimOptions): Promise<Claim> {
  const leaseExpiresAt = new Date(options.now.getTime() + options.leaseMs);
  try {
    const row = await db.remediation.create({
      data: {
        shop: input.shop,
        incidentId: input.incidentId,
        action: input.action,
        idempotencyKey: input.idempotencyKey,
        request: toJson(input.request),
        actor: input.actor,
        attempts: 1,
        leaseExpiresAt,
      },
    });
    return { owned: true, row };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const existing = await db.remediation.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing.status === "succeeded") return { owned: false, row: existing };
  // Rows written before leases were recorded count from their last write.
  const expires = existing.leaseExpiresAt?.getTime() ?? existing.updatedAt.getTime() + options.leaseMs;
  const abandoned = existing.status === "pending" && expires < options.now.getTime();
  if (existing.status === "failed" || abandoned) {
    // Compare-and-set on `attempts`: of two callers taking over, only one matches.
    const taken = await db.remediation.updateMany({
      where: { idempotencyKey: input.idempotencyKey, attempts: existing.attempts, status: existing.status },
      data: { status: "pending", attempts: { increment: 1 }, error: null, actor: input.actor, leaseExpiresAt },
    });
    const row = await db.remediation.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
    return { owned: taken.count === 1, row };
  }
  return { owned: false, row: existing };
}

/** Extends the holder's lease; false when it no longer holds the row. */
export async function renewLease(db: Database, holder: LeaseHolder, options: ClaimOptions): Promise<boolean> {
  const renewed = await db.remediation.updateMany({
    where: held(holder),
    data: { leaseExpiresAt: new Date(options.now.getTime() + options.leaseMs) },
  });
  return renewed.count === 1;
}

/** Progress an owner must not lose in a crash (the exact refund input, the draft's id).
 * Throws LeaseLostError when the row was taken over: the taker's progress is kept. */
export async function saveRequest(db: Database, holder: LeaseHolder, request: unknown): Promise<RemediationRow> {
  const saved = await db.remediation.updateMany({ where: held(holder), data: { request: toJson(request) } });
  if (saved.count !== 1) throw new LeaseLostError(holder.id);
  return db.remediation.findUniqueOrThrow({ where: { id: holder.id } });
}

export interface Success {
  shopifyId: string | null;
  result: unknown;
  amount: string | null;
  currencyCode: string | null;
}

/** Records the result, only by the holder of the lease: null when another run took over. */
export async function markSucceeded(db: Database, holder: LeaseHolder, success: Success): Promise<RemediationRow | null> {
  const marked = await db.remediation.updateMany({
    where: held(holder),
    data: {
      status: "succeeded",
      shopifyId: success.shopifyId,
      result: toJson(success.result),
      amount: success.amount,
      currencyCode: success.currencyCode,
      error: null,
      leaseExpiresAt: null,
    },
  });
  return marked.count === 1 ? db.remediation.findUniqueOrThrow({ where: { id: holder.id } }) : null;
}

/** How an action failed: `refused` when Shopify said no for good (its userErrors, a request it
 * will never accept); otherwise it may work later (Shopify down, a job still running). */
export interface Failure {
  refused: boolean;
  userErrors?: { field?: string[] | null; message: string; code?: string | null }[];
}

/** Records the failure, only by the holder of the lease: null when another run took over. */
export async function markFailed(db: Database, holder: LeaseHolder, error: string, failure: Failure = { refused: false }): Promise<RemediationRow | null> {
  const marked = await db.remediation.updateMany({
    where: held(holder),
    data: { status: "failed", error, result: toJson({ failure }), leaseExpiresAt: null },
  });
  return marked.count === 1 ? db.remediation.findUniqueOrThrow({ where: { id: holder.id } }) : null;
}

/** Whether the row failed because Shopify refused it for good: never sent again as it is. */
export function refusedByShopify(row: Pick<RemediationRow, "status" | "result">): boolean {
  return row.status === "failed" && (row.result as { failure?: { refused?: unknown } } | null)?.failure?.refused === true;
}

/** Marks where a row's key is set aside: the key is free for a fresh attempt, the row kept. */
const DISCARDED = ":discarded:";

/**
 * Sets aside the incident's actions Shopify refused (the merchant retries or picks another
 * plan): each row keeps its history under another key, so the next run builds a fresh request
 * instead of resending the refused one. A failure of unknown outcome (a 5xx, a lost answer) is
 * not set aside: Shopify may have applied it, and only its own stored request, resent under
 * its own key or looked up, can tell. Returns how many were set aside.
 */
export async function discardRefused(db: Database, incidentId: string): Promise<number> {
  const rows = await db.remediation.findMany({ where: { incidentId, status: "failed" }, select: { id: true, idempotencyKey: true, status: true, result: true } });
  const refused = rows.filter((row) => refusedByShopify(row));
  for (const row of refused) {
    await db.remediation.updateMany({
      where: { id: row.id, status: "failed" },
      data: { idempotencyKey: `${row.idempotencyKey}${DISCARDED}${row.id}` },
    });
  }
  return refused.length;
}

/** How many earlier attempts at this key were set aside: a fresh request is round n + 1. */
export async function discardedRounds(db: Database, idempotencyKey: string): Promise<number> {
  return db.remediation.count({ where: { idempotencyKey: { startsWith: `${idempotencyKey}${DISCARDED}` } } });
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** Whether a remediation of Amends' made the Shopify object `shopifyId` (a refund, say): each
 * records Shopify's id when the call returns. Plain SQL (sql.server.ts): asked for every refund
 * webhook, and Prisma's query compile would cost several times the read. */
export async function madeByAmends(db: Database, shop: string, shopifyId: string): Promise<boolean> {
  const rows = await queryRows(db, sql`SELECT "id" FROM "Remediation" WHERE "shop" = ${shop} AND "shopifyId" = ${shopifyId} LIMIT 1`, {});
  return rows.length > 0;
}

/** Waits for another caller's pending row to settle; returns it as it is at the end. */
export async function waitForSettled(db: Database, idempotencyKey: string, options: WaitOptions): Promise<RemediationRow> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const row = await db.remediation.findUniqueOrThrow({ where: { idempotencyKey } });
    if (row.status !== "pending" || Date.now() >= deadline) return row;
    await options.sleep(options.intervalMs);
  }
}

export async function remediationsForIncident(db: Database, incidentId: string): Promise<RemediationRow[]> {
  return db.remediation.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } });
}

/** Sum of amounts in `currencyCode`, in minor units; rows in other currencies are left out. */
function sumMinor(rows: { amount: string | null; currencyCode: string | null }[], currencyCode: string): number {
  return rows.reduce(
    (sum, row) => (row.amount && row.currencyCode === currencyCode ? sum + toMinor(row.amount, row.currencyCode) : sum),
    0,
  );
}

export interface CustomerRemediationHistory {
  /** Other orders of the customer with an incident of `kinds` since `since`. */
  incidents: number;
  /** Money Amends refunded on incidents of `kinds` since `since`, minor units of `currencyCode`. */
  refundedMinor: number;
}

export async function customerRemediationHistory(
  db: Database,
  args: {
    shop: string;
    customerId: string;
    since: Date;
    /** The incident kinds that count: the customer's own claims (the policy says which). */
    kinds: readonly string[];
    excludeIncidentId: string;
    excludeOrderId: string;
    currencyCode: string;
  },
): Promise<CustomerRemediationHistory> {
  const [orders, refunds] = await Promise.all([
    // Claims on other orders, one per order: two reports about one parcel are one problem.
    db.incident.groupBy({
      by: ["orderId"],
      where: {
        shop: args.shop,
        customerId: args.customerId,
        kind: { in: [...args.kinds] },
        createdAt: { gte: args.since },
        id: { not: args.excludeIncidentId },
        orderId: { not: args.excludeOrderId },
      },
    }),
    db.remediation.findMany({
      where: {
        shop: args.shop,
        action: { in: ["refund", "cancel"] },
        status: "succeeded",
        createdAt: { gte: args.since },
        incident: { customerId: args.customerId, kind: { in: [...args.kinds] } },
      },
      select: { amount: true, currencyCode: true },
    }),
  ]);
  return { incidents: orders.length, refundedMinor: sumMinor(refunds, args.currencyCode) };
}

/** What other incidents' remedies cost since `since` (pending ones too: they are on their way). */
export async function remediatedSince(
  db: Database,
  args: { shop: string; since: Date; currencyCode: string; excludeIncidentId: string },
): Promise<number> {
  const rows = await db.remediation.findMany({
    where: {
      shop: args.shop,
      createdAt: { gte: args.since },
      status: { in: ["pending", "succeeded"] },
      incidentId: { not: args.excludeIncidentId },
    },
    select: { amount: true, currencyCode: true },
  });
  return sumMinor(rows, args.currencyCode);
}

const unitsSent = z.object({ lines: z.array(z.object({ lineItemId: z.string(), quantity: z.number().int().min(0) })) });

/**
 * Units of the order's lines that other incidents already sent a replacement for (pending ones
 * too: they are on their way). What the replacement sent is its result's lines; before the
 * result is written, the plan's.
 */
export async function replacedUnits(
  db: Database,
  args: { shop: string; orderId: string; excludeIncidentId: string },
): Promise<Map<string, number>> {
  const rows = await db.remediation.findMany({
    where: {
      shop: args.shop,
      action: "replacement",
      status: { in: ["pending", "succeeded"] },
      incidentId: { not: args.excludeIncidentId },
      incident: { orderId: args.orderId },
    },
    select: { request: true, result: true },
  });
  const units = new Map<string, number>();
  for (const row of rows) {
    const sent = unitsSent.safeParse(row.result);
    const planned = unitsSent.safeParse((row.request as { remedy?: unknown } | null)?.remedy);
    const lines = sent.success ? sent.data.lines : planned.success ? planned.data.lines : [];
    for (const line of lines) units.set(line.lineItemId, (units.get(line.lineItemId) ?? 0) + line.quantity);
  }
  return units;
}

/**
 * Moves the incident to `to` only if it is in one of `from`, and writes the status event only
 * then: two concurrent runs make one transition and one timeline entry.
 */
export async function transitionIncident(
  db: Database,
  args: {
    incidentId: string;
    from: IncidentStatus[];
    to: IncidentStatus;
    actor: string;
    message: string;
    data?: unknown;
    /** Why the merchant dismissed it, kept on the incident with the move (not only on its timeline). */
    dismissReason?: string;
  },
): Promise<boolean> {
  const incident = await db.incident.findUniqueOrThrow({ where: { id: args.incidentId } });
  if (!args.from.includes(incident.status as IncidentStatus)) return false;
  const active = ACTIVE_STATUSES.includes(args.to);
  const moved = await db.incident.updateMany({
    where: { id: args.incidentId, status: incident.status },
    data: {
      status: args.to,
      activeKey: active ? activeKeyOf(incident) : null,
      resolvedAt: active ? null : new Date(),
      ...(args.dismissReason === undefined ? {} : { dismissReason: args.dismissReason }),
    },
  });
  if (moved.count === 0) return false;
  await db.incidentEvent.create({
    data: {
      incidentId: args.incidentId,
      type: "status",
      actor: args.actor,
      message: args.message,
      data: toJson({ from: incident.status, to: args.to, ...(isObject(args.data) ? args.data : {}) }),
    },
  });
  return true;
}

/** The merchant dismisses an incident, saying why. Not while a remedy is being carried out:
 * that would hide money already on its way. False when its status no longer allows it. */
export async function dismissIncident(db: Database, args: { incidentId: string; reason: string; actor: string }): Promise<boolean> {
  return transitionIncident(db, {
    incidentId: args.incidentId,
    // Not while a remedy is being carried out: that would hide money already on its way.
    from: ["open", "awaiting_approval", "needs_attention"],
    to: "dismissed",
    actor: args.actor,
    message: `Dismissed: ${args.reason}`,
    data: { reason: args.reason },
    dismissReason: args.reason,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Prisma's Json input: plain JSON (dates as strings, no undefined). */
function toJson(value: unknown): object {
  return JSON.parse(JSON.stringify(value ?? null)) as object;
}
