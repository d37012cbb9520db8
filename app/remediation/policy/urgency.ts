// Which incidents the automatic policy acts on first when it has to wait for Shopify (each
// shop's Admin API calls draw on one rate-limited bucket): a customer who lost their order to a
// stock-out, or who took the trouble to report a problem, hears from the store before routine
// goodwill codes for late parcels go out. Pure: the in-process runner (AutoRemediator) and a
// job queue (as job priorities) both order work by it.
import { PARCEL_KINDS } from "../../incidents/detection/parcel";

export const URGENCIES = ["urgent", "normal", "routine"] as const;
export type Urgency = (typeof URGENCIES)[number];

/** 0 = most urgent. A job queue whose priority runs the other way takes `URGENCIES.length - 1 - rank`. */
export const URGENCY_RANK: Readonly<Record<Urgency, number>> = { urgent: 0, normal: 1, routine: 2 };

/** Kinds whose remedies are routine: the parcel is late or quiet, or the order waits past its SLA. */
const ROUTINE_KINDS: readonly string[] = [...PARCEL_KINDS, "late_fulfilment"];

export interface UrgencyInput {
  kind: string;
  /** Where the incident came from: "detected" by Amends, otherwise the channel a person
   * reported it through (the order page, a phone call, an e-mail …). */
  source?: string | null;
}

export function urgencyOf(incident: UrgencyInput): Urgency {
  // The customer was charged for goods they will not get: money back first.
  if (incident.kind === "stock_out_cancellation") return "urgent";
  // Someone is waiting for an answer (a customer report, or staff recording one).
  if (incident.source && incident.source !== "detected") return "urgent";
  return ROUTINE_KINDS.includes(incident.kind) ? "routine" : "normal";
}

export interface Queued {
  urgency: Urgency;
  /** Order of arrival; first come, first served within one urgency. */
  seq: number;
}

/** Negative when `a` goes first. */
export function compareQueued(a: Queued, b: Queued): number {
  return URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || a.seq - b.seq;
}
