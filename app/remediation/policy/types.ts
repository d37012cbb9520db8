// What the remediation policy reads and what it decides. Plain data: the caller loads the
// incident, the customer's history and today's spend, and passes the clock in.
import type { AffectedLine, Gid, IncidentKind, Money } from "../../incidents/model";
import type { RemediationPolicy } from "./schema";

/** An affected line with what the remedies need: its price for costs, its title for words. */
export interface PricedLine extends AffectedLine {
  title: string;
  unitPrice: Money;
}

/** One line of the order and how much of it is already settled. */
export interface LineStanding {
  lineItemId: Gid;
  /** Units ordered. */
  quantity: number;
  /** Units Shopify can still refund (its refundableQuantity): not refunded, not removed. */
  refundableQuantity: number;
  /** Units Amends has already sent a replacement for, in another incident on this order. */
  replacedQuantity: number;
}

export interface IncidentForRemediation {
  kind: IncidentKind;
  lines: PricedLine[];
  orderTotal: Money;
  /** The shipping charged on the order, when known; refunded with includeShipping. */
  shippingTotal?: Money;
  /** Shipping already refunded; what is left of shippingTotal is what a refund can give back. */
  shippingRefunded?: Money;
  /** What the customer paid and has not had back: no refund is planned above it. */
  refundable?: Money;
  /** Every line of the order and what is left of it. Without it the affected units are taken
   * as reported (the engine checks them against Shopify again when it acts). */
  orderLines?: LineStanding[];
  /** Whole days past the estimated delivery (the detection evidence's daysOverdue). */
  daysLate?: number;
  /** The currency of the order amounts above. */
  currency: string;
}

export interface CustomerHistory {
  /** Problems the customer reported on other orders in the last 12 months (CUSTOMER_CLAIM_KINDS);
   * incidents Amends detected itself do not count. */
  incidentsLast12Months: number;
  /** What those claims were refunded in the last 12 months. */
  refundedLast12Months: Money;
  /** Orders the customer has placed, this one included (Shopify's numberOfOrders). */
  numberOfOrders: number;
  /** Lifetime spend, this order included (Shopify's amountSpent). */
  amountSpent: Money;
}

export interface ShopActivity {
  /** Estimated cost of remedies already applied today, store-wide. */
  remediatedToday: Money;
}

export interface RemediationInput {
  incident: IncidentForRemediation;
  policy: RemediationPolicy;
  /** Null for guest checkouts: no history, so no abuse signals and no per-customer cap. */
  customerHistory: CustomerHistory | null;
  shopActivity: ShopActivity;
  /** automatic: the policy acting alone; merchant: the merchant asked or approved. */
  trigger: "automatic" | "merchant";
  now: Date;
  /** Which plan the merchant picked: 0 (default) for `remedies`, n for `alternatives[n - 1]`. */
  option?: number;
  /** Locale for amounts in the reasons; "en-US" by default. */
  locale?: string;
  /** The merchant's own plan, chosen on the incident page instead of one of the policy's:
   * decided as the last of `options`. */
  choice?: MerchantChoice;
}

/** A plan the merchant puts together when approving (see choice.ts). Amounts are decimal
 * strings: the refund in the order's currency, a fixed code in the shop's. */
export interface MerchantChoice {
  refund?: { amount: string; includeShipping: boolean };
  replacement?: boolean;
  return?: boolean;
  cancel?: boolean;
  discount?: { value: { percentage: number } | { fixedAmount: string }; expiresInDays: number };
  message: boolean;
}

export type PlannedRemedy =
  | {
      type: "refund";
      lines: PricedLine[];
      includeShipping: boolean;
      /** Items plus shipping when included and known. */
      amount: Money;
      /** Set when the merchant chose the amount: the refund moves no more than this. */
      limitedTo?: Money;
    }
  | {
      type: "discount_code";
      value: { percentage: number } | { fixedAmount: Money };
      /** ISO instant: `now` plus the template's days. */
      expiresAt: string;
      /** What the code is expected to cost: its fixed amount, or the percentage of this order. */
      estimatedCost: Money;
    }
  | {
      type: "replacement";
      lines: PricedLine[];
      estimatedCost: Money;
      /** The replacement order's name once Shopify created it ("#1004"): the customer's message names it. */
      orderName?: string;
    }
  | { type: "cancel"; lines: PricedLine[] }
  /** Ask for the item back: a Shopify return for the fulfilled units (costs nothing itself). */
  | { type: "return"; lines: PricedLine[]; reason: ReturnReason }
  | { type: "message" };

/** Shopify's ReturnReason values Amends uses (2026-10 Admin schema). */
export type ReturnReason = "WRONG_ITEM" | "DEFECTIVE";

export interface PlannedOption {
  remedies: PlannedRemedy[];
  estimatedCost: Money;
}

/** Machine-readable counterpart of each reason, for filters and tests. */
export type DecisionFlag =
  | "no_policy"
  | "no_remedies"
  | "manual_mode"
  | "condition_not_met"
  | "days_late_unknown"
  | "shipping_unknown"
  | "no_affected_lines"
  | "already_remedied"
  | "refund_capped"
  | "currency_mismatch"
  | "cap_per_incident"
  | "cap_per_customer"
  | "cap_per_day"
  | "abuse_incident_count"
  | "abuse_refunded_total"
  | "abuse_refund_rate"
  | "abuse_first_order_claim"
  | "merchant_choice_invalid";

export interface RemediationDecision {
  outcome: "apply" | "needs_approval" | "none";
  remedies: PlannedRemedy[];
  estimatedCost: Money;
  /** Merchant-readable: why approval is needed, which cap or signal fired, why nothing. */
  reasons: string[];
  flags: DecisionFlag[];
  /** Every plan the policy offers for the kind, costed, for the approval screen: index 0 is
   * `remedies`, n is `alternatives[n - 1]`. `remedies` above is `options[option]`. */
  options: PlannedOption[];
  option: number;
}
