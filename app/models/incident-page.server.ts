// Everything the incident page shows, gathered in one place so the route stays thin: the
// incident, the order as Shopify has it now, links into admin, the approval form's starting
// values, and, when escalated, the facts to check.
import type { Database } from "../db.server";
import { adminLink } from "../incidents/admin-links";
import type { IncidentKind } from "../incidents/model";
import { logger } from "../logger.server";
import type { PlannedRemedy } from "../remediation/policy";
import { REMEDIES_BY_KIND, describeRemedies } from "../remediation/policy";
import { adminClientFor } from "../shopify/admin.server";
import { orderActivity } from "../shopify/operations/order-activity.server";
import { escalationFacts } from "./escalation.server";
import { incidentDetail } from "./incident-detail.server";
import type { OrderActivityView } from "./order-activity.server";
import { orderActivityView } from "./order-activity.server";
import { shopClock, shopSettings } from "./shop.server";

export async function incidentPage(db: Database, shop: string, id: string, embedded: boolean) {
  const clock = await shopClock(db, shop);
  const incident = await incidentDetail(db, shop, id, clock.locale);
  if (!incident) return null;
  const settings = await shopSettings(db, shop);
  // Read from Shopify each time: the page must not show money as refunded before it is.
  const order: OrderActivityView = await adminClientFor(shop)
    .then((client) => orderActivity(client, incident.orderId))
    .then(
      (activity) => orderActivityView(activity, clock),
      (error: unknown) => {
        // Shopify's own words go to the log; the page stays usable without the order's activity.
        logger.warn({ shop, incidentId: incident.id, err: error }, "order activity unavailable");
        return { available: false, reason: "Shopify's payments, refunds and fulfilments could not be read just now: reload the page to try again." };
      },
    );
  const customer = order.available ? order.customer : null;
  // Amends' own copy of the order may not have arrived yet: name the items as Shopify does.
  if (order.available) {
    incident.items = incident.items.map((item) => {
      const known = order.items.find((line) => line.id === item.lineItemId);
      return item.sku !== null || !known ? item : { ...item, title: known.title, sku: known.sku };
    });
  }
  const at = { shop, embedded };
  const made = (action: string) => incident.remediations.find((r) => r.action === action && r.status === "succeeded");
  const replacement = made("replacement")?.result as { orderId?: string; orderName?: string } | undefined;
  const discount = made("discount_code");
  const returned = made("return")?.result as { returnName?: string } | undefined;
  const links = {
    order: adminLink("orders", incident.orderId, at),
    customer: adminLink("customers", customer?.id ?? incident.customerId, at),
    replacement: replacement?.orderId ? { name: replacement.orderName ?? "Replacement order", url: adminLink("orders", replacement.orderId, at) } : null,
    discount: discount?.shopifyId ? { code: (discount.result as { code?: string } | null)?.code ?? "Discount code", url: adminLink("discounts", discount.shopifyId, at) } : null,
    // A return lives on its order in admin.
    return: returned?.returnName ? { name: returned.returnName, url: adminLink("orders", incident.orderId, at) } : null,
  };
  const kind = incident.kind as IncidentKind;
  const escalation = {
    escalatedAt: incident.escalatedAt,
    note: incident.escalationNote,
    facts: incident.escalatedAt ? await escalationFacts(db, incident, customer?.orders ?? null, clock.locale) : null,
    orders: customer?.orders ?? null,
    totalSpent: customer?.totalSpent ?? null,
    policyWouldDo: incident.proposal
      ? `${describeRemedies(incident.proposal.remedies, clock.locale) || "An apology message only"}${incident.proposal.outcome === "apply" ? ", on its own" : ", with your approval"}.`
      : null,
  };
  return {
    incident,
    order,
    clock,
    links,
    escalation,
    allowed: REMEDIES_BY_KIND[kind] ?? [],
    defaults: remedyDefaults(incident.proposal?.remedies ?? []),
    shopCurrency: settings.policy.currencyCode,
  };
}

/** The approval form starts from the plan the policy proposed. */
function remedyDefaults(remedies: PlannedRemedy[]) {
  const refund = remedies.find((r) => r.type === "refund");
  const code = remedies.find((r) => r.type === "discount_code");
  const days = code ? Math.max(1, Math.round((Date.parse(code.expiresAt) - Date.now()) / 86_400_000)) : 30;
  return {
    refund: Boolean(refund),
    refundAmount: refund?.amount.amount ?? "",
    refundShipping: refund?.includeShipping ?? false,
    replacement: remedies.some((r) => r.type === "replacement"),
    return: remedies.some((r) => r.type === "return"),
    cancel: remedies.some((r) => r.type === "cancel"),
    discount: Boolean(code),
    discountType: code && "fixedAmount" in code.value ? ("fixedAmount" as const) : ("percentage" as const),
    discountValue: code ? ("fixedAmount" in code.value ? code.value.fixedAmount.amount : String(code.value.percentage)) : "10",
    discountExpiresInDays: String(days),
    message: remedies.length === 0 || remedies.some((r) => r.type === "message"),
  };
}
