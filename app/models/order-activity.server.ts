// The order's payments, refunds and fulfilments in the merchant's words: amounts in the order's
// currency written the shop's way, dates in the shop's time zone, and what is still pending or
// has failed marked as such. Pure: the route reads Shopify and passes the answer in.
import type { OrderActivity } from "../shopify/operations/order-activity.server";
import { formatMoney } from "../remediation/policy";

export type ActivityState = "done" | "pending" | "failed";

export interface ActivityRow {
  id: string;
  when: string | null;
  what: string;
  amount: string | null;
  state: ActivityState;
  /** "Succeeded", "Pending", "Failed", "In transit"… */
  status: string;
  /** The carrier's tracking page, when Shopify has one. */
  trackingUrl?: string | null;
}

export interface OrderItemRow {
  id: string;
  title: string;
  sku: string | null;
  quantity: number;
  unitPrice: string;
  /** "2 shipped · 1 refunded or removed", "1 not shipped yet". */
  standing: string;
}

export interface CustomerSummary {
  id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** Orders placed and lifetime spend, as Shopify counts them; null for a guest checkout. */
  orders: number | null;
  totalSpent: string | null;
}

export type OrderActivityView =
  | {
      available: true;
      financialStatus: string | null;
      received: string;
      refunded: string;
      payments: ActivityRow[];
      refunds: ActivityRow[];
      fulfilments: ActivityRow[];
      items: OrderItemRow[];
      customer: CustomerSummary;
    }
  | { available: false; reason: string };

export interface DisplayPreferences {
  locale: string;
  timeZone: string;
}

const PAYMENT_KINDS: Readonly<Record<string, string>> = {
  SALE: "Payment",
  CAPTURE: "Payment captured",
  AUTHORIZATION: "Payment authorised",
  EMV_AUTHORIZATION: "Payment authorised",
  VOID: "Authorisation voided",
  CHANGE: "Change given",
};

/** Shopify's transaction statuses: SUCCESS, PENDING, AWAITING_RESPONSE, FAILURE, ERROR, UNKNOWN. */
function transactionState(status: string): ActivityState {
  if (status === "SUCCESS") return "done";
  return status === "FAILURE" || status === "ERROR" ? "failed" : "pending";
}

const STATE_LABELS: Readonly<Record<ActivityState, string>> = {
  done: "Succeeded",
  pending: "Pending",
  failed: "Failed",
};

/** "PARTIALLY_REFUNDED" → "Partially refunded". */
function words(value: string): string {
  const text = value.toLowerCase().replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lines(nodes: { quantity: number; lineItem: { title: string } }[]): string {
  return nodes.map((line) => `${line.quantity} × ${line.lineItem.title}`).join(", ");
}

export function orderActivityView(
  activity: OrderActivity | null,
  { locale, timeZone }: DisplayPreferences,
): OrderActivityView {
  if (!activity) return { available: false, reason: "Shopify no longer has this order." };
  const dates = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  });
  const when = (iso: string | null) => (iso ? dates.format(new Date(iso)) : null);
  const money = (set: { shopMoney: { amount: string; currencyCode: string } }) =>
    formatMoney(set.shopMoney, locale);

  const payments = activity.transactions
    .filter((t) => t.kind !== "REFUND" && t.kind !== "SUGGESTED_REFUND")
    .map((t): ActivityRow => {
      const state = transactionState(t.status);
      const kind = PAYMENT_KINDS[t.kind] ?? words(t.kind);
      return {
        id: t.id,
        when: when(t.processedAt),
        what: t.formattedGateway ? `${kind} (${t.formattedGateway})` : kind,
        amount: money(t.amountSet),
        state,
        status: STATE_LABELS[state],
      };
    });

  const refunds = activity.refunds.map((refund): ActivityRow => {
    const statuses = refund.transactions.nodes.map((t) => transactionState(t.status));
    // A refund with no transaction moved no money (items removed or restocked only).
    const state: ActivityState = statuses.includes("failed")
      ? "failed"
      : statuses.includes("pending")
        ? "pending"
        : "done";
    const items = lines(refund.refundLineItems.nodes);
    return {
      id: refund.id,
      when: when(refund.createdAt),
      what: [items || "No items", refund.note].filter(Boolean).join(" · "),
      amount: money(refund.totalRefundedSet),
      state,
      status: statuses.length === 0 ? "No money moved" : STATE_LABELS[state],
    };
  });

  const fulfilments = activity.fulfillments.map((f): ActivityRow => {
    const state: ActivityState =
      f.status === "ERROR" || f.status === "FAILURE"
        ? "failed"
        : f.status === "OPEN" || f.status === "PENDING"
          ? "pending"
          : "done";
    const tracking = f.trackingInfo[0];
    const carrier = [tracking?.company, tracking?.number].filter(Boolean).join(" ");
    return {
      id: f.id,
      when: when(f.deliveredAt ?? f.createdAt),
      what: [f.name, lines(f.fulfillmentLineItems.nodes), carrier].filter(Boolean).join(" · "),
      amount: null,
      state,
      status: words(f.displayStatus ?? f.status),
      trackingUrl: tracking?.url ?? null,
    };
  });

  const count = new Intl.NumberFormat(locale);
  const items = activity.lineItems.nodes.map((line): OrderItemRow => {
    const refunded = line.quantity - line.refundableQuantity;
    const shipped = Math.max(0, line.refundableQuantity - line.unfulfilledQuantity);
    const standing = [
      shipped > 0 ? `${count.format(shipped)} shipped` : null,
      refunded > 0 ? `${count.format(refunded)} refunded or removed` : null,
      line.unfulfilledQuantity > 0 ? `${count.format(line.unfulfilledQuantity)} not shipped yet` : null,
    ].filter(Boolean);
    return {
      id: line.id,
      title: line.title,
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: money(line.discountedUnitPriceSet),
      standing: standing.join(" · "),
    };
  });
  const customer = activity.customer;

  return {
    available: true,
    financialStatus: activity.displayFinancialStatus
      ? words(activity.displayFinancialStatus)
      : null,
    received: money(activity.totalReceivedSet),
    refunded: money(activity.totalRefundedSet),
    payments,
    refunds,
    fulfilments,
    items,
    customer: {
      id: customer?.id ?? null,
      name: customer?.displayName || null,
      email: customer?.email ?? activity.email,
      phone: customer?.phone ?? activity.phone,
      orders: customer ? Number(customer.numberOfOrders) : null,
      totalSpent: customer ? formatMoney(customer.amountSpent, locale) : null,
    },
  };
}
