// One parcel, one problem. A carrier exception, a late delivery and a possibly lost parcel are
// stages of one shipment going wrong: the same fulfilment gets one incident whose kind escalates
// (exception → late → lost), with each finding on its timeline, rather than three incidents the
// merchant would have to work — and the customer be compensated for — three times.
import type { Gid, IncidentFinding, IncidentKind } from "../model";

/** The parcel kinds in escalation order: a later one is the worse news. */
export const PARCEL_KINDS = ["carrier_exception", "late_delivery", "possibly_lost"] as const satisfies readonly IncidentKind[];
export type ParcelKind = (typeof PARCEL_KINDS)[number];

export function isParcelKind(kind: string): kind is ParcelKind {
  return (PARCEL_KINDS as readonly string[]).includes(kind);
}

/** The fulfilment a parcel finding or incident is about (its evidence's fulfillmentId). */
export function parcelOf(kind: string, evidence: unknown): Gid | null {
  if (!isParcelKind(kind) || typeof evidence !== "object" || evidence === null) return null;
  const id = (evidence as { fulfillmentId?: unknown }).fulfillmentId;
  return typeof id === "string" && id !== "" ? id : null;
}

/**
 * What one incident of an order is about: the parcel for parcel kinds (one incident per
 * fulfilment, whatever stage its trouble is at), the kind for everything else.
 */
export function problemSubject(kind: string, evidence: unknown): string {
  const parcel = parcelOf(kind, evidence);
  return parcel ? `parcel:${parcel}` : kind;
}

/** Whether a parcel incident of kind `from` becomes `to`: only ever to worse news. */
export function escalates(from: string, to: string): boolean {
  return isParcelKind(from) && isParcelKind(to) && PARCEL_KINDS.indexOf(to) > PARCEL_KINDS.indexOf(from);
}

const STAGE: Record<ParcelKind, string> = {
  carrier_exception: "a carrier exception",
  late_delivery: "late",
  possibly_lost: "possibly lost",
};

/** The timeline's words for an escalation, followed by the finding's own sentence. */
export function escalationMessage(from: ParcelKind, finding: IncidentFinding): string {
  const to = isParcelKind(finding.kind) ? STAGE[finding.kind] : finding.kind;
  return `The parcel's problem escalated from ${STAGE[from]} to ${to}: ${finding.summary.replace(/\.$/, "")}.`;
}

/** The worst finding per parcel (the sweep may find one parcel late and silent at once); other
 * findings pass through in their order. */
export function worstPerParcel(findings: readonly IncidentFinding[]): IncidentFinding[] {
  const worst = new Map<string, IncidentFinding>();
  for (const finding of findings) {
    const parcel = parcelOf(finding.kind, finding.evidence);
    if (!parcel) continue;
    const held = worst.get(parcel);
    if (!held || escalates(held.kind, finding.kind)) worst.set(parcel, finding);
  }
  return findings.filter((finding) => {
    const parcel = parcelOf(finding.kind, finding.evidence);
    return !parcel || worst.get(parcel) === finding;
  });
}
