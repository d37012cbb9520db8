// The customer's side of incidents, for the order page (extensions/amends-order): which incident
// kind a customer's report becomes, how a report is checked against what was bought, and how an
// incident reads to the customer. The wire shapes are the extension's contract, shared as is.
import { z } from "zod";

import type {
  CaseStatus,
  CustomerCase,
  CustomerOrderLine,
  DetectedKind,
  FieldErrorCode,
  Remedy,
  ReportKind,
  ReportRequest,
} from "../../extensions/amends-order/src/api-contract";
import {
  DETECTED_KINDS,
  KINDS_NEEDING_LINES,
  MESSAGE_MAX_LENGTH,
  REPORT_KINDS,
} from "../../extensions/amends-order/src/api-contract";
import type { IncidentStatus } from "./model";
import type { ReportableKind } from "./reports";

/** The channel a customer's report came through, stored as the incident's source. */
export const ORDER_PAGE = "order_page";

/** The incident a customer's report opens (or joins). "Not arrived" is the lost-parcel claim;
 * "late" is the same incident as a late delivery Amends detects. */
export const INCIDENT_KIND_FOR_REPORT: Readonly<Record<ReportKind, ReportableKind>> = {
  wrong_item: "wrong_item",
  wrong_quantity: "wrong_quantity",
  missing_item: "missing_item",
  damaged: "damaged",
  not_arrived: "lost",
  late: "late_delivery",
  wrong_address: "wrong_address",
  other: "other",
};

/** The order as the customer may report on it: the lines they bought, and how many. */
export interface ReportableOrder {
  lines: CustomerOrderLine[];
}

export type FieldErrors = Partial<Record<string, FieldErrorCode>>;

const requestSchema = z.object({
  kind: z.enum(REPORT_KINDS, {
    error: (issue) => (issue.input === undefined || issue.input === "" ? "required" : "invalid"),
  }),
  lines: z
    .array(
      z.object({
        lineItemId: z.string({ error: "required" }).min(1, "required"),
        quantity: z
          .number({ error: "quantity_out_of_range" })
          .int("quantity_out_of_range")
          .min(1, "quantity_out_of_range"),
      }),
      { error: "invalid" },
    )
    .max(250, "invalid")
    .default([]),
  message: z
    .string({ error: "required" })
    .trim()
    .min(1, "required")
    .max(MESSAGE_MAX_LENGTH, "too_long"),
  // Reserved in the contract: customer-account extensions have no file input.
  photos: z.tuple([], { error: "invalid" }).optional(),
});

/** Checks a report against the order: a known kind, only lines that were bought and at most
 * as many as were bought, the customer's words within limits. Errors are the contract's codes,
 * keyed by field ("lines.0.quantity"), for the extension to translate. */
export function checkReport(
  input: unknown,
  order: ReportableOrder,
): { ok: true; value: ReportRequest } | { ok: false; errors: FieldErrors } {
  const parsed = requestSchema.safeParse(input ?? {});
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join(".") || "kind";
      errors[field] ??= asCode(issue.message);
    }
    return { ok: false, errors };
  }
  const report = parsed.data;
  const bought = new Map(order.lines.map((line) => [line.lineItemId, line.quantity]));
  const seen = new Set<string>();
  report.lines.forEach((line, index) => {
    const most = bought.get(line.lineItemId);
    if (most === undefined) errors[`lines.${index}.lineItemId`] = "not_in_order";
    else if (seen.has(line.lineItemId)) errors[`lines.${index}.lineItemId`] = "invalid";
    else if (line.quantity > most) errors[`lines.${index}.quantity`] = "quantity_out_of_range";
    seen.add(line.lineItemId);
  });
  if (KINDS_NEEDING_LINES.includes(report.kind) && report.lines.length === 0) errors.lines = "lines_required";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { kind: report.kind, lines: report.lines, message: report.message } };
}

function asCode(message: string): FieldErrorCode {
  const codes: readonly string[] = ["required", "invalid", "too_long", "not_in_order", "quantity_out_of_range", "lines_required"];
  return (codes.includes(message) ? message : "invalid") as FieldErrorCode;
}

/** open → received; awaiting approval, being carried out or back with the merchant → reviewing;
 * closed → resolved. */
export function caseStatus(status: IncidentStatus): CaseStatus {
  if (status === "open") return "received";
  if (status === "awaiting_approval" || status === "remediating" || status === "needs_attention") return "reviewing";
  return "resolved";
}

export function isDetectedKind(kind: string): kind is DetectedKind {
  return (DETECTED_KINDS as readonly string[]).includes(kind);
}

/** What the customer called it, when the incident came from their report. */
export function reportKindOf(incidentKind: string): ReportKind | null {
  const found = REPORT_KINDS.find((kind) => INCIDENT_KIND_FOR_REPORT[kind] === incidentKind);
  return found ?? null;
}

/** Warnings for the merchant (stock may run short): the customer hears of them only once the
 * store has sent them a message about it, as the default policy leaves that to the merchant. */
const MERCHANT_WARNINGS: readonly string[] = ["oversell_risk"];

/** One incident as the customer sees it, or null when it is not theirs to see. `reportKind` is
 * the kind the customer picked, when they reported it; null for an incident Amends opened. */
export function customerCase(incident: {
  id: string;
  kind: string;
  status: IncidentStatus;
  createdAt: Date;
  responseDeadline: Date;
  reportKind: ReportKind | null;
  remedy: Remedy;
  message: string | null;
}): CustomerCase | null {
  const kind = incident.reportKind ?? (isDetectedKind(incident.kind) ? incident.kind : null);
  if (!kind) return null;
  if (!incident.reportKind && MERCHANT_WARNINGS.includes(incident.kind) && !incident.message) return null;
  const remedy = Object.keys(incident.remedy).length > 0 ? { remedy: incident.remedy } : {};
  return {
    id: incident.id,
    kind,
    status: caseStatus(incident.status),
    createdAt: incident.createdAt.toISOString(),
    respondBy: incident.responseDeadline.toISOString(),
    ...remedy,
    ...(incident.message ? { message: incident.message } : {}),
  };
}
