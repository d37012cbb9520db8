// The checks that stop the policy acting alone: spending caps and abuse signals. Each is a small
// pure function returning a merchant-readable reason when it fires, or null.
//
// Amounts in another currency than the policy's are not compared (no exchange rates here):
// the rule stays silent and decideRemediation reports the mismatch itself.
import type { IncidentKind, Money } from "../../incidents/model";
import { REPORTED_KINDS } from "../../incidents/model";
import { formatMoney, fromMinor, moneyToMinor, toMinor } from "./money";
import type { AbuseThresholds, RemediationCaps } from "./schema";
import type { CustomerHistory, DecisionFlag, ShopActivity } from "./types";

export interface PolicySignal {
  flag: DecisionFlag;
  reason: string;
}

/** What every rule needs: the plan's estimated cost and how to word amounts. */
export interface SignalContext {
  /** The policy's (shop) currency. */
  currencyCode: string;
  locale: string;
}

function minorIn(money: Money, currencyCode: string): number | null {
  return money.currencyCode === currencyCode ? moneyToMinor(money) : null;
}

function show(minor: number, context: SignalContext): string {
  return formatMoney(fromMinor(minor, context.currencyCode), context.locale);
}

// ---------------------------------------------------------------------------------------------
// Caps. A plan that costs nothing (an apology) never hits a cap, whatever was spent before.

export function perIncidentCap(
  cost: Money,
  caps: RemediationCaps,
  context: SignalContext,
): PolicySignal | null {
  const spend = minorIn(cost, context.currencyCode);
  if (caps.maxPerIncident === null || spend === null || spend <= 0) return null;
  const cap = toMinor(caps.maxPerIncident, context.currencyCode);
  if (spend <= cap) return null;
  return {
    flag: "cap_per_incident",
    reason: `The estimated cost of ${show(spend, context)} is above the ${show(cap, context)} cap per incident.`,
  };
}

/** Counts what the customer was refunded in 12 months plus everything this plan costs. */
export function perCustomerCap(
  cost: Money,
  history: CustomerHistory,
  caps: RemediationCaps,
  context: SignalContext,
): PolicySignal | null {
  const spend = minorIn(cost, context.currencyCode);
  const before = minorIn(history.refundedLast12Months, context.currencyCode);
  if (caps.maxPerCustomer12Months === null || spend === null || before === null || spend <= 0) {
    return null;
  }
  const cap = toMinor(caps.maxPerCustomer12Months, context.currencyCode);
  if (before + spend <= cap) return null;
  return {
    flag: "cap_per_customer",
    reason:
      `This customer has been refunded ${show(before, context)} in the last 12 months; with this ` +
      `incident's ${show(spend, context)} that is ${show(before + spend, context)}, above the ` +
      `${show(cap, context)} cap per customer.`,
  };
}

export function perDayCap(
  cost: Money,
  activity: ShopActivity,
  caps: RemediationCaps,
  context: SignalContext,
): PolicySignal | null {
  const spend = minorIn(cost, context.currencyCode);
  const today = minorIn(activity.remediatedToday, context.currencyCode);
  if (caps.maxPerDayStoreWide === null || spend === null || today === null || spend <= 0) {
    return null;
  }
  const cap = toMinor(caps.maxPerDayStoreWide, context.currencyCode);
  if (today + spend <= cap) return null;
  return {
    flag: "cap_per_day",
    reason:
      `Remedies today total ${show(today, context)}; with this incident's ${show(spend, context)} ` +
      `that is ${show(today + spend, context)}, above the ${show(cap, context)} daily cap.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Abuse signals: a customer's history, read before money moves on their behalf.

/**
 * What a customer's history holds against them: the problems they reported themselves (and
 * the refunds those claims brought). A parcel the carrier lost, a late shipment or a stock-out
 * that Amends detected says nothing about the customer, nor does what Amends paid for it.
 */
export const CUSTOMER_CLAIM_KINDS: readonly IncidentKind[] = REPORTED_KINDS;

export function isCustomerClaim(kind: string): boolean {
  return (CUSTOMER_CLAIM_KINDS as readonly string[]).includes(kind);
}

export function incidentCountSignal(
  history: CustomerHistory,
  thresholds: AbuseThresholds,
): PolicySignal | null {
  const count = history.incidentsLast12Months;
  if (count < thresholds.incidentsLast12Months) return null;
  return {
    flag: "abuse_incident_count",
    reason: `This customer has reported ${count} ${count === 1 ? "problem" : "problems"} in the last 12 months (review from ${thresholds.incidentsLast12Months}).`,
  };
}

export function refundedTotalSignal(
  history: CustomerHistory,
  thresholds: AbuseThresholds,
  context: SignalContext,
): PolicySignal | null {
  const refunded = minorIn(history.refundedLast12Months, context.currencyCode);
  if (refunded === null) return null;
  const limit = toMinor(thresholds.refundedLast12Months, context.currencyCode);
  if (refunded <= limit) return null;
  return {
    flag: "abuse_refunded_total",
    reason: `This customer has been refunded ${show(refunded, context)} in the last 12 months, above the ${show(limit, context)} review threshold.`,
  };
}

/** Refunds in 12 months against lifetime spend; below a floor one small refund is no pattern. */
export function refundRateSignal(
  history: CustomerHistory,
  thresholds: AbuseThresholds,
  context: SignalContext,
): PolicySignal | null {
  const refunded = minorIn(history.refundedLast12Months, context.currencyCode);
  const spent = minorIn(history.amountSpent, context.currencyCode);
  if (refunded === null || spent === null) return null;
  if (refunded < toMinor(thresholds.refundRateMinRefunded, context.currencyCode)) return null;
  // refunded / spent > rate %, in integers: refunded × 10 000 > spent × rate in basis points.
  const basisPoints = Math.round(thresholds.refundRatePercent * 100);
  if (spent > 0 && refunded * 10_000 <= spent * basisPoints) return null;
  const share =
    spent > 0
      ? `${Math.round((refunded * 100) / spent)}% of their ${show(spent, context)} lifetime spend`
      : "more than they have spent";
  return {
    flag: "abuse_refund_rate",
    reason: `Refunds of ${show(refunded, context)} in the last 12 months are ${share} (review above ${thresholds.refundRatePercent}%).`,
  };
}

/** A new customer claiming a lot on a reported (not detected) incident. */
export function firstOrderClaimSignal(
  kind: IncidentKind,
  claimValue: Money,
  history: CustomerHistory,
  thresholds: AbuseThresholds,
  context: SignalContext,
): PolicySignal | null {
  if (!isCustomerClaim(kind)) return null;
  if (history.numberOfOrders > 1) return null;
  const claim = minorIn(claimValue, context.currencyCode);
  if (claim === null) return null;
  const limit = toMinor(thresholds.firstOrderClaimValue, context.currencyCode);
  if (claim <= limit) return null;
  return {
    flag: "abuse_first_order_claim",
    reason: `This is the customer's first order and the claim covers ${show(claim, context)} of items, above the ${show(limit, context)} review threshold for first orders.`,
  };
}
