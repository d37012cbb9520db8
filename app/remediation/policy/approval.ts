// Who may approve a plan that moves money: the merchant allows staff members one by one, each
// with a limit in the shop's currency. The approval service (remediate) asks this before any
// refund, replacement, cancellation or code; the settings page only edits the rights.
import type { Money } from "../../incidents/model";
import type { ApprovalRight } from "../../incidents/staff";
import { MONEY_MOVES } from "../../incidents/staff";
import { formatMoney, toMinor } from "./money";
import type { PlannedRemedy } from "./types";

export type ApprovalVerdict = { allowed: true } | { allowed: false; reason: string };

/** Whether a plan needs a staff member's right to move money (an apology alone does not). */
export function movesMoney(remedies: readonly PlannedRemedy[]): boolean {
  return remedies.some((remedy) => (MONEY_MOVES as readonly string[]).includes(remedy.type));
}

/** Whether `name`, with these rights, may approve a plan costing `cost`. Limits are in the
 * shop's currency; a plan in another currency cannot be compared without a rate, so only
 * someone without a limit may approve it. */
export function mayApprove(args: { name: string; right: ApprovalRight | null; cost: Money; shopCurrency: string; locale: string }): ApprovalVerdict {
  const { name, right, cost, shopCurrency, locale } = args;
  if (!right?.canApprove) {
    return { allowed: false, reason: `${name} is not allowed to approve refunds, replacements, cancellations or discount codes.` };
  }
  if (right.approvalLimit === null) return { allowed: true };
  const limit = formatMoney({ amount: right.approvalLimit, currencyCode: shopCurrency }, locale);
  if (cost.currencyCode !== shopCurrency) {
    return { allowed: false, reason: `${name} may approve up to ${limit}; this plan is in ${cost.currencyCode} and needs someone without a limit.` };
  }
  if (toMinor(cost.amount, cost.currencyCode) <= toMinor(right.approvalLimit, cost.currencyCode)) return { allowed: true };
  return { allowed: false, reason: `${name} may approve up to ${limit}; this plan costs ${formatMoney(cost, locale)}.` };
}
