// What each remedy does on Shopify. Every executor starts from the row's stored progress and
// looks for an earlier attempt's result before acting, so running it again is safe.
import type { IncidentKind } from "../../incidents/model";
import { saveRequest } from "../../models/remediation.server";
import type { RemediationRow } from "../../models/remediation.server";
import type { RefundInput, RefundLine, RestockType } from "../../shopify/operations/refund.server";
import {
  refundIncident,
  refundInputFrom,
  suggestedRefund,
} from "../../shopify/operations/refund.server";
import {
  cancelForStockOut,
  orderRefunds,
  waitForJob,
} from "../../shopify/operations/cancel.server";
import type { ApologyCodeArgs, ApologyCodeNode } from "../../shopify/operations/discount.server";
import {
  apologyCode,
  createApologyCode,
  findApologyCode,
} from "../../shopify/operations/discount.server";
import type { ReplacementOrder } from "../../shopify/operations/replacement.server";
import {
  completeReplacementDraft,
  createReplacementDraft,
  findOpenReplacementDraft,
  findReplacementOrder,
  replacementDraft,
} from "../../shopify/operations/replacement.server";
import { ShopifyUserError } from "../../shopify/admin.server";
import { appendOrderNote, tagOrder } from "../../shopify/operations/annotate.server";
import { orderForRemediation } from "../../shopify/operations/order.server";
import type { PlannedRemedy, PricedLine } from "../policy";
import { KIND_LABELS, formatMoney, fromMinor, toMinor } from "../policy";
import type { EngineContext } from "./context";
import type { StepOutcome } from "./steps.server";
import { createOnce } from "./steps.server";

type Remedy<T extends PlannedRemedy["type"]> = Extract<PlannedRemedy, { type: T }>;

/** Kinds where the goods do not come back: refunded shipped units are not put back in stock. */
const GOODS_NOT_RETURNED: ReadonlySet<IncidentKind> = new Set([
  "damaged",
  "lost",
  "possibly_lost",
  "missing_item",
  "carrier_exception",
  "late_delivery",
]);

function stored<T>(row: RemediationRow, field: string): T | undefined {
  const request = row.request as Record<string, unknown> | null;
  return (request?.[field] ?? undefined) as T | undefined;
}

/** What the refunds added since `priorRefundIds` total, or null when there are none. */
async function refundedSince(ctx: EngineContext, priorRefundIds: string[]) {
  const added = (await orderRefunds(ctx.client, ctx.order.id)).filter(
    (refund) => !priorRefundIds.includes(refund.id),
  );
  const currencyCode = added[0]?.currencyCode;
  if (!currencyCode) return null;
  const minor = added.reduce((sum, refund) => sum + toMinor(refund.amount, refund.currencyCode), 0);
  return {
    ids: added.map((refund) => refund.id),
    amount: fromMinor(minor, currencyCode).amount,
    currencyCode,
  };
}

function money(amount: string, currencyCode: string, locale: string): string {
  return formatMoney({ amount, currencyCode }, locale);
}

/**
 * Refund lines for the affected units: unfulfilled units are cancelled (CANCEL: removed and
 * restocked), shipped ones RETURN to stock unless the kind means they are gone (NO_RESTOCK).
 */
export function refundLines(ctx: EngineContext, lines: PricedLine[]): RefundLine[] {
  const byId = new Map(ctx.order.lineItems.nodes.map((line) => [line.id, line]));
  const shipped: RestockType = GOODS_NOT_RETURNED.has(ctx.incident.kind as IncidentKind)
    ? "NO_RESTOCK"
    : "RETURN";
  return lines.flatMap((line) => {
    const current = byId.get(line.lineItemId);
    if (!current) return [];
    const quantity = Math.min(line.quantity, current.refundableQuantity);
    const cancel = Math.min(quantity, current.unfulfilledQuantity);
    const out: RefundLine[] = [];
    if (cancel > 0)
      out.push({ lineItemId: line.lineItemId, quantity: cancel, restockType: "CANCEL" });
    if (quantity - cancel > 0)
      out.push({ lineItemId: line.lineItemId, quantity: quantity - cancel, restockType: shipped });
    return out;
  });
}

function refundNote(ctx: EngineContext): string {
  const label = KIND_LABELS[ctx.incident.kind as IncidentKind] ?? ctx.incident.kind;
  return `Amends: ${label} on ${ctx.order.name} (incident ${ctx.incident.id})`;
}

/**
 * Refunds through refundCreate with the row's key as Shopify's idempotency key. The exact
 * input is stored before the call: a resend after a crash must be identical, or Shopify
 * refuses the key (and a fresh suggestion would already be smaller by the first refund).
 */
async function refundThrough(
  ctx: EngineContext,
  row: RemediationRow,
  lines: RefundLine[],
  includeShipping: boolean,
): Promise<{
  refund: { id: string; amount: string; currencyCode: string } | null;
  input: RefundInput | null;
}> {
  let input = stored<RefundInput>(row, "refundInput") ?? null;
  if (!input) {
    const suggestion = await suggestedRefund(ctx.client, {
      orderId: ctx.order.id,
      lines,
      refundShipping: includeShipping,
    });
    input = suggestion
      ? refundInputFrom({ orderId: ctx.order.id, note: refundNote(ctx), lines, suggestion })
      : null;
    if (!input) return { refund: null, input: null };
    await saveRequest(ctx.db, row.id, { ...(row.request as object), refundInput: input });
  }
  const refund = await refundIncident(ctx.client, input, row.idempotencyKey);
  return {
    refund: {
      id: refund.id,
      amount: refund.totalRefundedSet.shopMoney.amount,
      currencyCode: refund.totalRefundedSet.shopMoney.currencyCode,
    },
    input,
  };
}

export async function refund(
  ctx: EngineContext,
  row: RemediationRow,
  remedy: Remedy<"refund">,
): Promise<StepOutcome> {
  const lines = refundLines(ctx, remedy.lines);
  const { refund: done, input } = await refundThrough(ctx, row, lines, remedy.includeShipping);
  if (!done) {
    return {
      shopifyId: null,
      result: { skipped: "nothing left to refund" },
      amount: null,
      currencyCode: null,
      reused: false,
      summary: "Nothing was left to refund on the order (already refunded or cancelled).",
    };
  }
  return {
    shopifyId: done.id,
    result: {
      refundId: done.id,
      amount: done.amount,
      currencyCode: done.currencyCode,
      lines: input?.refundLineItems ?? [],
    },
    amount: done.amount,
    currencyCode: done.currencyCode,
    reused: false,
    summary: `Refunded ${money(done.amount, done.currencyCode, ctx.locale)} to the customer's original payment method.`,
  };
}

/**
 * Stock-out cancellation. When every unit still on the order is affected and none has shipped,
 * the whole order is cancelled (restocked, refunded to the original payment); otherwise only
 * the affected units are cancelled, through a refund with CANCEL restocking.
 */
export async function cancel(
  ctx: EngineContext,
  claimed: RemediationRow,
  remedy: Remedy<"cancel">,
): Promise<StepOutcome> {
  let row = claimed;
  const { order } = ctx;
  const jobId = stored<string>(row, "jobId");
  const wanted = new Map(remedy.lines.map((line) => [line.lineItemId, line.quantity]));
  const open = order.lineItems.nodes.filter((line) => line.refundableQuantity > 0);
  const wholeOrder =
    open.length > 0 &&
    open.every(
      (line) =>
        line.unfulfilledQuantity === line.refundableQuantity &&
        (wanted.get(line.id) ?? 0) >= line.refundableQuantity,
    );

  if (jobId || wholeOrder || order.cancelledAt) {
    // The refunds on the order before Amends cancels it, so the ones the cancellation adds
    // can be told apart and their total recorded (for the caps, the metrics and the timeline).
    let priorRefundIds = stored<string[]>(row, "priorRefundIds");
    // Cancelled already: by someone else, or by an earlier run whose answer was lost.
    const alreadyCancelled = async (cancelledAt: string) => {
      const refunded = priorRefundIds ? await refundedSince(ctx, priorRefundIds) : null;
      return {
        shopifyId: order.id,
        result: { cancelledAt },
        amount: refunded?.amount ?? null,
        currencyCode: refunded?.currencyCode ?? null,
        reused: true,
        summary: refunded
          ? `${order.name} was cancelled and ${money(refunded.amount, refunded.currencyCode, ctx.locale)} refunded.`
          : `${order.name} was already cancelled.`,
      };
    };
    if (order.cancelledAt && !jobId) return alreadyCancelled(order.cancelledAt);
    let job = jobId ? { id: jobId, done: false } : null;
    if (!job) {
      priorRefundIds ??= (await orderRefunds(ctx.client, order.id)).map((refund) => refund.id);
      row = await saveRequest(ctx.db, row.id, { ...(row.request as object), priorRefundIds });
      try {
        job = await cancelForStockOut(ctx.client, order.id, refundNote(ctx));
      } catch (error) {
        // An earlier run's cancellation (its answer lost) finished after this run read the
        // order: Shopify's job completes asynchronously. Look again before calling it a failure.
        if (!(error instanceof ShopifyUserError)) throw error;
        const now = await orderForRemediation(ctx.client, order.id);
        if (now?.cancelledAt) return alreadyCancelled(now.cancelledAt);
        throw error;
      }
      await saveRequest(ctx.db, row.id, { ...(row.request as object), jobId: job.id });
    }
    const done = await waitForJob(ctx.client, job, {
      sleep: ctx.sleep,
      intervalMs: ctx.jobPollIntervalMs,
    });
    const refunded = await refundedSince(ctx, priorRefundIds ?? []);
    return {
      shopifyId: order.id,
      result: { jobId: done.id, wholeOrder: true, refundIds: refunded?.ids ?? [] },
      amount: refunded?.amount ?? null,
      currencyCode: refunded?.currencyCode ?? null,
      reused: false,
      summary: refunded
        ? `Cancelled ${order.name}: items restocked and ${money(refunded.amount, refunded.currencyCode, ctx.locale)} refunded to the original payment method.`
        : `Cancelled ${order.name}: items restocked (nothing had been paid to refund).`,
    };
  }
  const lines = refundLines(ctx, remedy.lines).filter((line) => line.restockType === "CANCEL");
  const { refund: done } = await refundThrough(ctx, row, lines, false);
  return {
    shopifyId: done?.id ?? null,
    result: { wholeOrder: false, refundId: done?.id ?? null, lines },
    amount: done?.amount ?? null,
    currencyCode: done?.currencyCode ?? null,
    reused: false,
    summary: done
      ? `Cancelled the unavailable items and refunded ${money(done.amount, done.currencyCode, ctx.locale)}.`
      : "Nothing was left to cancel on the order.",
  };
}

/**
 * A free replacement. The draft's id is stored as soon as Shopify gives it, so a retry
 * completes or finds that draft; failing that, the incident's tag finds an earlier order.
 */
export async function replacement(
  ctx: EngineContext,
  row: RemediationRow,
  remedy: Remedy<"replacement">,
): Promise<StepOutcome> {
  const { order, incident } = ctx;
  const byId = new Map(order.lineItems.nodes.map((line) => [line.id, line]));
  let draftId = stored<string>(row, "draftId") ?? null;

  const lookup = async (): Promise<ReplacementOrder | null> => {
    if (draftId) {
      const draft = await replacementDraft(ctx.client, draftId);
      if (draft?.order) return draft.order;
      if (draft) return null; // open: complete it below rather than make another
    }
    return findReplacementOrder(ctx.client, incident.id, order.id);
  };
  const create = async (): Promise<ReplacementOrder> => {
    if (!draftId) {
      const draft =
        (await findOpenReplacementDraft(ctx.client, incident.id)) ??
        (await createReplacementDraft(ctx.client, {
          incidentId: incident.id,
          originalOrderName: order.name,
          customerId: order.customer?.id ?? null,
          email: order.email,
          shippingAddress: order.shippingAddress,
          currencyCode: order.currencyCode,
          lines: remedy.lines.map((line) => ({
            variantId: byId.get(line.lineItemId)?.variant?.id ?? null,
            title: line.title,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
          })),
        }));
      draftId = draft.id;
      await saveRequest(ctx.db, row.id, { ...(row.request as object), draftId });
    }
    return completeReplacementDraft(ctx.client, draftId);
  };
  const { value, reused } = await createOnce({ lookup, create });
  return {
    shopifyId: value.id,
    result: { orderId: value.id, orderName: value.name, draftId },
    amount: remedy.estimatedCost.amount,
    currencyCode: remedy.estimatedCost.currencyCode,
    reused,
    summary: `Created replacement order ${value.name} at no charge, shipping free.`,
  };
}

export interface CreatedCode {
  code: string;
  nodeId: string;
  endsAt: string;
}

export async function discountCode(
  ctx: EngineContext,
  row: RemediationRow,
  remedy: Remedy<"discount_code">,
): Promise<StepOutcome> {
  const { order, incident } = ctx;
  // The first attempt's arguments win: a resumed run keeps its code's dates.
  const args: ApologyCodeArgs = stored<ApologyCodeArgs>(row, "code") ?? {
    code: apologyCode(incident.shop, incident.id),
    title: `Apology for order ${order.name}`,
    customerId: order.customer?.id ?? null,
    value: remedy.value,
    startsAt: ctx.now().toISOString(),
    endsAt: remedy.expiresAt,
  };
  if (!stored(row, "code"))
    await saveRequest(ctx.db, row.id, { ...(row.request as object), code: args });
  const { value, reused } = await createOnce<ApologyCodeNode>({
    lookup: () => findApologyCode(ctx.client, args.code),
    create: () => createApologyCode(ctx.client, args),
  });
  const code = value.codeDiscount.codes?.nodes[0]?.code ?? args.code;
  const endsAt = value.codeDiscount.endsAt ?? args.endsAt;
  const worth =
    "percentage" in args.value
      ? `${args.value.percentage}% off`
      : `${money(args.value.fixedAmount.amount, args.value.fixedAmount.currencyCode, ctx.locale)} off`;
  return {
    shopifyId: value.id,
    result: { code, discountId: value.id, endsAt, value: args.value },
    amount: remedy.estimatedCost.amount,
    currencyCode: remedy.estimatedCost.currencyCode,
    reused,
    summary: `Created discount code ${code} (${worth}, one use, until ${endsAt.slice(0, 10)}).`,
  };
}

/** Tags the original order and appends one line to its note saying what Amends did. */
export async function annotate(ctx: EngineContext, done: string[]): Promise<StepOutcome> {
  const { order, incident } = ctx;
  const marker = `[amends:${incident.id}]`;
  const tags = ["amends", "amends-remediated"];
  await tagOrder(ctx.client, order.id, tags);
  const line = `Amends ${marker}: ${done.join(" ")}`;
  const { appended } = await appendOrderNote(ctx.client, order.id, line, marker);
  return {
    shopifyId: order.id,
    result: { tags, noteLine: line, appended },
    amount: null,
    currencyCode: null,
    reused: !appended,
    summary: `Tagged ${order.name} and noted the remediation on it.`,
  };
}
