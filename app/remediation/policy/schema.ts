// The remediation policy as data: one zod schema validates the settings form and the JSON
// stored in the database, and the TypeScript types are inferred from it so they cannot drift.
import { z } from "zod";

import { INCIDENT_KINDS } from "../../incidents/model";
import { returnAllowed } from "./allowed";
import { validateTemplate } from "./messages";
import { minorDigits } from "./money";

/** A positive decimal string such as "5.00", in the shop currency; the policy checks its
 * decimals against the currency (none for JPY, three for KWD). */
const amount = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "Enter an amount such as 5.00")
  .refine((value) => /[1-9]/.test(value), "Enter an amount above zero");

const percentage = z
  .number()
  .gt(0, "Enter a percentage above 0")
  .max(100, "A discount cannot exceed 100 %")
  .multipleOf(0.01, "Use at most two decimals");

export const SHIPPING_REFUNDS = ["never", "whole_order", "always"] as const;
export type ShippingRefund = (typeof SHIPPING_REFUNDS)[number];

export const refundTemplateSchema = z.strictObject({
  type: z.literal("refund"),
  /** Only the affected items for now; "order" would need every line, which the incident lacks. */
  scope: z.literal("affected_items"),
  /** Whether shipping goes back too: never; when the refund takes everything left on the order
   * (a whole-order stock-out); or always. Policies saved before stored a boolean. */
  includeShipping: z.preprocess(
    (value) => (value === true ? "always" : value === false ? "never" : value),
    z.enum(SHIPPING_REFUNDS, { message: "Pick when shipping is refunded" }),
  ),
});

export const discountCodeTemplateSchema = z.strictObject({
  type: z.literal("discount_code"),
  value: z.union([z.strictObject({ percentage }), z.strictObject({ fixedAmount: amount })]),
  expiresInDays: z.number().int().min(1).max(365),
});

export const remedyTemplateSchema = z.discriminatedUnion("type", [
  refundTemplateSchema,
  discountCodeTemplateSchema,
  z.strictObject({ type: z.literal("replacement") }),
  /** Cancel the affected items (stock-outs the store has not cancelled yet). */
  z.strictObject({ type: z.literal("cancel") }),
  /** Ask for the item back: a Shopify return for the affected items that have shipped, where the
   * kind allows it (returnAllowed). Alone, or with a replacement or refund. */
  z.strictObject({ type: z.literal("return") }),
  /** An apology or status update only. */
  z.strictObject({ type: z.literal("message") }),
]);

/** Remedies applied together. Refunding and replacing the same items would pay twice. */
const remedyList = z.array(remedyTemplateSchema).superRefine((remedies, ctx) => {
  const types = remedies.map((r) => r.type);
  const repeated = types.filter((type, i) => types.indexOf(type) !== i);
  if (repeated.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `Each remedy may appear once (${repeated[0]} repeats)`,
    });
  }
  if (types.includes("refund") && types.includes("replacement")) {
    ctx.addIssue({
      code: "custom",
      message: "Offer a refund or a replacement, not both: make one of them an alternative",
    });
  }
});

export const kindPolicySchema = z.strictObject({
  /** automatic: applied without the merchant unless a cap or abuse signal fires. */
  mode: z.enum(["automatic", "manual"]),
  remedies: remedyList,
  /** Other plans the merchant can pick when approving, e.g. a refund instead of a replacement. */
  alternatives: z.array(remedyList),
  conditions: z.strictObject({
    /** Act only once the parcel is at least this many whole days late. */
    minDaysLate: z.number().int().min(0).optional(),
  }),
  /** The merchant's apology text; null uses the default for the kind. */
  messageTemplate: z
    .string()
    .nullable()
    .superRefine((template, ctx) => {
      const problem = template === null ? null : validateTemplate(template);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});

const messageTemplate = z
  .string()
  .nullable()
  .superRefine((template, ctx) => {
    const problem = template === null ? null : validateTemplate(template);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** The merchant's text for the e-mails that are the same for every kind of incident; null (or
 * left out) uses the default in the customer's language. */
export const customerMessagesSchema = z.strictObject({
  report_received: messageTemplate.optional(),
  approved: messageTemplate.optional(),
  resolved: messageTemplate.optional(),
});

export const capsSchema = z.strictObject({
  /** Largest estimated cost of one incident's remedies; null for no cap. */
  maxPerIncident: amount.nullable(),
  /** Largest total for one customer over 12 months: their refunds so far plus this incident's
   * estimated cost. */
  maxPerCustomer12Months: amount.nullable(),
  /** Largest estimated cost remediated across the store in one day, this incident included. */
  maxPerDayStoreWide: amount.nullable(),
});

/** Thresholds at which a customer's history asks for a human look before money moves. */
export const abuseThresholdsSchema = z.strictObject({
  /** Earlier incidents in 12 months at or above which approval is needed. */
  incidentsLast12Months: z.number().int().min(1),
  /** Refunded in 12 months above which approval is needed. */
  refundedLast12Months: amount,
  /** Refunded in 12 months as a percentage of lifetime spend above which approval is needed. */
  refundRatePercent: z.number().gt(0).max(100),
  /** The rate is ignored below this refunded total, so one small refund is not a pattern. */
  refundRateMinRefunded: amount,
  /** On a first order, a reported claim worth more than this needs approval. */
  firstOrderClaimValue: amount,
});

const policyObject = z.strictObject({
  /** The shop currency, in which caps, thresholds and fixed-amount codes are expressed. */
  currencyCode: z.string().regex(/^[A-Z]{3}$/, "Use a three-letter currency code"),
  /** A kind left out gets no remediation. */
  kinds: z.partialRecord(z.enum(INCIDENT_KINDS), kindPolicySchema),
  caps: capsSchema,
  abuse: abuseThresholdsSchema,
  messages: customerMessagesSchema.optional(),
});

export const remediationPolicySchema = policyObject.superRefine((policy, ctx) => {
  // An amount the currency cannot pay ("0.5" yen) would be rounded by Shopify or refused.
  for (const { path, value } of policyAmounts(policy)) {
    const problem = amountProblem(value, policy.currencyCode);
    if (problem) ctx.addIssue({ code: "custom", path, message: problem });
  }
  // Only a customer who has the item can send it back.
  for (const kind of INCIDENT_KINDS) {
    if (returnAllowed(kind)) continue;
    const kindPolicy = policy.kinds[kind];
    [kindPolicy?.remedies ?? [], ...(kindPolicy?.alternatives ?? [])].forEach((plan, p) => {
      const at = plan.findIndex((remedy) => remedy.type === "return");
      if (at === -1) return;
      ctx.addIssue({
        code: "custom",
        path: ["kinds", kind, ...(p === 0 ? ["remedies"] : ["alternatives", p - 1]), at],
        message: "Asking for the item back is only offered when the customer has the item (wrong item, wrong quantity, damaged, other)",
      });
    });
  }
});

function policyAmounts(
  policy: z.infer<typeof policyObject>,
): { path: PropertyKey[]; value: string }[] {
  const found: { path: PropertyKey[]; value: string }[] = [];
  for (const [name, value] of Object.entries(policy.caps))
    if (value) found.push({ path: ["caps", name], value });
  for (const [name, value] of Object.entries(policy.abuse)) {
    if (typeof value === "string") found.push({ path: ["abuse", name], value });
  }
  for (const [kind, kindPolicy] of Object.entries(policy.kinds)) {
    const plans = [kindPolicy?.remedies ?? [], ...(kindPolicy?.alternatives ?? [])];
    plans.forEach((plan, p) =>
      plan.forEach((remedy, r) => {
        if (remedy.type === "discount_code" && "fixedAmount" in remedy.value) {
          const where = p === 0 ? ["remedies", r] : ["alternatives", p - 1, r];
          found.push({
            path: ["kinds", kind, ...where, "value", "fixedAmount"],
            value: remedy.value.fixedAmount,
          });
        }
      }),
    );
  }
  return found;
}

/** Why `value` is not an amount of `currencyCode`, or null when it is. */
export function amountProblem(value: string, currencyCode: string): string | null {
  const decimals = value.split(".")[1]?.replace(/0+$/, "").length ?? 0;
  const allowed = minorDigits(currencyCode);
  if (decimals <= allowed) return null;
  return allowed === 0
    ? `${currencyCode} amounts have no decimals`
    : `Use at most ${allowed} decimals for ${currencyCode}`;
}

export type RefundTemplate = z.infer<typeof refundTemplateSchema>;
export type DiscountCodeTemplate = z.infer<typeof discountCodeTemplateSchema>;
export type RemedyTemplate = z.infer<typeof remedyTemplateSchema>;
export type KindPolicy = z.infer<typeof kindPolicySchema>;
export type RemediationCaps = z.infer<typeof capsSchema>;
export type AbuseThresholds = z.infer<typeof abuseThresholdsSchema>;
export type RemediationPolicy = z.infer<typeof remediationPolicySchema>;
export type CustomerMessages = z.infer<typeof customerMessagesSchema>;

/** Validates policy JSON from the database or the settings form. */
export function parsePolicy(input: unknown) {
  return remediationPolicySchema.safeParse(input);
}
