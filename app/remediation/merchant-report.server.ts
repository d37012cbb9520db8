// A staff member records a complaint that came by phone, e-mail, chat, social media, a
// marketplace or in person. It takes the customer's report path (takeReport): an incident put
// to the merchant's policy, or the open incident's timeline, with the channel as its source
// and the staff member as who recorded it. No acknowledgement e-mail: the customer was talking
// with the store when it was taken down.
import { CHANNEL_LABELS } from "../incidents/inbox";
import type { MerchantReport } from "../incidents/merchant-reports";
import { findingFromReport } from "../incidents/reports";
import { detectionSettings } from "../models/shop.server";
import type { CustomerOrder } from "../shopify/customer-orders.server";
import type { RemediationDeps } from "./engine/index.server";
import type { ReportTaken } from "./report-intake.server";
import { takeReport } from "./report-intake.server";

export async function takeMerchantReport(
  deps: RemediationDeps,
  input: { shop: string; actor: string; order: CustomerOrder; report: MerchantReport },
): Promise<ReportTaken> {
  const { order, report } = input;
  const now = deps.now?.() ?? new Date();
  const finding = findingFromReport(
    { id: order.id, name: order.name, customer: order.customer ? { id: order.customer.id } : null },
    // The words are the customer's, taken down by the staff member (the event's actor).
    { kind: report.kind, lines: report.lines, description: report.words, reportedBy: "customer", channel: report.channel },
    await detectionSettings(deps.db, input.shop),
    now,
  );
  return takeReport(deps, {
    shop: input.shop,
    finding,
    contact: { email: order.customer?.email ?? null, name: order.customer?.name ?? null },
    actor: input.actor,
    source: report.channel,
    joinMessage: `The customer says (${CHANNEL_LABELS[report.channel].toLowerCase()}): “${report.words}”`,
  });
}
