// The form's own checks, the same rules the endpoint applies (api-contract.ts), so the customer
// sees a field's problem before sending. The endpoint still decides: its 422 is shown the same way.
import {
  KINDS_NEEDING_LINES,
  MESSAGE_MAX_LENGTH,
  REPORT_KINDS,
  type CustomerOrderLine,
  type FieldErrorCode,
  type ReportKind,
  type ReportRequest,
} from "./api-contract";

export interface ReportDraft {
  kind: string;
  /** Units per line item GID, as typed (0 or missing: that item is fine). */
  quantities: Record<string, number>;
  message: string;
}

/** Field → error code. Line quantity errors are keyed "line:<lineItemId>" (the form's fields). */
export type DraftErrors = Record<string, FieldErrorCode>;

export function isReportKind(kind: string): kind is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(kind);
}

export function checkDraft(
  draft: ReportDraft,
  lines: readonly CustomerOrderLine[],
): { errors: DraftErrors; request: ReportRequest | null } {
  const errors: DraftErrors = {};
  if (!draft.kind) errors.kind = "required";
  else if (!isReportKind(draft.kind)) errors.kind = "invalid";

  const chosen: ReportRequest["lines"] = [];
  for (const line of lines) {
    const quantity = draft.quantities[line.lineItemId] ?? 0;
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > line.quantity) {
      errors[`line:${line.lineItemId}`] = "quantity_out_of_range";
    } else if (quantity > 0) {
      chosen.push({ lineItemId: line.lineItemId, quantity });
    }
  }
  if (isReportKind(draft.kind) && KINDS_NEEDING_LINES.includes(draft.kind) && chosen.length === 0 && !hasLineError(errors)) {
    errors.lines = "lines_required";
  }

  const message = draft.message.trim();
  if (!message) errors.message = "required";
  else if (message.length > MESSAGE_MAX_LENGTH) errors.message = "too_long";

  if (Object.keys(errors).length > 0 || !isReportKind(draft.kind)) return { errors, request: null };
  return { errors, request: { kind: draft.kind, lines: chosen, message } };
}

/** The endpoint's 422 keys ("lines.<i>.quantity") mapped onto the form's fields. */
export function formErrorsFromServer(
  errors: Partial<Record<string, string>>,
  sent: ReportRequest,
): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const [field, code] of Object.entries(errors)) {
    if (!code) continue;
    const line = /^lines\.(\d+)\./.exec(field);
    const lineItemId = line ? sent.lines[Number(line[1])]?.lineItemId : undefined;
    mapped[lineItemId ? `line:${lineItemId}` : field.split(".")[0] ?? field] = code;
  }
  return mapped;
}

function hasLineError(errors: DraftErrors): boolean {
  return Object.keys(errors).some((field) => field.startsWith("line:"));
}
