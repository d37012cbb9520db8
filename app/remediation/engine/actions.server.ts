// What each remedy does on Shopify. Every executor starts from the row's stored progress and
// looks for an earlier attempt's result before acting, so running it again is safe.
import type { IncidentKind } from "../../incidents/model";
import { replacedUnits, saveRequest } from "../../models/remediation.server";
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
import { orderForRemediation, orderUnits } from "../../shopify/operations/order.server";
import { ShopifyError, ShopifyUserError } from "../../shopify/errors";
import type { ReplacementOrder } from "../../shopify/operations/replacement.server";
import {
  completeReplacementDraft,
  createReplacementDraft,
  findReplacementDraft,
  replacementDraft,
} from "../../shopify/operations/replacement.server";
import { appendOrderNote, tagOrder } from "../../shopify/operations/annotate.server";
import type { OpenedReturn } from "../../shopify/operations/return.server";
import { createIncidentReturn, returnMarker, returnableUnits } from "../../shopify/operations/return.server";
import type { PlannedRemedy, PricedLine } from "../policy";
import { KIND_LABELS, formatMoney, fromMinor, moneyToMinor, toMinor } from "../policy";
import type { EngineContext } from "./context";
import type { StepOutcome } from "./steps.server";
import { createOnce, shopifyKey } from "./steps.server";

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
 * Each line's units as Shopify has them now, less what other incidents already replaced: the
 * plan may be minutes old (an approval screen, a resumed run), and a refund or replacement made
 * since must not be paid for twice.
 */
async function unitsNow(
  ctx: EngineContext,
): Promise<Map<string, { left: number; unfulfilled: number }>> {
  const [units, replaced] = await Promise.all([
    orderUnits(ctx.client, ctx.order.id),
    replacedUnits(ctx.db, {
      shop: ctx.incident.shop,
      orderId: ctx.order.id,
      excludeIncidentId: ctx.incident.id,
    }),
  ]);
  return new Map(
    [...units].map(([id, line]) => [
      id,
      {
        left: Math.max(0, line.refundableQuantity - (replaced.get(id) ?? 0)),
        unfulfilled: line.unfulfilledQuantity,
      },
    ]),
  );
}

/** The planned lines cut to the units still left now; lines with none left are dropped. */
function stillOpen(lines: PricedLine[], units: Map<string, { left: number }>): PricedLine[] {
  return lines.flatMap((line) => {
    const quantity = Math.min(line.quantity, units.get(line.lineItemId)?.left ?? 0);
    return quantity > 0 ? [{ ...line, quantity }] : [];
  });
}

/**
 * Refund lines for the affected units still left: unfulfilled units are cancelled (CANCEL:
 * removed and restocked), shipped ones RETURN to stock unless the kind means they are gone
 * (NO_RESTOCK). Shipped units in a return (`inReturns`, per line) are NO_RESTOCK too: the
 * return restocks them when they come back, and a RETURN refund would restock them a second
 * time.
 */
export function refundLines(
  ctx: EngineContext,
  lines: PricedLine[],
  units: Map<string, { left: number; unfulfilled: number }>,
  inReturns: ReadonlyMap<string, number> = new Map(),
): RefundLine[] {
  const shipped: RestockType = GOODS_NOT_RETURNED.has(ctx.incident.kind as IncidentKind)
    ? "NO_RESTOCK"
    : "RETURN";
  return lines.flatMap((line) => {
    const current = units.get(line.lineItemId);
    if (!current) return [];
    const quantity = Math.min(line.quantity, current.left);
    const cancel = Math.min(quantity, current.unfulfilled);
    const returning = shipped === "RETURN" ? Math.min(quantity - cancel, inReturns.get(line.lineItemId) ?? 0) : 0;
    const out: RefundLine[] = [];
    const add = (count: number, restockType: RestockType) => {
      if (count > 0) out.push({ lineItemId: line.lineItemId, quantity: count, restockType });
    };
    add(cancel, "CANCEL");
    add(returning, "NO_RESTOCK");
    add(quantity - cancel - returning, shipped);
    return out;
  });
}

/** The refund left shipped units for their return to restock (the kind would restock them). */
function restockedByReturn(ctx: EngineContext, input: RefundInput | null): boolean {
  if (GOODS_NOT_RETURNED.has(ctx.incident.kind as IncidentKind)) return false;
  return (input?.refundLineItems ?? []).some((line) => line.restockType === "NO_RESTOCK");
}

/** Per order line, the units in a return: read only when a refund would restock shipped units. */
async function unitsInReturns(
  ctx: EngineContext,
  lines: PricedLine[],
  units: Map<string, { left: number; unfulfilled: number }>,
): Promise<ReadonlyMap<string, number>> {
  if (GOODS_NOT_RETURNED.has(ctx.incident.kind as IncidentKind)) return new Map();
  const shipped = lines.some((line) => {
    const current = units.get(line.lineItemId);
    return current !== undefined && Math.min(line.quantity, current.left) > current.unfulfilled;
  });
  if (!shipped) return new Map();
  return (await returnableUnits(ctx.client, ctx.order.id, ctx.incident.id))?.inReturns ?? new Map();
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
  refundable: () => Promise<RefundLine[]>,
  includeShipping: boolean,
  limit?: { amount: string; currencyCode: string },
): Promise<{
  refund: { id: string; amount: string; currencyCode: string } | null;
  input: RefundInput | null;
}> {
  let input = stored<RefundInput>(row, "refundInput") ?? null;
  if (!input) {
    const lines = await refundable();
    if (lines.length === 0) return { refund: null, input: null };
    const suggestion = await suggestedRefund(ctx.client, {
      orderId: ctx.order.id,
      lines,
      refundShipping: includeShipping,
    });
    input = suggestion
      ? refundInputFrom({ orderId: ctx.order.id, note: refundNote(ctx), lines, suggestion, ...(limit ? { limit } : {}) })
      : null;
    if (!input) return { refund: null, input: null };
    await saveRequest(ctx.db, row, { ...(row.request as object), refundInput: input });
  }
  const refund = await refundIncident(ctx.client, input, shopifyKey(row));
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
  const refundable = async () => {
    const units = await unitsNow(ctx);
    return refundLines(ctx, remedy.lines, units, await unitsInReturns(ctx, remedy.lines, units));
  };
  const { refund: done, input } = await refundThrough(ctx, row, refundable, remedy.includeShipping, remedy.limitedTo);
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
    summary: `Refunded ${money(done.amount, done.currencyCode, ctx.locale)} to the customer's original payment method.${
      restockedByReturn(ctx, input) ? " The items in the return go back in stock when you receive it in Shopify." : ""
    }`,
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
    const cancelledBefore = async (cancelledAt: string): Promise<StepOutcome> => {
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
    if (order.cancelledAt && !jobId) return cancelledBefore(order.cancelledAt);
    let job = jobId ? { id: jobId, done: false } : null;
    if (!job) {
      // An earlier run asked Shopify to cancel and lost the answer (a crash, a dropped
      // connection): its job runs on Shopify, its id unknown here. Wait for the order to show
      // the cancellation rather than ask again or conclude it failed.
      const requestedAt = stored<string>(row, "cancelRequestedAt");
      if (requestedAt) {
        const cancelledAt = await cancellationOf(ctx, Date.parse(requestedAt) + ctx.cancelWaitMs);
        if (cancelledAt) return cancelledBefore(cancelledAt);
      }
      // An earlier run that wrote these may have sent the cancel already: its refunds must not
      // be counted as "before", so the list is taken only once.
      if (!priorRefundIds) {
        priorRefundIds = (await orderRefunds(ctx.client, order.id)).map((refund) => refund.id);
        row = await saveRequest(ctx.db, row, { ...(row.request as object), priorRefundIds });
      }
      row = await saveRequest(ctx.db, row, { ...(row.request as object), cancelRequestedAt: ctx.now().toISOString() });
      try {
        job = await cancelForStockOut(ctx.client, order.id, refundNote(ctx));
      } catch (error) {
        // An earlier run's cancellation (sent, answer lost) is running or finished: Shopify
        // refuses a second one. Wait for the order to show it; only then is the refusal final.
        if (!(error instanceof ShopifyUserError)) throw error;
        const cancelledAt = await cancellationOf(ctx, ctx.now().getTime() + ctx.cancelWaitMs);
        if (cancelledAt) return cancelledBefore(cancelledAt);
        // Asked before and still not showing: Shopify's job is slow, not refused; a later run
        // looks again. Never asked before: the refusal is Shopify's final word.
        if (requestedAt) {
          throw new ShopifyError(`the cancellation asked for at ${requestedAt} has not shown on ${order.name} yet`, "CancelForStockOut", true, "JOB_PENDING");
        }
        throw error;
      }
      await saveRequest(ctx.db, row, { ...(row.request as object), jobId: job.id });
    }
    const done = await waitForJob(ctx.client, job, {
      sleep: ctx.sleep,
      intervalMs: ctx.jobPollIntervalMs,
      now: () => ctx.now().getTime(),
      timeoutMs: ctx.cancelWaitMs,
    });
    // The job ran; whether it cancelled is the order's to say (Shopify's cancellation can fail).
    if (!(await orderForRemediation(ctx.client, order.id))?.cancelledAt) {
      throw new ShopifyUserError("CancelForStockOut", [
        { field: ["orderId"], message: `Shopify finished the cancellation of ${order.name} but the order is not cancelled` },
      ]);
    }
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
  let lines: RefundLine[] = [];
  const cancellable = async () => {
    lines = refundLines(ctx, remedy.lines, await unitsNow(ctx)).filter(
      (line) => line.restockType === "CANCEL",
    );
    return lines;
  };
  const { refund: done, input } = await refundThrough(ctx, row, cancellable, false);
  return {
    shopifyId: done?.id ?? null,
    result: {
      wholeOrder: false,
      refundId: done?.id ?? null,
      lines: input?.refundLineItems ?? lines,
    },
    amount: done?.amount ?? null,
    currencyCode: done?.currencyCode ?? null,
    reused: false,
    summary: done
      ? `Cancelled the unavailable items and refunded ${money(done.amount, done.currencyCode, ctx.locale)}.`
      : "Nothing was left to cancel on the order.",
  };
}

/** The order's cancellation time once Shopify shows it, polling until `until` (ms): null if not by then. */
async function cancellationOf(ctx: EngineContext, until: number): Promise<string | null> {
  for (;;) {
    const now = await orderForRemediation(ctx.client, ctx.order.id);
    if (now?.cancelledAt) return now.cancelledAt;
    if (ctx.now().getTime() >= until) return null;
    await ctx.sleep(ctx.jobPollIntervalMs);
  }
}

/** Every unit the plan would replace was refunded or replaced since: no draft is made. */
class NothingLeft extends Error {}

/**
 * A free replacement. Shopify cannot deduplicate draftOrderCreate, so the run writes down that
 * it is asking for a draft before it asks, and the draft's id as soon as Shopify gives it; a
 * retry then completes (or reads the order of) that draft by id. Only when the answer with the
 * id was lost is the draft looked for by the incident's tag, and since search lags behind
 * writes, not before the lag has passed since it was asked for (a bounded wait, `searchLagMs`).
 */
export async function replacement(
  ctx: EngineContext,
  claimed: RemediationRow,
  remedy: Remedy<"replacement">,
): Promise<StepOutcome> {
  const { order, incident } = ctx;
  const byId = new Map(order.lineItems.nodes.map((line) => [line.id, line]));
  let row = claimed;
  let draftId = stored<string>(row, "draftId") ?? null;
  let requestedAt = stored<string>(row, "draftRequestedAt") ?? null;
  // The units the draft was made for; the plan's until a draft is made.
  let lines = stored<PricedLine[]>(row, "lines") ?? remedy.lines;

  const lookup = async (): Promise<ReplacementOrder | null> => {
    if (draftId) {
      const draft = await replacementDraft(ctx.client, draftId);
      return draft?.order ?? null; // open: completed below rather than another made
    }
    // Rows from before draftRequestedAt was kept: a retry may have lost a draft's id too.
    if (!requestedAt && row.attempts <= 1) return null;
    if (requestedAt) {
      const wait = Date.parse(requestedAt) + ctx.searchLagMs - ctx.now().getTime();
      if (wait > 0) await ctx.sleep(wait);
    }
    const found = await findReplacementDraft(ctx.client, incident.id);
    if (!found) return null;
    draftId = found.id;
    row = await saveRequest(ctx.db, row, { ...(row.request as object), draftId });
    return found.order;
  };
  const create = async (): Promise<ReplacementOrder> => {
    if (!draftId) {
      lines = stillOpen(remedy.lines, await unitsNow(ctx));
      if (lines.length === 0) throw new NothingLeft();
      requestedAt = ctx.now().toISOString();
      row = await saveRequest(ctx.db, row, { ...(row.request as object), draftRequestedAt: requestedAt, lines });
      const draft = await createReplacementDraft(ctx.client, {
        incidentId: incident.id,
        originalOrderName: order.name,
        customerId: order.customer?.id ?? null,
        email: order.email,
        shippingAddress: order.shippingAddress,
        currencyCode: order.currencyCode,
        lines: lines.map((line) => ({
          variantId: byId.get(line.lineItemId)?.variant?.id ?? null,
          title: line.title,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
        })),
      });
      draftId = draft.id;
      row = await saveRequest(ctx.db, row, { ...(row.request as object), draftId, lines });
    }
    return completeReplacementDraft(ctx.client, draftId);
  };
  let made: { value: ReplacementOrder; reused: boolean };
  try {
    made = await createOnce({ lookup, create });
  } catch (error) {
    if (!(error instanceof NothingLeft)) throw error;
    return {
      shopifyId: null,
      result: { skipped: "nothing left to replace", lines: [] },
      amount: null,
      currencyCode: null,
      reused: false,
      summary:
        "Nothing was left to replace: the items were refunded or replaced since the plan was made.",
    };
  }
  const { value, reused } = made;
  const currency = remedy.estimatedCost.currencyCode;
  const cost = lines.reduce((sum, line) => sum + moneyToMinor(line.unitPrice) * line.quantity, 0);
  return {
    shopifyId: value.id,
    result: { orderId: value.id, orderName: value.name, draftId, lines },
    amount: fromMinor(cost, currency).amount,
    currencyCode: currency,
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
    await saveRequest(ctx.db, row, { ...(row.request as object), code: args });
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

/**
 * Asks for the item back: a Shopify return for the affected units that have shipped. Shopify
 * cannot deduplicate returnCreate, so the return's lines carry the incident's marker and an
 * earlier attempt's return is found on the order (a direct read) before another is made.
 */
export async function returnItems(
  ctx: EngineContext,
  row: RemediationRow,
  remedy: Remedy<"return">,
): Promise<StepOutcome> {
  const { order, incident } = ctx;
  const titles = new Map(remedy.lines.map((line) => [line.lineItemId, line.title]));
  const lookup = async (): Promise<OpenedReturn | null> =>
    (await returnableUnits(ctx.client, order.id, incident.id))?.existing ?? null;
  const create = async (): Promise<OpenedReturn> => {
    const units = await returnableUnits(ctx.client, order.id, incident.id);
    const lines = remedy.lines.flatMap((line) => {
      let wanted = line.quantity;
      return (units?.byLine.get(line.lineItemId) ?? []).flatMap((fulfilled) => {
        const quantity = Math.min(wanted, fulfilled.quantity);
        wanted -= quantity;
        return quantity > 0 ? [{ fulfillmentLineItemId: fulfilled.fulfillmentLineItemId, lineItemId: line.lineItemId, quantity }] : [];
      });
    });
    if (lines.length === 0) throw new NothingToReturn();
    return createIncidentReturn(ctx.client, {
      orderId: order.id,
      lines,
      reason: remedy.reason,
      note: `${KIND_LABELS[incident.kind as IncidentKind] ?? incident.kind} ${returnMarker(incident.id)}`,
    });
  };
  let made: { value: OpenedReturn; reused: boolean };
  try {
    made = await createOnce({ lookup, create });
  } catch (error) {
    if (!(error instanceof NothingToReturn)) throw error;
    return {
      shopifyId: null,
      result: { skipped: "nothing shipped to return" },
      amount: null,
      currencyCode: null,
      reused: false,
      summary: "Nothing could be asked back: none of the affected items has shipped, or they are already in a return.",
    };
  }
  const { value, reused } = made;
  const what = value.lines.map((line) => `${line.quantity} × ${titles.get(line.lineItemId) ?? "item"}`).join(", ");
  return {
    shopifyId: value.id,
    result: { returnId: value.id, returnName: value.name, status: value.status, reason: remedy.reason, lines: value.lines },
    amount: null,
    currencyCode: null,
    reused,
    summary: `Opened return ${value.name} on Shopify for ${what} (${remedy.reason === "DEFECTIVE" ? "damaged or defective" : "wrong item received"}).`,
  };
}

/** None of the affected units has shipped (or all are in a return already). */
class NothingToReturn extends Error {}
