// remediate(): decides what to do about an incident with the shop's policy and does it on
// Shopify, exactly once. An automatic run that the policy sends for approval parks the
// incident in awaiting_approval; the merchant's approval is the same call with trigger
// "merchant". Failures stay visible: one Shopify may not repeat (down, a job still running)
// keeps the incident remediating with the error on its timeline, and running remediate again
// (the worker's catch-up pass) resumes where the plan stopped; a refusal for good moves it to
// needs_attention, where only the merchant's retry, another plan or a dismissal moves it on.
import type { IncidentStatus } from "../../incidents/model";
import { logger } from "../../logger.server";
import { addEvent } from "../../models/incident.server";
import { enqueueCustomerMessage } from "../../models/outbox.server";
import { discardRefused, replacedUnits, transitionIncident } from "../../models/remediation.server";
import { approvalRight } from "../../models/staff.server";
import { shopSettings } from "../../models/shop.server";
import { orderForRemediation } from "../../shopify/operations/order.server";
import { fetchShopProfile } from "../../shopify/shop.server";
import type { PlannedRemedy, RemediationDecision } from "../policy";
import type { CustomerMessageKind, MerchantChoice } from "../policy";
import {
  MESSAGE_KIND_LABELS,
  TemplateError,
  decideRemediation,
  describeRemedies,
  mayApprove,
  movesMoney,
  messageValues,
  renderMessage,
  templateFor,
} from "../policy";
import * as actions from "./actions.server";
import type { EngineContext } from "./context";
import type { IncidentRow } from "./context.server";
import { customerHistory, incidentForRemediation, remediatedToday } from "./context.server";
import { withParcelItems } from "./parcel-items.server";
import { runStep } from "./steps.server";
import type { RemediateRequest, RemediationDeps, RemediationReport, RemedyAction, RemedyReport } from "./types";

const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_CANCEL_WAIT_MS = 120_000;
// Shopify indexes writes for search asynchronously, within seconds; after a lost answer the
// engine waits this long before a search may be trusted to show what the lost call did.
const DEFAULT_SEARCH_LAG_MS = 15_000;

/** Money moves first, then what depends on it: the note names the refund, the message the code.
 * A return comes before the refund: Shopify opens returns only for units not yet refunded. */
const ORDER: readonly PlannedRemedy["type"][] = ["cancel", "return", "refund", "replacement", "discount_code", "message"];

export async function remediate(deps: RemediationDeps, request: RemediateRequest): Promise<RemediationReport> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? logger;
  const found = await db.incident.findFirst({ where: { id: request.incidentId, shop: request.shop } });
  if (!found) throw new Error(`Incident ${request.incidentId} not found for ${request.shop}`);
  let incident = found;
  const status = incident.status as IncidentStatus;
  if (status === "resolved" || status === "dismissed") {
    return { status: "closed", decision: null, remedies: [], message: null };
  }
  // Waiting for the merchant: another automatic pass must not re-ask or act.
  if (status === "awaiting_approval" && request.trigger === "automatic") {
    return { status: "awaiting_approval", decision: null, remedies: [], message: null };
  }
  // Shopify refused part of the plan: only the merchant's retry, another plan or a dismissal
  // moves it on; an automatic pass would only send the refused request again.
  if (status === "needs_attention" && request.trigger === "automatic") {
    return { status: "needs_attention", decision: null, remedies: [], message: null };
  }

  const client = await deps.clientFor(request.shop);
  const order = await orderForRemediation(client, incident.orderId);
  if (!order) {
    await addEvent(db, incident.id, {
      type: "remedy_failed",
      actor: request.actor,
      message: `Shopify no longer has order ${incident.orderName}: nothing can be remediated on it.`,
      data: { orderId: incident.orderId },
    });
    return { status: "failed", decision: null, remedies: [], message: null };
  }
  const settings = await shopSettings(db, request.shop, () => fetchShopProfile(client));
  const locale = deps.locale ?? settings.locale;
  const at = now();

  // Resuming a plan already under way: it was authorised then (by the rule or the merchant),
  // so it is finished as it was chosen, whatever today's caps now say.
  const resuming = status === "remediating";
  // The merchant answers a refusal (retry the plan, or choose another): what Shopify refused is
  // set aside, so the plan's requests are built afresh and the refused one is never resent.
  const retrying = status === "needs_attention";
  if (retrying) await discardRefused(db, incident.id);
  const keepsPlan = resuming || (retrying && request.option === undefined && request.choice === undefined);
  // A plan kept as chosen was decided with its items; a new decision needs the parcel's.
  if (!keepsPlan) incident = await withParcelItems(db, client, incident, true);
  const earlier = keepsPlan ? await chosenOption(db, incident.id) : undefined;
  const option = earlier ? earlier.option : request.option;
  const choice = earlier ? earlier.choice : request.choice;
  const decision = await decisionFor(db, { incident, order, settings, at, locale, resuming, trigger: request.trigger, option, choice });
  // Money moves only with the approval of a staff member the merchant allowed, within their
  // limit; a plan already under way was authorised when it started.
  if (request.trigger === "merchant" && !resuming && decision.outcome === "apply" && movesMoney(decision.remedies)) {
    const refusal = await refusedApproval(db, request, decision, settings.policy.currencyCode, locale);
    if (refusal) {
      await addEvent(db, incident.id, {
        type: "approval_refused",
        actor: request.actor,
        message: `Not approved: ${refusal} It waits for a staff member who may approve it.`,
        data: { staffId: request.staff.id, option: decision.option, estimatedCost: decision.estimatedCost, reason: refusal },
      });
      await transitionIncident(db, {
        incidentId: incident.id,
        from: ["open"],
        to: "awaiting_approval",
        actor: request.actor,
        message: `Waiting for approval by a staff member who may: ${refusal}`,
        data: { reasons: [refusal] },
      });
      return { status: "not_allowed", decision, remedies: [], message: null, refusal };
    }
  }
  await recordDecision({ ...deps, locale }, incident, { ...request, ...(choice ? { choice } : {}) }, decision, resuming, settings.policyProblem);

  if (decision.outcome === "none") return { status: "nothing_to_do", decision, remedies: [], message: null };
  if (decision.outcome === "needs_approval") {
    await transitionIncident(db, {
      incidentId: incident.id,
      from: ["open"],
      to: "awaiting_approval",
      actor: request.actor,
      message: `Waiting for your approval: ${decision.reasons.join(" ")}`,
      data: { reasons: decision.reasons, flags: decision.flags },
    });
    return { status: "awaiting_approval", decision, remedies: [], message: null };
  }

  await transitionIncident(db, {
    incidentId: incident.id,
    from: ["open", "awaiting_approval", "needs_attention"],
    to: "remediating",
    actor: request.actor,
    message: `Remediating: ${describeRemedies(decision.remedies, locale) || "an apology message"}.`,
    data: { option: decision.option, trigger: request.trigger },
  });
  // A customer who reported the problem hears that the merchant said yes; the remedy's own
  // e-mail follows once it is done.
  if (status === "awaiting_approval" && request.trigger === "merchant" && reportedByCustomer(incident)) {
    await enqueueCustomerMessage(db, {
      shop: incident.shop,
      incidentId: incident.id,
      kind: "approved",
      customerFirstName: order.customer?.firstName ?? null,
      remedies: decision.remedies,
      actor: request.actor,
    });
  }

  const ctx: EngineContext = {
    db,
    client,
    incident,
    order,
    settings,
    actor: request.actor,
    now,
    sleep: deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    log,
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
    leaseRenewMs: deps.leaseRenewMs ?? (deps.leaseMs ?? DEFAULT_LEASE_MS) / 5,
    searchLagMs: deps.searchLagMs ?? DEFAULT_SEARCH_LAG_MS,
    waitMs: deps.waitMs ?? DEFAULT_WAIT_MS,
    jobPollIntervalMs: deps.jobPollIntervalMs ?? 1000,
    cancelWaitMs: deps.cancelWaitMs ?? DEFAULT_CANCEL_WAIT_MS,
    locale,
  };
  const { reports, message } = await carryOut(ctx, decision);

  const failed = reports.filter((r) => r.status === "failed");
  const running = reports.filter((r) => r.status === "in_progress");
  const refused = failed.filter((r) => r.refused);
  if (refused.length > 0) {
    const said = refused.map((r) => refusalSentence(r));
    await transitionIncident(db, {
      incidentId: incident.id,
      from: ["remediating"],
      to: "needs_attention",
      actor: request.actor,
      message: `Needs your attention: ${said.join(" ")} Retry it, choose another plan, or dismiss the incident.`,
      data: { refused: refused.map((r) => ({ action: r.action, error: r.error, key: r.idempotencyKey })) },
    });
    return { status: "needs_attention", decision, remedies: reports, message };
  }
  if (failed.length > 0) {
    await addEvent(db, incident.id, {
      type: "remediation_failed",
      actor: request.actor,
      message: `Remediation is incomplete: ${failed.map((r) => r.error).join("; ")}. Amends tries again shortly; you can also resume it from the incident.`,
      data: { failed: failed.map((r) => ({ action: r.action, error: r.error, key: r.idempotencyKey })) },
    });
    return { status: "failed", decision, remedies: reports, message };
  }
  if (running.length > 0) return { status: "in_progress", decision, remedies: reports, message };
  // A refund or replacement found nothing left to do (refunded or replaced since the plan):
  // the timeline must not claim it was applied.
  const skipped = reports.filter((r) => (r.result as { skipped?: unknown } | null)?.skipped);
  await transitionIncident(db, {
    incidentId: incident.id,
    from: ["remediating"],
    to: "resolved",
    actor: request.actor,
    message: skipped.length
      ? `Resolved: every remedy still needed was applied; no longer needed: ${skipped.map((r) => r.action).join(", ")}.`
      : "Resolved: every remedy was applied.",
    data: { remedies: reports.map((r) => ({ action: r.action, shopifyId: r.shopifyId, amount: r.amount })) },
  });
  // A customer who reported it always hears how it ended: by the apology when the plan has
  // one, else by this.
  if (reportedByCustomer(incident) && !decision.remedies.some((r) => r.type === "message")) {
    const code = reports.find((r) => r.action === "discount_code")?.result as { code?: string } | undefined;
    await enqueueCustomerMessage(db, {
      shop: incident.shop,
      incidentId: incident.id,
      kind: "resolved",
      customerFirstName: order.customer?.firstName ?? null,
      remedies: decision.remedies,
      code: code?.code ?? null,
      actor: request.actor,
    });
  }
  return { status: "resolved", decision, remedies: reports, message };
}

async function carryOut(
  ctx: EngineContext,
  decision: RemediationDecision,
): Promise<{ reports: RemedyReport[]; message: string | null }> {
  const reports: RemedyReport[] = [];
  const remedies = [...decision.remedies].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
  const planned = (remedy: PlannedRemedy) => ({ remedy: JSON.parse(JSON.stringify(remedy)) as unknown });
  for (const remedy of remedies) {
    switch (remedy.type) {
      case "cancel":
        reports.push(await runStep(ctx, "cancel", planned(remedy), (row) => actions.cancel(ctx, row, remedy)));
        break;
      case "refund":
        reports.push(await runStep(ctx, "refund", planned(remedy), (row) => actions.refund(ctx, row, remedy)));
        break;
      case "replacement":
        reports.push(await runStep(ctx, "replacement", planned(remedy), (row) => actions.replacement(ctx, row, remedy)));
        break;
      case "return":
        reports.push(await runStep(ctx, "return", planned(remedy), (row) => actions.returnItems(ctx, row, remedy)));
        break;
      case "discount_code":
        reports.push(await runStep(ctx, "discount_code", planned(remedy), (row) => actions.discountCode(ctx, row, remedy)));
        break;
      case "message":
        break; // last, once the code is known
    }
  }
  if (reports.some((r) => r.status !== "succeeded")) return { reports, message: null };

  const done = reports.map((r) => doneSentence(r)).filter((s) => s !== "");
  if (done.length > 0) {
    reports.push(await runStep(ctx, "annotate", { done }, () => actions.annotate(ctx, done)));
  }
  let message: string | null = null;
  if (remedies.some((r) => r.type === "message")) {
    const rendered = renderApology(ctx, remedies, reports);
    const kind = messageKindFor(ctx.incident.kind, remedies);
    const report = await runStep(ctx, "message", { template: rendered.template }, async () => {
      await addEvent(ctx.db, ctx.incident.id, {
        type: "message",
        actor: ctx.actor,
        message: rendered.text,
        data: { template: rendered.template, code: rendered.code },
      });
      // Into the outbox in the customer's language; the sender e-mails it and says so on the
      // timeline. Keyed by incident and kind: a re-run finds it instead of sending twice.
      const email = await enqueueCustomerMessage(ctx.db, {
        shop: ctx.incident.shop,
        incidentId: ctx.incident.id,
        kind,
        customerFirstName: ctx.order.customer?.firstName ?? null,
        remedies: rendered.remedies,
        code: rendered.code,
        actor: ctx.actor,
      });
      return {
        shopifyId: null,
        // Kept on the row for the order-status extension to show the customer.
        result: { message: rendered.text, template: rendered.template, code: rendered.code, outbox: email.key },
        amount: null,
        currencyCode: null,
        reused: false,
        summary: email.to
          ? `Wrote ${MESSAGE_KIND_LABELS[kind]} for the customer; it goes out by e-mail.`
          : `Wrote ${MESSAGE_KIND_LABELS[kind]} for the customer; there is no e-mail address to send it to.`,
      };
    });
    reports.push(report);
    const result = report.result as { message?: unknown } | null;
    message = typeof result?.message === "string" ? result.message : null;
  }
  return { reports, message };
}

const REFUSED_WHAT: Readonly<Record<RemedyAction, string>> = {
  cancel: "to cancel the order",
  refund: "the refund",
  replacement: "the replacement order",
  return: "the return",
  discount_code: "the discount code",
  annotate: "the note on the order",
  message: "the apology message",
};

/** "Shopify refused the refund: <Shopify's own words>." */
export function refusalSentence(report: Pick<RemedyReport, "action" | "error" | "result">): string {
  const failure = (report.result as { failure?: { userErrors?: { message: string }[] } } | null)?.failure;
  const words = failure?.userErrors?.map((e) => e.message).join("; ") || (report.error ?? "").replace(/^[A-Za-z]+: /, "") || "no reason given";
  return `Shopify refused ${REFUSED_WHAT[report.action]}: ${words.replace(/\.$/, "")}.`;
}

/** Why this staff member may not approve the plan, or null when they may. */
async function refusedApproval(
  db: RemediationDeps["db"],
  request: Extract<RemediateRequest, { trigger: "merchant" }>,
  decision: RemediationDecision,
  shopCurrency: string,
  locale: string,
): Promise<string | null> {
  const right = await approvalRight(db, request.shop, request.staff.id);
  const verdict = mayApprove({ name: request.staff.name, right, cost: decision.estimatedCost, shopCurrency, locale });
  return verdict.allowed ? null : verdict.reason;
}

/** Opened from the customer's report (the order page), not detected by a rule. */
export function reportedByCustomer(incident: IncidentRow): boolean {
  return incident.source !== "detected";
}

const LATE_KINDS: readonly string[] = ["late_fulfilment", "late_delivery", "possibly_lost", "carrier_exception"];

/** A message-only plan for a parcel running late is a heads-up, not an apology for a remedy. */
export function messageKindFor(incidentKind: string, remedies: PlannedRemedy[]): CustomerMessageKind {
  const messageOnly = remedies.every((r) => r.type === "message");
  return messageOnly && LATE_KINDS.includes(incidentKind) ? "late_notice" : "apology";
}

function doneSentence(report: RemedyReport): string {
  const result = (report.result ?? {}) as Record<string, unknown>;
  switch (report.action) {
    case "refund":
      return report.amount ? `Refunded ${report.amount} ${report.currencyCode ?? ""} (${report.shopifyId ?? ""}).` : "";
    case "cancel":
      return "Cancelled for stock-out.";
    case "replacement":
      return result.orderName ? `Replacement order ${String(result.orderName)}.` : "";
    case "discount_code":
      return `Discount code ${String(result.code ?? "")}.`;
    case "return":
      return result.returnName ? `Return ${String(result.returnName)} opened.` : "";
    default:
      return "";
  }
}

function renderApology(
  ctx: EngineContext,
  remedies: PlannedRemedy[],
  reports: RemedyReport[],
): { text: string; template: "custom" | "default"; code: string | null; remedies: PlannedRemedy[] } {
  const codeResult = reports.find((r) => r.action === "discount_code")?.result as { code?: string; endsAt?: string } | undefined;
  const code = codeResult?.code ?? null;
  // The message states the code's real end date (an earlier attempt's, when it was reused).
  // It tells the customer what was done: not a refund or replacement found to be settled
  // already when it came to it, and only the units actually replaced.
  const outcome = (type: PlannedRemedy["type"]) =>
    (reports.find((r) => r.action === type)?.result ?? {}) as { skipped?: unknown; lines?: unknown; orderName?: unknown };
  const described = remedies.flatMap((r): PlannedRemedy[] => {
    if (r.type === "discount_code" && codeResult?.endsAt) return [{ ...r, expiresAt: codeResult.endsAt }];
    if ((r.type === "refund" || r.type === "replacement") && outcome(r.type).skipped) return [];
    const { lines: sent, orderName } = outcome("replacement");
    if (r.type === "replacement") {
      return [{ ...r, ...(Array.isArray(sent) ? { lines: sent as typeof r.lines } : {}), ...(typeof orderName === "string" ? { orderName } : {}) }];
    }
    return [r];
  });
  const kind = ctx.incident.kind as keyof typeof ctx.settings.policy.kinds;
  const custom = ctx.settings.policy.kinds[kind]?.messageTemplate ?? null;
  const values = messageValues({
    remedies: described,
    orderName: ctx.order.name,
    customerFirstName: ctx.order.customer?.firstName ?? null,
    code,
    locale: ctx.locale,
    timeZone: ctx.settings.timeZone,
  });
  if (custom) {
    try {
      return { text: renderMessage(custom, values), template: "custom", code, remedies: described };
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      ctx.log.warn({ incidentId: ctx.incident.id, err: error }, "custom apology template unusable; default used");
    }
  }
  return {
    text: renderMessage(templateFor(ctx.incident.kind as Parameters<typeof templateFor>[0], null), values),
    template: "default",
    code,
    remedies: described,
  };
}

async function recordDecision(
  deps: RemediationDeps,
  incident: IncidentRow,
  request: RemediateRequest,
  decision: RemediationDecision,
  resuming: boolean,
  policyProblem: string | null,
): Promise<void> {
  const locale = deps.locale ?? "en-US";
  const what = describeRemedies(decision.remedies, locale) || "an apology message";
  const message = resuming
    ? `Resuming the remediation: ${what}.`
    : decision.outcome === "apply"
      ? `Decided to apply ${what}.`
      : decision.outcome === "needs_approval"
        ? `Proposed ${what}; it needs your approval.`
        : `No remediation: ${decision.reasons.join(" ")}`;
  await addEvent(deps.db, incident.id, {
    type: "decision",
    actor: request.actor,
    message,
    data: {
      // The kind decided for: a parcel incident whose kind escalated is decided again.
      kind: incident.kind,
      trigger: request.trigger,
      outcome: decision.outcome,
      option: decision.option,
      estimatedCost: decision.estimatedCost,
      reasons: decision.reasons,
      flags: decision.flags,
      remedies: decision.remedies,
      // Every plan the policy offers, costed, so the approval screen can offer the others.
      options: decision.options,
      // The merchant's own plan, so a resumed run finishes that one.
      ...(request.choice ? { choice: request.choice } : {}),
      resuming,
      ...(policyProblem ? { policyProblem: `The saved policy is invalid (${policyProblem}); the default policy was used.` } : {}),
    },
  });
}

/** The policy's decision for the incident as it stands now; also what the confirmation shows. */
export async function decisionFor(
  db: RemediationDeps["db"],
  args: {
    incident: IncidentRow;
    order: NonNullable<Awaited<ReturnType<typeof orderForRemediation>>>;
    settings: Awaited<ReturnType<typeof shopSettings>>;
    at: Date;
    locale: string;
    resuming: boolean;
    trigger: RemediateRequest["trigger"];
    option: number | undefined;
    choice: MerchantChoice | undefined;
  },
): Promise<RemediationDecision> {
  const { incident, order, settings, at, resuming, option, choice } = args;
  const currency = settings.policy.currencyCode;
  return decideRemediation({
    incident: incidentForRemediation(
      incident,
      order,
      resuming ? null : await replacedUnits(db, { shop: incident.shop, orderId: incident.orderId, excludeIncidentId: incident.id }),
    ),
    policy: settings.policy,
    customerHistory: await customerHistory(db, incident, order, at, currency),
    shopActivity: { remediatedToday: await remediatedToday(db, incident, at, settings) },
    trigger: resuming ? "merchant" : args.trigger,
    now: at,
    ...(option === undefined ? {} : { option }),
    ...(choice ? { choice } : {}),
    locale: args.locale,
  });
}

/** The plan an earlier run chose to apply, so a resumed run finishes that one. */
export async function chosenOption(
  db: RemediationDeps["db"],
  incidentId: string,
): Promise<{ option: number; choice: MerchantChoice | undefined } | undefined> {
  const events = await db.incidentEvent.findMany({
    where: { incidentId, type: "decision" },
    orderBy: { at: "desc" },
    select: { data: true },
    take: 20,
  });
  for (const event of events) {
    const data = event.data as { outcome?: unknown; option?: unknown; choice?: MerchantChoice } | null;
    if (data?.outcome === "apply" && typeof data.option === "number") return { option: data.option, choice: data.choice };
  }
  return undefined;
}

export type { RemedyAction };
