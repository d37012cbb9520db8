// A problem reported by a customer (order status page) or the merchant, as a finding: the same
// shape the detection rules produce, so reports and detections share one incident model.
import type { AffectedLine, DetectionSettings, IncidentFinding, OrderState, ResponsibleParty } from "./model";
import type { REPORTED_KINDS } from "./model";

export type ReportedKind = (typeof REPORTED_KINDS)[number];

export interface ProblemReport {
  kind: ReportedKind;
  lines: AffectedLine[];
  /** The customer's or merchant's own words. */
  description: string;
  reportedBy: "customer" | "merchant";
  photos?: string[];
}

const RESPONSIBLE: Record<ReportedKind, ResponsibleParty> = {
  wrong_item: "warehouse",
  wrong_quantity: "warehouse",
  missing_item: "warehouse",
  damaged: "carrier",
  lost: "carrier",
  wrong_address: "store",
};

const SUMMARY: Record<ReportedKind, string> = {
  wrong_item: "received the wrong item",
  wrong_quantity: "received the wrong quantity",
  missing_item: "is missing an item",
  damaged: "arrived damaged",
  lost: "never arrived",
  wrong_address: "was sent to the wrong address",
};

export function findingFromReport(
  order: OrderState,
  report: ProblemReport,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding {
  const who = report.reportedBy === "customer" ? "The customer reports" : "Reported by the merchant:";
  return {
    kind: report.kind,
    orderId: order.id,
    orderName: order.name,
    customerId: order.customer?.id ?? null,
    lines: report.lines,
    evidence: { reportedBy: report.reportedBy, description: report.description, photos: report.photos ?? [] },
    responsibleParty: RESPONSIBLE[report.kind],
    responseDeadline: new Date(now.getTime() + settings.responseHours * 3_600_000).toISOString(),
    summary: `${who} that ${order.name} ${SUMMARY[report.kind]}`,
  };
}
