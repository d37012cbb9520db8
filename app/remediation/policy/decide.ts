// decideRemediation: turns an incident and the shop's policy into a concrete plan and says
// whether it may be applied now, needs the merchant's approval, or there is nothing to do.
//
// The merchant is the authority: when they trigger or approve a remediation, caps, abuse
// signals and conditions no longer block it, but the reasons still list them so the approval
// screen shows what they are overriding.
import type { IncidentKind, Money } from "../../incidents/model";
import { returnReasonFor } from "./allowed";
import { planChoice } from "./choice";
import { formatMinor, fromMinor, moneyToMinor, percentOfMinor } from "./money";
import type { RemedyTemplate } from "./schema";
import type { PolicySignal, SignalContext } from "./signals";
import {
  firstOrderClaimSignal,
  incidentCountSignal,
  perCustomerCap,
  perDayCap,
  perIncidentCap,
  refundRateSignal,
  refundedTotalSignal,
} from "./signals";
import type {
  IncidentForRemediation,
  PlannedOption,
  PlannedRemedy,
  PricedLine,
  RemediationDecision,
  RemediationInput,
} from "./types";

export const KIND_LABELS: Readonly<Record<IncidentKind, string>> = {
  stock_out_cancellation: "stock-out cancellation",
  oversell_risk: "oversell risk",
  late_fulfilment: "late fulfilment",
  late_delivery: "late delivery",
  possibly_lost: "possibly lost parcel",
  carrier_exception: "carrier exception",
  wrong_item: "wrong item",
  wrong_quantity: "wrong quantity",
  missing_item: "missing item",
  damaged: "damaged item",
  lost: "lost parcel",
  wrong_address: "wrong address",
  other: "other problem",
};

/** The kind as a heading or table cell: "Stock-out cancellation". */
export function kindTitle(kind: string): string {
  const label = (KIND_LABELS as Readonly<Record<string, string>>)[kind] ?? kind.replaceAll("_", " ");
  return label.charAt(0).toUpperCase() + label.slice(1);
}

const DAY_MS = 86_400_000;

/** The value of the affected lines, in the incident's currency. Bad data is a caller bug. */
export function linesValue(lines: PricedLine[], currency: string): number {
  return lines.reduce((sum, line) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
      throw new Error(`Line ${line.lineItemId} has quantity ${line.quantity}`);
    }
    if (line.unitPrice.currencyCode !== currency) {
      throw new Error(
        `Line ${line.lineItemId} is priced in ${line.unitPrice.currencyCode}, the incident in ${currency}`,
      );
    }
    return sum + moneyToMinor(line.unitPrice) * line.quantity;
  }, 0);
}

interface Plan extends PlannedOption {
  notes: PolicySignal[];
}

const USES_UNITS: ReadonlySet<RemedyTemplate["type"]> = new Set(["refund", "replacement", "cancel"]);

/**
 * The affected units still open to a refund, a replacement or a cancellation: what Shopify can
 * still refund less what Amends already replaced. `wholeOrder` when they are everything left
 * on the order.
 */
export function unitsLeft(incident: IncidentForRemediation): {
  lines: PricedLine[];
  notes: PolicySignal[];
  wholeOrder: boolean;
} {
  const standing = incident.orderLines;
  if (!standing) return { lines: incident.lines, notes: [], wholeOrder: false };
  const byId = new Map(standing.map((line) => [line.lineItemId, line]));
  const left = (lineItemId: string) => {
    const line = byId.get(lineItemId);
    return line ? Math.max(0, line.refundableQuantity - line.replacedQuantity) : 0;
  };
  const lines: PricedLine[] = [];
  const notes: PolicySignal[] = [];
  for (const line of incident.lines) {
    const quantity = Math.min(line.quantity, left(line.lineItemId));
    if (quantity > 0) lines.push({ ...line, quantity });
    if (quantity === line.quantity) continue;
    const known = byId.get(line.lineItemId);
    const refunded = known ? known.quantity - known.refundableQuantity > 0 : false;
    const replaced = known ? known.replacedQuantity > 0 : false;
    const how = refunded && replaced ? "refunded or replaced" : replaced ? "replaced" : "refunded";
    const settled = known
      ? `${line.quantity - quantity} of ${line.quantity} already ${how}`
      : "no longer on the order";
    notes.push({
      flag: "already_remedied",
      reason:
        quantity === 0
          ? `${line.title}: ${settled}, so nothing is left to refund or replace.`
          : `${line.title}: ${settled}; the plan covers the other ${quantity}.`,
    });
  }
  const planned = new Map(lines.map((line) => [line.lineItemId, line.quantity]));
  const wholeOrder =
    lines.length > 0 && standing.every((line) => (planned.get(line.lineItemId) ?? 0) >= left(line.lineItemId));
  return { lines, notes, wholeOrder };
}

/**
 * Makes remedy templates concrete for one incident. The estimated cost is in the incident's
 * currency; a fixed-amount code is in the shop's and is left out of it when they differ (the
 * mismatch itself sends the plan for approval).
 */
export function planRemedies(
  templates: RemedyTemplate[],
  incident: IncidentForRemediation,
  shopCurrency: string,
  now: Date,
): Plan {
  const { currency } = incident;
  if (incident.orderTotal.currencyCode !== currency) {
    throw new Error(
      `The order total is in ${incident.orderTotal.currencyCode}, the incident in ${currency}`,
    );
  }
  // Units already refunded or replaced are never offered again.
  const left = unitsLeft(incident);
  const { lines } = left;
  const itemsMinor = linesValue(lines, currency);
  const remedies: PlannedRemedy[] = [];
  const notes: PolicySignal[] = templates.some((t) => USES_UNITS.has(t.type)) ? [...left.notes] : [];
  let cost = 0;
  const noLines = (what: string) => {
    // Lines that are all settled already have their own note.
    if (incident.lines.length > 0) return;
    notes.push({
      flag: "no_affected_lines",
      reason: `No affected items are known, so there is nothing to ${what}.`,
    });
  };

  for (const template of templates) {
    switch (template.type) {
      case "refund": {
        if (lines.length === 0) {
          noLines("refund");
          break;
        }
        let amount = itemsMinor;
        const includeShipping =
          template.includeShipping === "always" ||
          (template.includeShipping === "whole_order" && left.wholeOrder);
        if (includeShipping) {
          if (incident.shippingTotal && incident.shippingTotal.currencyCode === currency) {
            const refunded =
              incident.shippingRefunded?.currencyCode === currency
                ? moneyToMinor(incident.shippingRefunded)
                : 0;
            amount += Math.max(0, moneyToMinor(incident.shippingTotal) - refunded);
          } else {
            notes.push({
              flag: "shipping_unknown",
              reason:
                "The order's shipping amount is unknown, so the refund estimate leaves it out.",
            });
          }
        }
        if (incident.refundable?.currencyCode === currency) {
          const refundable = Math.max(0, moneyToMinor(incident.refundable));
          if (amount > refundable) {
            amount = refundable;
            notes.push({
              flag: "refund_capped",
              reason: `Only ${formatMinor(refundable, currency)} ${currency} paid on the order is left to refund, so the refund is capped at it.`,
            });
          }
        }
        remedies.push({
          type: "refund",
          lines,
          includeShipping,
          amount: fromMinor(amount, currency),
        });
        cost += amount;
        break;
      }
      case "discount_code": {
        const expiresAt = new Date(now.getTime() + template.expiresInDays * DAY_MS).toISOString();
        if ("percentage" in template.value) {
          // A percentage code costs nothing until used; assume the next order is like this one.
          const estimate = percentOfMinor(
            moneyToMinor(incident.orderTotal),
            template.value.percentage,
          );
          remedies.push({
            type: "discount_code",
            value: { percentage: template.value.percentage },
            expiresAt,
            estimatedCost: fromMinor(estimate, incident.orderTotal.currencyCode),
          });
          cost += estimate;
        } else {
          const fixed: Money = { amount: template.value.fixedAmount, currencyCode: shopCurrency };
          const normalised = fromMinor(moneyToMinor(fixed), shopCurrency);
          remedies.push({
            type: "discount_code",
            value: { fixedAmount: normalised },
            expiresAt,
            estimatedCost: normalised,
          });
          if (shopCurrency === currency) cost += moneyToMinor(normalised);
        }
        break;
      }
      case "replacement":
        if (lines.length === 0) {
          noLines("replace");
          break;
        }
        // Priced at what the customer paid: the goods' cost to the store is not known here.
        remedies.push({
          type: "replacement",
          lines,
          estimatedCost: fromMinor(itemsMinor, currency),
        });
        cost += itemsMinor;
        break;
      case "cancel":
        if (lines.length === 0) {
          noLines("cancel");
          break;
        }
        // Cancelling costs nothing by itself; money moves with a refund remedy.
        remedies.push({ type: "cancel", lines });
        break;
      case "return":
        if (incident.lines.length === 0) {
          noLines("ask back");
          break;
        }
        // Shopify takes back fulfilled units only; the engine trims the lines to those when it
        // acts. Costs nothing by itself.
        remedies.push({ type: "return", lines: incident.lines, reason: returnReasonFor(incident.kind) });
        break;
      case "message":
        remedies.push({ type: "message" });
        break;
    }
  }
  return { remedies, estimatedCost: fromMinor(cost, currency), notes };
}

function empty(currency: string): Money {
  return fromMinor(0, currency);
}

export function decideRemediation(input: RemediationInput): RemediationDecision {
  const { incident, policy, customerHistory, shopActivity, trigger, now } = input;
  const locale = input.locale ?? "en-US";
  const label = KIND_LABELS[incident.kind];
  const kindPolicy = policy.kinds[incident.kind];
  if (!kindPolicy && !input.choice) {
    return {
      outcome: "none",
      remedies: [],
      estimatedCost: empty(incident.currency),
      reasons: [`No remediation policy is set for ${label} incidents.`],
      flags: ["no_policy"],
      options: [],
      option: 0,
    };
  }

  const policyPlans = kindPolicy
    ? [kindPolicy.remedies, ...kindPolicy.alternatives].map((templates) =>
        planRemedies(templates, incident, policy.currencyCode, now),
      )
    : [];
  let plans: Plan[] = policyPlans;
  if (input.choice) {
    // The merchant's own plan is the last option; it is decided like any other.
    const chosen = planChoice(input.choice, incident, policy.currencyCode, now, locale);
    if (!chosen.ok) {
      return {
        outcome: "none",
        remedies: [],
        estimatedCost: empty(incident.currency),
        reasons: Object.values(chosen.errors),
        flags: ["merchant_choice_invalid"],
        options: policyPlans.map(({ remedies, estimatedCost }) => ({ remedies, estimatedCost })),
        option: 0,
      };
    }
    plans = [...policyPlans, { ...chosen.option, notes: [] }];
  }
  const options: PlannedOption[] = plans.map(({ remedies, estimatedCost }) => ({
    remedies,
    estimatedCost,
  }));
  const option = input.choice ? plans.length - 1 : (input.option ?? 0);
  const plan = plans[option];
  if (!plan) throw new RangeError(`Option ${option} does not exist for ${label} incidents`);

  const none = (signals: PolicySignal[]): RemediationDecision => ({
    outcome: "none",
    remedies: [],
    estimatedCost: empty(incident.currency),
    reasons: signals.map((s) => s.reason),
    flags: signals.map((s) => s.flag),
    options,
    option,
  });

  if (plan.remedies.length === 0) {
    return none([
      ...plan.notes,
      { flag: "no_remedies", reason: `The policy for ${label} incidents offers no remedy here.` },
    ]);
  }

  // Conditions: below the threshold the policy does nothing on its own (no approval queue for
  // every slightly late parcel); unknown lateness goes to the merchant rather than guessing.
  const conditions: PolicySignal[] = [];
  const minDaysLate = input.choice ? undefined : kindPolicy?.conditions.minDaysLate;
  if (minDaysLate !== undefined) {
    if (incident.daysLate === undefined) {
      conditions.push({
        flag: "days_late_unknown",
        reason: `The policy acts from ${minDaysLate} days late, but how late this is isn't known.`,
      });
    } else if (incident.daysLate < minDaysLate) {
      const signal: PolicySignal = {
        flag: "condition_not_met",
        reason: `This is ${incident.daysLate} ${incident.daysLate === 1 ? "day" : "days"} late; the policy acts from ${minDaysLate} days late.`,
      };
      if (trigger === "automatic") return none([signal]);
      conditions.push(signal);
    }
  }

  const context: SignalContext = { currencyCode: policy.currencyCode, locale };
  const foreign = [
    incident.currency,
    shopActivity.remediatedToday.currencyCode,
    ...(customerHistory
      ? [
          customerHistory.refundedLast12Months.currencyCode,
          customerHistory.amountSpent.currencyCode,
        ]
      : []),
  ].filter((code, i, all) => code !== policy.currencyCode && all.indexOf(code) === i);
  const currency: PolicySignal[] =
    foreign.length > 0
      ? [
          {
            flag: "currency_mismatch",
            reason: `Amounts in ${foreign.join(", ")} can't be checked against the policy's ${policy.currencyCode} caps and thresholds.`,
          },
        ]
      : [];

  const cost = plan.estimatedCost;
  const costMinor = moneyToMinor(cost);
  const caps = [
    perIncidentCap(cost, policy.caps, context),
    customerHistory ? perCustomerCap(cost, customerHistory, policy.caps, context) : null,
    perDayCap(cost, shopActivity, policy.caps, context),
  ];
  // Abuse signals guard money; an apology to a frequent claimant costs nothing.
  const abuse =
    customerHistory && costMinor > 0
      ? [
          incidentCountSignal(customerHistory, policy.abuse),
          refundedTotalSignal(customerHistory, policy.abuse, context),
          refundRateSignal(customerHistory, policy.abuse, context),
          firstOrderClaimSignal(
            incident.kind,
            fromMinor(linesValue(incident.lines, incident.currency), incident.currency),
            customerHistory,
            policy.abuse,
            context,
          ),
        ]
      : [];

  const manual: PolicySignal[] =
    kindPolicy?.mode === "manual" && trigger === "automatic"
      ? [
          {
            flag: "manual_mode",
            reason: `The policy for ${label} incidents asks for your approval.`,
          },
        ]
      : [];
  const blocking = [
    ...manual,
    ...conditions,
    ...currency,
    ...[...caps, ...abuse].filter((s): s is PolicySignal => s !== null),
  ];
  const signals = [...blocking, ...plan.notes];
  return {
    outcome: trigger === "merchant" || blocking.length === 0 ? "apply" : "needs_approval",
    remedies: plan.remedies,
    estimatedCost: cost,
    reasons: signals.map((s) => s.reason),
    flags: signals.map((s) => s.flag),
    options,
    option,
  };
}
