// A customer reports a problem from the order page. The report takes the same path as every
// other finding (findingFromReport → takeReport: recordFinding → the remediation policy), so a customer's
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
import { detectionSettings } from "../models/shop.server";
import type { CustomerOrder } from "../shopify/customer-orders.server";
import type { RemediationDeps } from "./engine/index.server";
import { takeReport } from "./report-intake.server";

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

  const { incidentId } = await takeReport(deps, {
    shop: input.shop,
    finding,
    contact: { email: input.order.customer?.email ?? null, name: input.order.customer?.name ?? null },
    actor: "customer",
    source: ORDER_PAGE,
    joinMessage: `The customer writes from the order page: “${input.report.message}”`,
    received: (incidentId, joined) =>
      onReportReceived(db, { shop: input.shop, incidentId, orderName: input.order.name, customerId: input.customerId, joined, at: now }),
    log,
  });

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
