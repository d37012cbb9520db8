// A problem reported by a customer (order status page) or the merchant, as a finding: the same
// shape the detection rules produce, so reports and detections share one incident model.
import type { AffectedLine, DetectionSettings, IncidentFinding, OrderState, ResponsibleParty } from "./model";
import type { REPORTED_KINDS } from "./model";

export type ReportedKind = (typeof REPORTED_KINDS)[number];
/** What a report can be about: a claim, or a parcel the customer says is late (the same
 * incident as a late delivery Amends detects, so both meet on one timeline). */
export type ReportableKind = ReportedKind | "late_delivery";

export interface ProblemReport {
  kind: ReportableKind;
  lines: AffectedLine[];
  /** The customer's or merchant's own words. */
  description: string;
  reportedBy: "customer" | "merchant";
  photos?: string[];
  /** Where the customer reported it ("order_page") and what they called it ("not_arrived"),
   * kept with the evidence so the timeline and the customer's view can say so. */
  channel?: string;
  customerKind?: string;
}

const RESPONSIBLE: Record<ReportableKind, ResponsibleParty> = {
  wrong_item: "warehouse",
  wrong_quantity: "warehouse",
  missing_item: "warehouse",
  damaged: "carrier",
  lost: "carrier",
  wrong_address: "store",
  late_delivery: "carrier",
  other: "unknown",
};

const SUMMARY: Record<ReportableKind, string> = {
  wrong_item: "received the wrong item",
  wrong_quantity: "received the wrong quantity",
  missing_item: "is missing an item",
  damaged: "arrived damaged",
  lost: "never arrived",
  wrong_address: "was sent to the wrong address",
  late_delivery: "is late",
  other: "has a problem",
};

export function findingFromReport(
  order: Pick<OrderState, "id" | "name"> & { customer: { id: string } | null },
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
    evidence: {
      reportedBy: report.reportedBy,
      description: report.description,
      photos: report.photos ?? [],
      ...(report.channel ? { channel: report.channel } : {}),
      ...(report.customerKind ? { customerKind: report.customerKind } : {}),
    },
    responsibleParty: RESPONSIBLE[report.kind],
    responseDeadline: new Date(now.getTime() + settings.responseHours * 3_600_000).toISOString(),
    summary: `${who} that ${order.name} ${SUMMARY[report.kind]}`,
  };
}
