// An order's incidents as its customer sees them on the order page: their own reports and the
// incidents Amends opened itself, each with the remedies that really succeeded in Shopify and
// the store's message.
import type { CustomerCase, Remedy, ReportKind } from "../../extensions/amends-order/src/api-contract";
import { REPORT_KINDS } from "../../extensions/amends-order/src/api-contract";
import type { Database } from "../db.server";
import { ORDER_PAGE, customerCase, reportKindOf } from "../incidents/customer-reports";
import type { IncidentStatus } from "../incidents/model";
import { fromMinor, toMinor } from "../remediation/policy/money";

export interface OrderCases {
  reports: CustomerCase[];
  incidents: CustomerCase[];
}

/** Newest first. `onlyIncidentId` narrows to one incident (the report just taken). */
export async function customerCases(db: Database, shop: string, orderId: string, onlyIncidentId?: string): Promise<OrderCases> {
  const rows = await db.incident.findMany({
    where: { shop, orderId, ...(onlyIncidentId ? { id: onlyIncidentId } : {}) },
    orderBy: { createdAt: "desc" },
    include: {
      remediations: { where: { status: "succeeded" }, orderBy: { createdAt: "asc" } },
      // The customer's own words on the timeline: what they called the problem.
      events: { where: { actor: "customer" }, orderBy: { at: "desc" }, select: { data: true } },
    },
  });
  const cases: OrderCases = { reports: [], incidents: [] };
  for (const row of rows) {
    const reported = row.source === ORDER_PAGE || row.events.length > 0;
    const reportKind = reported ? (askedKind(row.events.map((e) => e.data)) ?? reportKindOf(row.kind)) : null;
    const shown = customerCase({
      id: row.id,
      kind: row.kind,
      status: row.status as IncidentStatus,
      createdAt: row.createdAt,
      responseDeadline: row.responseDeadline,
      reportKind,
      remedy: remedyOf(row.remediations),
      message: messageOf(row.remediations),
    });
    if (shown) (reported ? cases.reports : cases.incidents).push(shown);
  }
  return cases;
}

/** The kind the customer picked, from the latest of their reports that says. */
function askedKind(data: unknown[]): ReportKind | null {
  for (const entry of data) {
    const kind = (entry as { customerKind?: unknown } | null)?.customerKind;
    if (typeof kind === "string" && (REPORT_KINDS as readonly string[]).includes(kind)) return kind as ReportKind;
  }
  return null;
}

interface SucceededRemediation {
  action: string;
  amount: string | null;
  currencyCode: string | null;
  result: unknown;
}

function remedyOf(rows: SucceededRemediation[]): Remedy {
  const remedy: Remedy = {};
  let refunded = 0;
  let currency: string | null = null;
  for (const row of rows) {
    const result = (row.result ?? {}) as Record<string, unknown>;
    if (row.action === "refund" && row.amount && row.currencyCode) {
      refunded += toMinor(row.amount, row.currencyCode);
      currency = row.currencyCode;
    }
    if (row.action === "replacement" && typeof result.orderName === "string") {
      remedy.replacementOrderName = result.orderName;
    }
    if (row.action === "discount_code" && typeof result.code === "string") {
      remedy.discount = { code: result.code, endsAt: typeof result.endsAt === "string" ? result.endsAt : null };
    }
  }
  if (currency && refunded > 0) remedy.refund = fromMinor(refunded, currency);
  return remedy;
}

function messageOf(rows: SucceededRemediation[]): string | null {
  const row = rows.find((r) => r.action === "message");
  const message = (row?.result as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : null;
}
