// One remedy, exactly once. Each action has a deterministic key (`<incident>:<action>`); its
// Remediation row is written before Shopify is called. The first run to insert the row acts
// and renews its lease while it works; another run waits for its result; a row whose lease ran
// out (a crash) is taken over and the action starts with a look-up for what the crashed run may
// have done. Only the lease's holder records a result: a run that was taken over stays silent.
import { moneyRefunded, remediations } from "../../metrics.server";
import { addEvent } from "../../models/incident.server";
import type { LeaseHolder, RemediationRow } from "../../models/remediation.server";
import {
  LeaseLostError,
  claimRemediation,
  discardedRounds,
  markFailed,
  markSucceeded,
  refusedByShopify,
  renewLease,
  waitForSettled,
} from "../../models/remediation.server";
import { ShopifyError, ShopifyUserError } from "../../shopify/admin.server";
import type { RemedyAction, RemedyReport } from "./types";
import type { EngineContext } from "./context";

export interface StepOutcome {
  shopifyId: string | null;
  result: Record<string, unknown>;
  amount: string | null;
  currencyCode: string | null;
  /** Found from an earlier attempt rather than done now. */
  reused: boolean;
  /** For the timeline, in the merchant's words. */
  summary: string;
}

/**
 * Money and goods are keyed by the incident alone: a parcel incident whose kind escalated
 * (exception → late → lost) is re-planned, but a refund, replacement, code or cancellation it
 * already had is found, never made again. The order note and the apology speak of the
 * escalated problem, so after an escalation they are keyed by the kind it escalated to.
 */
/** The key Shopify deduplicates a request by (refundCreate's @idempotent): the row's own,
 * with the round after a refusal was set aside, since Shopify answers a reused key with its
 * first answer — the refusal. */
export function shopifyKey(row: Pick<RemediationRow, "idempotencyKey" | "request">): string {
  const round = (row.request as { round?: unknown } | null)?.round;
  return typeof round === "number" && round > 0 ? `${row.idempotencyKey}:retry-${round}` : row.idempotencyKey;
}

export function idempotencyKey(incidentId: string, action: RemedyAction, escalatedTo: string | null = null): string {
  return escalatedTo && (action === "annotate" || action === "message") ? `${incidentId}:${action}:${escalatedTo}` : `${incidentId}:${action}`;
}

/** The kind an incident escalated to, or null if it never escalated. */
function escalatedKind(incident: { kind: string; evidence: unknown }): string | null {
  const from = (incident.evidence as { escalatedFrom?: unknown } | null)?.escalatedFrom;
  return Array.isArray(from) && from.length > 0 ? incident.kind : null;
}

function report(action: RemedyAction, row: RemediationRow, reused: boolean, status?: RemedyReport["status"]): RemedyReport {
  return {
    action,
    idempotencyKey: row.idempotencyKey,
    status: status ?? (row.status === "succeeded" ? "succeeded" : row.status === "failed" ? "failed" : "in_progress"),
    shopifyId: row.shopifyId,
    amount: row.amount,
    currencyCode: row.currencyCode,
    reused,
    error: row.error,
    refused: refusedByShopify(row),
    result: row.result,
  };
}

/** Shopify said no for good: its userErrors, or an error it will answer the same way again. */
function refusal(error: unknown): boolean {
  return error instanceof ShopifyUserError || (error instanceof ShopifyError && !error.retryable);
}

export function describeError(error: unknown): string {
  if (error instanceof ShopifyUserError || error instanceof ShopifyError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Claims the action's row and, when this run owns it, carries it out with `perform`, which gets
 * the row (its stored request holds an earlier attempt's progress).
 */
export async function runStep(
  ctx: EngineContext,
  action: RemedyAction,
  request: Record<string, unknown>,
  perform: (row: RemediationRow) => Promise<StepOutcome>,
): Promise<RemedyReport> {
  const { db, incident, actor } = ctx;
  const key = idempotencyKey(incident.id, action, escalatedKind(incident));
  // What Shopify refused stays refused: never resent as it was. The merchant decides (retry,
  // another plan, dismiss), which sets the row aside first.
  const existing = await db.remediation.findUnique({ where: { idempotencyKey: key } });
  if (existing && refusedByShopify(existing)) return report(action, existing, false, "failed");
  // After a refusal was set aside the request is built afresh, under a key of its own at Shopify.
  const round = existing ? 0 : await discardedRounds(db, key);
  const claim = await claimRemediation(
    db,
    { shop: incident.shop, incidentId: incident.id, action, idempotencyKey: key, request: round ? { ...request, round } : request, actor },
    { now: ctx.now(), leaseMs: ctx.leaseMs },
  );
  if (!claim.owned) {
    if (claim.row.status === "succeeded") return report(action, claim.row, true);
    return waitForOther(ctx, action);
  }
  const stopRenewing = keepLease(ctx, claim.row);
  try {
    const outcome = await perform(claim.row);
    const row = await markSucceeded(db, claim.row, outcome);
    if (!row) return takenOver(ctx, action, claim.row);
    remediations.inc({ action, outcome: outcome.reused ? "reused" : "succeeded" });
    if (action === "refund" && outcome.amount && !outcome.reused) {
      moneyRefunded.inc({ currency: outcome.currencyCode ?? "unknown" }, Number(outcome.amount));
    }
    await addEvent(db, incident.id, {
      type: "remedy",
      actor,
      message: outcome.summary,
      data: {
        action,
        idempotencyKey: key,
        shopifyId: outcome.shopifyId,
        amount: outcome.amount,
        currencyCode: outcome.currencyCode,
        reused: outcome.reused,
        attempt: claim.row.attempts,
        request: row.request,
      },
    });
    return report(action, row, outcome.reused);
  } catch (error) {
    if (error instanceof LeaseLostError) return takenOver(ctx, action, claim.row);
    const message = describeError(error);
    ctx.log.warn({ shop: incident.shop, incidentId: incident.id, action, err: error }, "remedy failed");
    const refused = refusal(error);
    const row = await markFailed(db, claim.row, message, {
      refused,
      ...(error instanceof ShopifyUserError ? { userErrors: error.userErrors } : {}),
    });
    if (!row) return takenOver(ctx, action, claim.row);
    remediations.inc({ action, outcome: "failed" });
    await addEvent(db, incident.id, {
      type: "remedy_failed",
      actor,
      message: `${ACTION_LABELS[action]} failed: ${message}`,
      data: {
        action,
        idempotencyKey: key,
        error: message,
        userErrors: error instanceof ShopifyUserError ? error.userErrors : undefined,
        retryable: !refused,
        attempt: claim.row.attempts,
      },
    });
    return report(action, row, false, "failed");
  } finally {
    stopRenewing();
  }
}

/** Another run is on it (a second approval click): never act twice, wait for its result. */
async function waitForOther(ctx: EngineContext, action: RemedyAction): Promise<RemedyReport> {
  const key = idempotencyKey(ctx.incident.id, action, escalatedKind(ctx.incident));
  const settled = await waitForSettled(ctx.db, key, { timeoutMs: ctx.waitMs, intervalMs: 100, sleep: ctx.sleep });
  return report(action, settled, settled.status === "succeeded");
}

/** This run's lease ran out and another run took the action over: its result is the other
 * run's to record, so this one reports the row as it stands and writes nothing. */
async function takenOver(ctx: EngineContext, action: RemedyAction, holder: LeaseHolder): Promise<RemedyReport> {
  ctx.log.warn({ shop: ctx.incident.shop, incidentId: ctx.incident.id, action, remediationId: holder.id }, "remedy taken over by another run");
  return waitForOther(ctx, action);
}

/**
 * Renews the row's lease every `leaseRenewMs` while `perform` runs, so a slow remedy (throttle
 * waits, a long cancellation job) is not taken for a crash. Returns the function that stops it.
 */
function keepLease(ctx: EngineContext, holder: LeaseHolder): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    renewLease(ctx.db, holder, { now: ctx.now(), leaseMs: ctx.leaseMs })
      .then((held) => {
        if (!held && !stopped) ctx.log.warn({ remediationId: holder.id }, "remediation lease lost");
      })
      .catch((err: unknown) => ctx.log.warn({ remediationId: holder.id, err }, "remediation lease not renewed"));
  }, ctx.leaseRenewMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

export const ACTION_LABELS: Readonly<Record<RemedyAction, string>> = {
  cancel: "Cancelling the order",
  refund: "The refund",
  replacement: "The replacement order",
  return: "The return",
  discount_code: "The discount code",
  annotate: "Noting the remediation on the order",
  message: "The apology message",
};

/**
 * For mutations Shopify cannot deduplicate: look for an earlier attempt's result, create only
 * when there is none, and after an unknown outcome (lost answer, 5xx) look again before
 * trying once more. Shopify's refusals (userErrors) are final.
 */
export async function createOnce<T>(args: {
  lookup: () => Promise<T | null>;
  create: () => Promise<T>;
  attempts?: number;
}): Promise<{ value: T; reused: boolean }> {
  const attempts = args.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const found = await args.lookup();
    if (found !== null) return { value: found, reused: attempt === 1 };
    try {
      return { value: await args.create(), reused: false };
    } catch (error) {
      const unknownOutcome = error instanceof ShopifyError && error.retryable;
      if (!unknownOutcome || attempt >= attempts) {
        // One last look: the failed call may still have been applied.
        if (unknownOutcome) {
          const late = await args.lookup();
          if (late !== null) return { value: late, reused: false };
        }
        throw error;
      }
    }
  }
}
