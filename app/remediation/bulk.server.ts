// The inbox's bulk actions: the merchant's decision on many incidents at once, each carried out
// by the same service as on the incident's own page (remediate, dismissIncident,
// assignIncident), one incident after another, and reported per incident.
import type { RowOutcome } from "../incidents/inbox";
import { statusLabel } from "../incidents/inbox";
import type { IncidentStatus, RootCause } from "../incidents/model";
import type { StaffIdentity } from "../incidents/staff";
import { logger } from "../logger.server";
import { assignIncident } from "../models/incident.server";
import { dismissIncident } from "../models/remediation.server";
import { ShopifyError } from "../shopify/admin.server";
import { remediate } from "./engine/index.server";
import type { RemediationDeps, RemediationStatus } from "./engine/index.server";

export type BulkAction =
  | { action: "approve" }
  | { action: "dismiss"; reason: string }
  | { action: "assign_owner"; owner: string | null }
  | { action: "set_root_cause"; rootCause: RootCause | null };

/** What each action is called in its summary: "3 approved". */
export const BULK_VERBS: Readonly<Record<BulkAction["action"], string>> = {
  approve: "approved",
  dismiss: "dismissed",
  assign_owner: "assigned",
  set_root_cause: "updated",
};

/** The most incidents one bulk action takes: a page of the inbox. */
export const BULK_LIMIT = 50;

interface Target {
  id: string;
  orderName: string;
  status: string;
}

/** Who acts, as the admin's authentication gave it (the same as on the incident's page). */
export interface Acting {
  actor: string;
  staff: Pick<StaffIdentity, "id" | "name">;
}

export async function bulkAct(deps: RemediationDeps, shop: string, acting: Acting, incidentIds: readonly string[], request: BulkAction): Promise<RowOutcome[]> {
  const ids = [...new Set(incidentIds)].slice(0, BULK_LIMIT);
  // Only the shop's own incidents; an id from elsewhere is reported, not acted on.
  const found = await deps.db.incident.findMany({ where: { shop, id: { in: ids } }, select: { id: true, orderName: true, status: true } });
  const byId = new Map(found.map((incident) => [incident.id, incident]));
  const outcomes: RowOutcome[] = [];
  for (const id of ids) {
    const target = byId.get(id);
    if (!target) {
      outcomes.push({ incidentId: id, orderName: "An incident", done: false, note: "it is not in this shop's incidents" });
      continue;
    }
    outcomes.push(await actOn(deps, shop, acting, target, request));
  }
  return outcomes;
}

async function actOn(deps: RemediationDeps, shop: string, acting: Acting, target: Target, request: BulkAction): Promise<RowOutcome> {
  const { actor } = acting;
  const outcome = (done: boolean, note: string | null): RowOutcome => ({ incidentId: target.id, orderName: target.orderName, done, note });
  switch (request.action) {
    case "approve":
      return outcome(...(await approve(deps, shop, acting, target)));
    case "dismiss": {
      const dismissed = await dismissIncident(deps.db, { incidentId: target.id, reason: request.reason, actor });
      if (dismissed) return outcome(true, null);
      // Read again: it may have moved since the list was shown.
      const now = await deps.db.incident.findUniqueOrThrow({ where: { id: target.id }, select: { status: true } });
      return outcome(false, now.status === "remediating" ? "a remedy is being carried out" : `it is already ${statusLabel(now.status).toLowerCase()}`);
    }
    case "assign_owner": {
      const changed = await assignIncident(deps.db, target.id, { owner: request.owner }, actor);
      return outcome(true, changed ? null : request.owner ? `already assigned to ${request.owner}` : "nobody owned it already");
    }
    case "set_root_cause": {
      const changed = await assignIncident(deps.db, target.id, { rootCause: request.rootCause }, actor);
      return outcome(true, changed ? null : "it already had that root cause");
    }
  }
}

const APPROVE_RESULTS: Readonly<Record<RemediationStatus, [boolean, string | null]>> = {
  resolved: [true, null],
  failed: [false, "Shopify refused or failed part of the remedy; see its timeline, and approve it again to resume"],
  in_progress: [false, "another approval is carrying it out right now"],
  nothing_to_do: [false, "the policy has no remedy for it; open it to decide"],
  closed: [false, "it is already closed"],
  awaiting_approval: [false, "it still needs approval"],
  needs_attention: [false, "Shopify refused part of the remedy; open it to retry, choose another plan or dismiss it"],
  not_allowed: [false, "you may not approve it"],
};

async function approve(deps: RemediationDeps, shop: string, acting: Acting, target: Target): Promise<[boolean, string | null]> {
  const status = target.status as IncidentStatus;
  if (status === "resolved" || status === "dismissed") return [false, `it is already ${statusLabel(status).toLowerCase()}`];
  try {
    const report = await remediate(deps, { shop, incidentId: target.id, trigger: "merchant", actor: acting.actor, staff: acting.staff });
    // Above this person's limit: the service says why, in the merchant's words.
    if (report.status === "not_allowed" && report.refusal) return [false, report.refusal];
    return APPROVE_RESULTS[report.status];
  } catch (error) {
    // One incident's trouble must not stop the others: say it, log Shopify's own words.
    logger.warn({ shop, incidentId: target.id, err: error }, "bulk approval failed");
    if (error instanceof ShopifyError) return [false, "Amends could not reach Shopify for this shop, so nothing was done"];
    return [false, "something went wrong; open it to see its timeline"];
  }
}
