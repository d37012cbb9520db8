// A complaint the merchant records for the customer: it came by e-mail, phone, chat, social
// media, a marketplace or in person. Checked against the order's lines, with errors per field
// in the merchant's words.
import { z } from "zod";

import { MESSAGE_MAX_LENGTH } from "../../extensions/amends-order/src/api-contract";
import type { AffectedLine } from "./model";
import { REPORTED_KINDS } from "./model";
import type { ReportedKind } from "./reports";

/** Channels a staff member records a complaint from (Incident.source). */
export const RECORDED_CHANNELS = ["email", "phone", "chat", "social", "marketplace", "in_person"] as const;
export type RecordedChannel = (typeof RECORDED_CHANNELS)[number];

/** Kinds that are about particular items: the merchant says which, and how many. */
export const KINDS_ABOUT_ITEMS: readonly ReportedKind[] = ["wrong_item", "wrong_quantity", "missing_item", "damaged"];

export interface MerchantReport {
  orderId: string;
  channel: RecordedChannel;
  kind: ReportedKind;
  lines: AffectedLine[];
  /** The customer's own words, as the merchant took them down. */
  words: string;
}

export type MerchantReportErrors = Partial<Record<"orderId" | "channel" | "kind" | "lines" | "words", string>> &
  Record<string, string | undefined>;

const schema = z.object({
  orderId: z.string({ error: "Find the order first" }).trim().min(1, "Find the order first"),
  channel: z.enum(RECORDED_CHANNELS, { error: "Pick how the customer got in touch" }),
  kind: z.enum(REPORTED_KINDS, { error: "Pick what went wrong" }),
  words: z
    .string({ error: "Write down what the customer said" })
    .trim()
    .min(1, "Write down what the customer said")
    .max(MESSAGE_MAX_LENGTH, `Keep it under ${MESSAGE_MAX_LENGTH} characters`),
});

/** Reads the form: `quantity.<lineItemId>` fields carry how many of each item are affected
 * (empty or 0: not affected). `bought` is the order's lines as Shopify has them now. */
export function checkMerchantReport(
  form: Record<string, string>,
  bought: { lineItemId: string; title: string; quantity: number }[],
): { ok: true; value: MerchantReport } | { ok: false; errors: MerchantReportErrors } {
  const errors: MerchantReportErrors = {};
  const parsed = schema.safeParse(form);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "orderId")] ??= issue.message;
  }
  const lines: AffectedLine[] = [];
  const known = new Map(bought.map((line) => [line.lineItemId, line]));
  for (const [field, raw] of Object.entries(form)) {
    if (!field.startsWith("quantity.") || raw.trim() === "") continue;
    const lineItemId = field.slice("quantity.".length);
    const line = known.get(lineItemId);
    const quantity = Number(raw);
    if (!line) errors[field] = "This item is not on the order";
    else if (!Number.isInteger(quantity) || quantity < 0) errors[field] = "Enter a whole number of items";
    else if (quantity > line.quantity) errors[field] = `The order has ${line.quantity} of ${line.title}`;
    else if (quantity > 0) lines.push({ lineItemId, quantity });
  }
  if (parsed.success && KINDS_ABOUT_ITEMS.includes(parsed.data.kind) && lines.length === 0 && !hasLineError(errors)) {
    errors.lines = "Say which items, and how many";
  }
  if (!parsed.success || Object.values(errors).some(Boolean)) return { ok: false, errors };
  return { ok: true, value: { ...parsed.data, lines } };
}

function hasLineError(errors: MerchantReportErrors): boolean {
  return Object.keys(errors).some((field) => field.startsWith("quantity."));
}
