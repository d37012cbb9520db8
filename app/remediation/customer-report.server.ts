// A customer reports a problem from the order page. The report takes the same path as every
// other finding (findingFromReport → recordFinding → the remediation policy), so a customer's
// claim is remedied automatically where the merchant's policy allows it and otherwise waits in
// the approval queue. A second report of the same kind while the first is open joins its
// timeline in the customer's words instead of opening another incident.
import type { ReportCreatedResponse, ReportRequest } from "../../extensions/amends-order/src/api-contract";
import { INCIDENT_KIND_FOR_REPORT, ORDER_PAGE } from "../incidents/customer-reports";
import { findingFromReport } from "../incidents/reports";
import type { Database } from "../db.server";
import { logger } from "../logger.server";
import { enqueueCustomerMessage } from "../models/outbox.server";
import { customerCases } from "../models/customer-cases.server";
import { activeKey, addEvent, recordFinding } from "../models/incident.server";
import { detectionSettings } from "../models/shop.server";
import type { CustomerOrder } from "../shopify/customer-orders.server";
import { remediate } from "./engine/index.server";
import type { RemediationDeps } from "./engine/index.server";

export interface TakeReport {
  shop: string;
  /** The customer's GID, from the session token (the order was checked to be theirs). */
  customerId: string;
  order: CustomerOrder;
  report: ReportRequest;
}

export interface ReportReceived {
  shop: string;
  incidentId: string;
  orderName: string;
  customerId: string;
  /** True when the report joined an incident already open for the same problem. */
  joined: boolean;
  at: Date;
}

export async function takeCustomerReport(deps: RemediationDeps, input: TakeReport): Promise<ReportCreatedResponse> {
  const { db } = deps;
  const now = deps.now?.() ?? new Date();
  const log = (deps.log ?? logger).child({ shop: input.shop, orderId: input.order.id });
  const kind = INCIDENT_KIND_FOR_REPORT[input.report.kind];
  const finding = findingFromReport(
    { id: input.order.id, name: input.order.name, customer: { id: input.customerId } },
    {
      kind,
      lines: input.report.lines,
      description: input.report.message,
      reportedBy: "customer",
      channel: ORDER_PAGE,
      customerKind: input.report.kind,
    },
    await detectionSettings(db, input.shop),
    now,
  );

  let incidentId: string;
  let joined: boolean;
  const open = await db.incident.findUnique({ where: { activeKey: activeKey(input.shop, input.order.id, kind) }, select: { id: true } });
  if (open) {
    incidentId = open.id;
    joined = true;
    await addEvent(db, incidentId, {
      type: "customer_report",
      actor: "customer",
      message: `The customer writes from the order page: “${input.report.message}”`,
      data: finding.evidence,
    });
    await onReportReceived(db, { shop: input.shop, incidentId, orderName: input.order.name, customerId: input.customerId, joined, at: now });
  } else {
    const contact = { email: input.order.customer?.email ?? null, name: input.order.customer?.name ?? null };
    const recorded = await recordFinding(db, input.shop, finding, "customer", contact, ORDER_PAGE);
    incidentId = recorded.incidentId;
    joined = !recorded.opened;
    // Acknowledged before the policy runs, so "we received your report" reaches the customer
    // before any remedy's e-mail.
    await onReportReceived(db, { shop: input.shop, incidentId, orderName: input.order.name, customerId: input.customerId, joined, at: now });
    if (recorded.opened) {
      // Put to the policy now, so the customer's confirmation says where it stands. If this
      // fails, the incident stays open without a decision and the worker's catch-up pass
      // (AutoRemediator) puts it to the policy again.
      try {
        const outcome = await remediate(deps, { shop: input.shop, incidentId, trigger: "automatic", actor: "rule:policy" });
        log.info({ incidentId, status: outcome.status }, "customer report put to the policy");
      } catch (error) {
        log.error({ err: error, incidentId }, "customer report not yet put to the policy; the catch-up pass retries");
      }
    }
  }

  const { reports } = await customerCases(db, input.shop, input.order.id, incidentId);
  const report = reports[0];
  if (!report) throw new Error(`Incident ${incidentId} does not read as the customer's report`);
  return { report, respondBy: report.respondBy };
}

/**
 * The report is accepted and stored: the customer is told so by e-mail, through the outbox.
 * A first report is acknowledged once per incident; a later report joining it gets its own
 * acknowledgement, keyed by when it arrived.
 */
export async function onReportReceived(db: Database, received: ReportReceived): Promise<void> {
  logger.info({ ...received }, received.joined ? "customer report joined an open incident" : "customer report received");
  await enqueueCustomerMessage(db, {
    shop: received.shop,
    incidentId: received.incidentId,
    kind: "report_received",
    ...(received.joined ? { discriminator: received.at.toISOString() } : {}),
    actor: "customer",
  });
}
