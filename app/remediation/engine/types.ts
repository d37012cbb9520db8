// The remediation engine's inputs and report. Plain types: the engine itself is in
// remediate.server.ts.
import type { Database } from "../../db.server";
import type { Logger } from "../../logger.server";
import type { AdminClient } from "../../shopify/admin.server";
import type { StaffIdentity } from "../../incidents/staff";
import type { MerchantChoice, RemediationDecision } from "../policy";

export interface RemediationDeps {
  db: Database;
  /** The shop's Admin API client (adminClientFor in the app; the emulator in tests). */
  clientFor: (shop: string) => Promise<AdminClient>;
  now?: () => Date;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** A pending action untouched this long is taken over: its owner crashed. Default 5 min,
   * above the Admin client's worst case of retries and throttle waits. */
  leaseMs?: number;
  /** How often a run renews the lease of the action it is carrying out. Default leaseMs / 5. */
  leaseRenewMs?: number;
  /** How long Shopify's search (draftOrders(query:)) may take to show a write. Default 15 s. */
  searchLagMs?: number;
  /** How long to wait for an action another run is carrying out. Default 30 s. */
  waitMs?: number;
  /** Between polls of orderCancel's job. Default 1 s. */
  jobPollIntervalMs?: number;
  /** How long to wait for orderCancel's job (it runs asynchronously on Shopify) before leaving
   * it for a later run. Default 2 min. */
  cancelWaitMs?: number;
  /** For amounts and dates in messages. Default: the shop's primary locale. */
  locale?: string;
}

interface RemediateBase {
  shop: string;
  incidentId: string;
  /** Who is acting, for the timeline: "rule:<name>", staffActor(staff). */
  actor: string;
  /** Which of the policy's plans: 0 (default) or n for alternatives[n - 1]. */
  option?: number;
  /** The merchant's own plan from the incident page, instead of one of the policy's. */
  choice?: MerchantChoice;
}

/** automatic: the policy acting alone; merchant: a staff member asked or approved, and a plan
 * that moves money needs their right to (approvalRight, checked here, not only on the page). */
export type RemediateRequest =
  | (RemediateBase & { trigger: "automatic" })
  | (RemediateBase & { trigger: "merchant"; staff: Pick<StaffIdentity, "id" | "name"> });

export type RemedyAction = "cancel" | "refund" | "replacement" | "return" | "discount_code" | "annotate" | "message";

export interface RemedyReport {
  action: RemedyAction;
  idempotencyKey: string;
  /** succeeded; failed (Shopify refused or failed after retries); in_progress (another run). */
  status: "succeeded" | "failed" | "in_progress";
  shopifyId: string | null;
  amount: string | null;
  currencyCode: string | null;
  /** Done by an earlier attempt (this run found it instead of acting again). */
  reused: boolean;
  error: string | null;
  /** Failed because Shopify refused it for good: the merchant must decide what next. */
  refused: boolean;
  result: unknown;
}

export type RemediationStatus =
  /** Everything in the plan is done; the incident is resolved. */
  | "resolved"
  /** Automatic trigger, and a cap, signal or manual mode asks for the merchant. */
  | "awaiting_approval"
  /** The policy offers nothing here; the incident is left as it was. */
  | "nothing_to_do"
  /** At least one action failed for now (Shopify down, a job still running); the incident stays
   * remediating with the error on its timeline, and the catch-up pass tries again. */
  | "failed"
  /** Shopify refused an action for good; the incident waits for the merchant (needs_attention). */
  | "needs_attention"
  /** Another run is still carrying out part of the plan. */
  | "in_progress"
  /** The incident was already resolved or dismissed: nothing was done. */
  | "closed"
  /** The staff member may not approve this plan (not allowed, or above their limit): nothing
   * was done; the incident waits for someone who may. */
  | "not_allowed";

export interface RemediationReport {
  status: RemediationStatus;
  decision: RemediationDecision | null;
  remedies: RemedyReport[];
  /** The apology as rendered, when the plan included one and it was produced. */
  message: string | null;
  /** Why the approval was refused (status not_allowed), in the merchant's words. */
  refusal?: string;
}
