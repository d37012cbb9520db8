// Gathers what decideRemediation reads: the incident priced from Shopify's copy of the order,
// the shop's policy, the customer's history (Amends' own and Shopify's) and today's spend.
import type { Database } from "../../db.server";
import type { AffectedLine, IncidentKind } from "../../incidents/model";
import { INCIDENT_KINDS } from "../../incidents/model";
import { customerRemediationHistory, remediatedSince } from "../../models/remediation.server";
import type { ShopSettings } from "../../models/shop.server";
import type { RemediationOrder } from "../../shopify/operations/order.server";
import type { CustomerHistory, IncidentForRemediation, PricedLine } from "../policy";
import { CUSTOMER_CLAIM_KINDS, fromMinor } from "../policy";

export type IncidentRow = Awaited<ReturnType<Database["incident"]["findUniqueOrThrow"]>>;

export function incidentKind(kind: string): IncidentKind {
  const known = INCIDENT_KINDS.find((k) => k === kind);
  if (!known) throw new Error(`Unknown incident kind "${kind}"`);
  return known;
}

function affectedLines(value: unknown): AffectedLine[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== "object" || item === null) return [];
    const { lineItemId, quantity } = item as Record<string, unknown>;
    return typeof lineItemId === "string" && typeof quantity === "number" && quantity > 0
      ? [{ lineItemId, quantity }]
      : [];
  });
}

/**
 * The incident in the policy's terms: affected lines priced at what the customer paid and, with
 * `replaced` (units other incidents already replaced), what is left of each line to remedy.
 * Without it the plan takes the units as reported: a resumed plan was checked when it was
 * chosen, its own refunds must not shrink it, and each step checks Shopify again as it acts.
 */
export function incidentForRemediation(
  incident: IncidentRow,
  order: RemediationOrder,
  replaced: ReadonlyMap<string, number> | null,
): IncidentForRemediation {
  const byId = new Map(order.lineItems.nodes.map((line) => [line.id, line]));
  const currency = order.totalPriceSet.shopMoney.currencyCode;
  const lines: PricedLine[] = affectedLines(incident.lines).flatMap((affected) => {
    const line = byId.get(affected.lineItemId);
    // A line Shopify no longer has (edited off the order) cannot be refunded or replaced.
    if (!line) return [];
    return [{ ...affected, title: line.title, unitPrice: line.discountedUnitPriceSet.shopMoney }];
  });
  const evidence = (incident.evidence ?? {}) as Record<string, unknown>;
  const daysLate = typeof evidence.daysOverdue === "number" ? Math.floor(evidence.daysOverdue) : undefined;
  return {
    kind: incidentKind(incident.kind),
    lines,
    orderTotal: order.totalPriceSet.shopMoney,
    shippingTotal: order.totalShippingPriceSet.shopMoney,
    ...(daysLate === undefined ? {} : { daysLate }),
    currency,
    ...(replaced
      ? {
          shippingRefunded: order.totalRefundedShippingSet.shopMoney,
          refundable: order.netPaymentSet.shopMoney,
          orderLines: order.lineItems.nodes.map((line) => ({
            lineItemId: line.id,
            quantity: line.quantity,
            refundableQuantity: line.refundableQuantity,
            replacedQuantity: replaced.get(line.id) ?? 0,
          })),
        }
      : {}),
  };
}

const YEAR_MS = 365 * 86_400_000;

export async function customerHistory(
  db: Database,
  incident: IncidentRow,
  order: RemediationOrder,
  now: Date,
  currencyCode: string,
): Promise<CustomerHistory | null> {
  const customer = order.customer;
  if (!customer) return null;
  const own = await customerRemediationHistory(db, {
    shop: incident.shop,
    customerId: customer.id,
    since: new Date(now.getTime() - YEAR_MS),
    kinds: CUSTOMER_CLAIM_KINDS,
    excludeIncidentId: incident.id,
    excludeOrderId: incident.orderId,
    currencyCode,
  });
  return {
    incidentsLast12Months: own.incidents,
    refundedLast12Months: fromMinor(own.refundedMinor, currencyCode),
    numberOfOrders: Number(customer.numberOfOrders),
    amountSpent: customer.amountSpent,
  };
}

/** Midnight in the shop's time zone, as an instant. */
export function startOfDay(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const sinceMidnight = ((get("hour") * 60 + get("minute")) * 60 + get("second")) * 1000 + now.getMilliseconds();
  return new Date(now.getTime() - sinceMidnight);
}

export async function remediatedToday(
  db: Database,
  incident: IncidentRow,
  now: Date,
  settings: ShopSettings,
): Promise<ReturnType<typeof fromMinor>> {
  const currencyCode = settings.policy.currencyCode;
  const minor = await remediatedSince(db, {
    shop: incident.shop,
    since: startOfDay(now, settings.timeZone),
    currencyCode,
    excludeIncidentId: incident.id,
  });
  return fromMinor(minor, currencyCode);
}
