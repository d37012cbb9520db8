// What an approval would do, worked out exactly as remediate() would and shown before anything
// happens: each remedy with its amount and items, the code and its last day, and every e-mail
// the customer would get, in the shop's language. Nothing is stored or sent.
import type { IncidentStatus } from "../../incidents/model";
import { renderCustomerMessage } from "../../models/outbox.server";
import { replacedUnits } from "../../models/remediation.server";
import { shopSettings } from "../../models/shop.server";
import { apologyCode } from "../../shopify/operations/discount.server";
import { orderForRemediation } from "../../shopify/operations/order.server";
import { fetchShopProfile } from "../../shopify/shop.server";
import type { CustomerMessageKind } from "../policy";
import { confirmationLines, formatMoney, planChoice } from "../policy";
import { incidentForRemediation } from "./context.server";
import { withParcelItems } from "./parcel-items.server";
import { chosenOption, decisionFor, messageKindFor, reportedByCustomer } from "./remediate.server";
import type { RemediateRequest, RemediationDeps } from "./types";

export interface ApprovalPreview {
  /** Field → message when the merchant's plan cannot be carried out as chosen. */
  errors: Record<string, string>;
  lines: string[];
  estimatedCost: string | null;
  /** Caps and signals the approval overrides, as the policy words them. */
  reasons: string[];
  messages: { subject: string; text: string; to: string | null }[];
}

export async function previewApproval(deps: RemediationDeps, request: RemediateRequest): Promise<ApprovalPreview> {
  const { db } = deps;
  const none = (errors: Record<string, string>): ApprovalPreview => ({ errors, lines: [], estimatedCost: null, reasons: [], messages: [] });
  const found = await db.incident.findFirst({ where: { id: request.incidentId, shop: request.shop } });
  if (!found) return none({ intent: "This incident no longer exists." });
  const status = found.status as IncidentStatus;
  if (status === "resolved" || status === "dismissed") return none({ intent: `This incident is ${status} already: nothing more will be done.` });
  const client = await deps.clientFor(request.shop);
  // As remediate() would see it: with its parcel's items when it was opened without them.
  const incident = status === "remediating" ? found : await withParcelItems(db, client, found, false);
  const order = await orderForRemediation(client, incident.orderId);
  if (!order) return none({ intent: `Shopify no longer has order ${incident.orderName}.` });
  const settings = await shopSettings(db, request.shop, () => fetchShopProfile(client));
  const locale = deps.locale ?? settings.locale;
  const at = deps.now?.() ?? new Date();
  const resuming = status === "remediating";
  const earlier = resuming ? await chosenOption(db, incident.id) : undefined;
  const choice = earlier ? earlier.choice : request.choice;
  if (choice && !resuming) {
    const replaced = await replacedUnits(db, { shop: incident.shop, orderId: incident.orderId, excludeIncidentId: incident.id });
    const checked = planChoice(choice, incidentForRemediation(incident, order, replaced), settings.policy.currencyCode, at, locale);
    if (!checked.ok) return none(checked.errors);
  }
  const decision = await decisionFor(db, {
    incident,
    order,
    settings,
    at,
    locale,
    resuming,
    trigger: "merchant",
    option: earlier ? earlier.option : request.option,
    choice,
  });
  if (decision.outcome === "none") return none({ intent: decision.reasons.join(" ") || "The policy has no remedy here." });

  const code = decision.remedies.some((r) => r.type === "discount_code") ? apologyCode(incident.shop, incident.id) : null;
  const kinds: CustomerMessageKind[] = [];
  const reported = reportedByCustomer(incident);
  if (status === "awaiting_approval" && reported) kinds.push("approved");
  if (decision.remedies.some((r) => r.type === "message")) kinds.push(messageKindFor(incident.kind, decision.remedies));
  else if (reported) kinds.push("resolved");
  const messages = [];
  for (const kind of kinds) {
    const { email, to } = await renderCustomerMessage(db, {
      shop: incident.shop,
      incidentId: incident.id,
      kind,
      customerFirstName: order.customer?.firstName ?? null,
      remedies: decision.remedies,
      // The approval e-mail goes out before the code exists; the others name it.
      code: kind === "approved" ? null : code,
    });
    messages.push({ subject: email.subject, text: email.text, to });
  }
  return {
    errors: {},
    lines: confirmationLines(decision.remedies, { locale, timeZone: settings.timeZone, code }),
    estimatedCost: formatMoney(decision.estimatedCost, locale),
    reasons: decision.reasons,
    messages,
  };
}
