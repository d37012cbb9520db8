// The merchant's own plan: on the incident page they may change the proposed remedy to any the
// kind allows, with a refund no larger than what is still refundable for the affected items.
// Checked here (pure), again by the engine when it acts, and answered field by field.
import { z } from "zod";

import type { MerchantRemedy } from "./allowed";
import { REMEDIES_BY_KIND } from "./allowed";
import { planRemedies } from "./decide";
import { formatMoney, fromMinor, moneyToMinor, toMinor } from "./money";
import type { RemedyTemplate } from "./schema";
import { amountProblem, discountCodeTemplateSchema } from "./schema";
import type { IncidentForRemediation, MerchantChoice, PlannedOption, PlannedRemedy } from "./types";

/** Kept here too for the incident page's editor, which imports it from this module. */
export type { MerchantRemedy } from "./allowed";

const ticked = z.preprocess((value) => value === "on" || value === "true", z.boolean());

/** The approval form's fields, as the browser posts them. */
export const choiceFormSchema = z.object({
  remedy_refund: ticked,
  refundAmount: z.string().trim().default(""),
  refundShipping: ticked,
  remedy_replacement: ticked,
  remedy_return: ticked,
  remedy_cancel: ticked,
  remedy_discount: ticked,
  discountType: z.enum(["percentage", "fixedAmount"]).default("percentage"),
  discountValue: z.string().trim().default(""),
  discountExpiresInDays: z.string().trim().default(""),
  remedy_message: ticked,
});

export type ChoiceForm = z.infer<typeof choiceFormSchema>;

export function choiceFromForm(form: ChoiceForm): MerchantChoice {
  return {
    ...(form.remedy_refund ? { refund: { amount: form.refundAmount, includeShipping: form.refundShipping } } : {}),
    ...(form.remedy_replacement ? { replacement: true } : {}),
    ...(form.remedy_return ? { return: true } : {}),
    ...(form.remedy_cancel ? { cancel: true } : {}),
    ...(form.remedy_discount
      ? {
          discount: {
            value: form.discountType === "percentage" ? { percentage: Number(form.discountValue) } : { fixedAmount: form.discountValue },
            expiresInDays: Number(form.discountExpiresInDays),
          },
        }
      : {}),
    message: form.remedy_message,
  };
}

export type ChoiceResult = { ok: true; option: PlannedOption } | { ok: false; errors: Record<string, string> };

/** The merchant's plan made concrete for this incident, or what is wrong with it, per field. */
export function planChoice(
  choice: MerchantChoice,
  incident: IncidentForRemediation,
  shopCurrency: string,
  now: Date,
  locale: string,
): ChoiceResult {
  const errors: Record<string, string> = {};
  const allowed = REMEDIES_BY_KIND[incident.kind];
  const chosen: MerchantRemedy[] = [
    ...(choice.refund ? (["refund"] as const) : []),
    ...(choice.replacement ? (["replacement"] as const) : []),
    ...(choice.return ? (["return"] as const) : []),
    ...(choice.cancel ? (["cancel"] as const) : []),
    ...(choice.discount ? (["discount_code"] as const) : []),
    ...(choice.message ? (["message"] as const) : []),
  ];
  const refused = chosen.filter((remedy) => !allowed.includes(remedy));
  if (chosen.length === 0) errors.remedies = "Pick at least one remedy";
  else if (refused.length > 0) errors.remedies = `Not offered for this kind of incident: ${refused.join(", ").replaceAll("_", " ")}`;
  if (choice.refund && choice.replacement) errors.remedies = "Offer a refund or a replacement, not both: that would pay twice";

  const templates: RemedyTemplate[] = [];
  if (choice.cancel) templates.push({ type: "cancel" });
  if (choice.refund) templates.push({ type: "refund", scope: "affected_items", includeShipping: choice.refund.includeShipping ? "always" : "never" });
  if (choice.replacement) templates.push({ type: "replacement" });
  if (choice.return) {
    if (incident.lines.length === 0) errors.remedies ??= "No affected items are known, so there is nothing to ask back";
    templates.push({ type: "return" });
  }
  if (choice.discount) {
    const { value } = choice.discount;
    const parsed = discountCodeTemplateSchema.safeParse({ type: "discount_code", value, expiresInDays: choice.discount.expiresInDays });
    const fixedProblem = "fixedAmount" in value ? amountProblem(value.fixedAmount, shopCurrency) : null;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.includes("expiresInDays") ? "discountExpiresInDays" : "discountValue";
        errors[field] ??=
          field === "discountExpiresInDays" ? "Enter whole days from 1 to 365" : issue.code === "invalid_type" ? "Enter a number" : issue.message;
      }
    } else if (fixedProblem) {
      errors.discountValue = fixedProblem;
    } else {
      templates.push(parsed.data);
    }
  }
  if (choice.message) templates.push({ type: "message" });
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const plan = planRemedies(templates, incident, shopCurrency, now);
  let remedies: PlannedRemedy[] = plan.remedies;
  let cost = moneyToMinor(plan.estimatedCost);
  if (choice.refund) {
    const planned = remedies.find((r): r is Extract<PlannedRemedy, { type: "refund" }> => r.type === "refund");
    if (!planned || moneyToMinor(planned.amount) <= 0) {
      return { ok: false, errors: { refundAmount: "Nothing is left to refund for these items" } };
    }
    const currency = incident.currency;
    const problem = refundAmountProblem(choice.refund.amount, currency);
    if (problem) return { ok: false, errors: { refundAmount: problem } };
    const requested = toMinor(choice.refund.amount, currency);
    const max = moneyToMinor(planned.amount);
    if (requested > max) {
      return { ok: false, errors: { refundAmount: `At most ${formatMoney(planned.amount, locale)} is left to refund for these items` } };
    }
    const amount = fromMinor(requested, currency);
    remedies = remedies.map((r) => (r.type === "refund" ? { ...r, amount, limitedTo: amount } : r));
    cost += requested - max;
  }
  return { ok: true, option: { remedies, estimatedCost: fromMinor(cost, incident.currency) } };
}

function refundAmountProblem(value: string, currency: string): string | null {
  if (!/^\d+(\.\d+)?$/.test(value)) return "Enter an amount such as 12.00";
  if (!/[1-9]/.test(value)) return "Enter an amount above zero";
  return amountProblem(value, currency);
}
