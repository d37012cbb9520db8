// One path for every reported problem, whoever records it: the customer from the order page,
// or a staff member taking down a complaint that came by phone, e-mail, chat, social media, a
// marketplace or in person. A first report opens an incident and is put to the merchant's
// policy (remedied automatically where the policy allows it, otherwise awaiting approval); a
// report of the same problem while one is open joins its timeline in the customer's words.
import type { IncidentFinding } from "../incidents/model";
import { logger } from "../logger.server";
import { activeKey, addEvent, recordFinding } from "../models/incident.server";
import type { CustomerContact } from "../models/incident.server";
import { remediate } from "./engine/index.server";
import type { RemediationDeps } from "./engine/index.server";

export interface ReportIntake {
  shop: string;
  finding: IncidentFinding;
  contact: CustomerContact;
  /** Who recorded it: "customer", or the staff member ("staff:…"). */
  actor: string;
  /** The channel it came through, kept as the incident's source. */
  source: string;
  /** The timeline's line when the report joins an open incident. */
  joinMessage: string;
  /** Runs once the report is stored, before the policy (the customer's acknowledgement, so it
   * reaches them before any remedy's e-mail). */
  received?: (incidentId: string, joined: boolean) => Promise<void>;
  log?: typeof logger;
}

export interface ReportTaken {
  incidentId: string;
  /** True when the report joined an incident already open (or closed) for the same problem. */
  joined: boolean;
}

export async function takeReport(deps: RemediationDeps, input: ReportIntake): Promise<ReportTaken> {
  const { db } = deps;
  const log = (input.log ?? deps.log ?? logger).child({ shop: input.shop, orderId: input.finding.orderId });
  const open = await db.incident.findUnique({
    where: { activeKey: activeKey(input.shop, input.finding.orderId, input.finding.kind) },
    select: { id: true },
  });
  if (open) {
    await addEvent(db, open.id, { type: "customer_report", actor: input.actor, message: input.joinMessage, data: input.finding.evidence });
    await input.received?.(open.id, true);
    return { incidentId: open.id, joined: true };
  }
  const recorded = await recordFinding(db, input.shop, input.finding, input.actor, input.contact, input.source);
  await input.received?.(recorded.incidentId, !recorded.opened);
  if (recorded.opened) {
    // Put to the policy now, so whoever reported it learns where it stands. If this fails, the
    // incident stays open without a decision and the worker's catch-up pass (AutoRemediator)
    // puts it to the policy again.
    try {
      const outcome = await remediate(deps, { shop: input.shop, incidentId: recorded.incidentId, trigger: "automatic", actor: "rule:policy" });
      log.info({ incidentId: recorded.incidentId, status: outcome.status, source: input.source }, "report put to the policy");
    } catch (error) {
      log.error({ err: error, incidentId: recorded.incidentId }, "report not yet put to the policy; the catch-up pass retries");
    }
  }
  return { incidentId: recorded.incidentId, joined: !recorded.opened };
}
