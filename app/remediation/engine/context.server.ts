// Gathers what decideRemediation reads: the incident priced from Shopify's copy of the order,
// the shop's policy, the customer's history (Amends' own and Shopify's) and today's spend.
import type { Database } from "../../db.server";
import type { AffectedLine, IncidentKind, ShopProfile } from "../../incidents/model";
import { INCIDENT_KINDS } from "../../incidents/model";
import { customerRemediationHistory, remediatedSince } from "../../models/remediation.server";
import { UnknownShopProfile, ensureShop, storedShopProfile } from "../../models/shop.server";
import type { RemediationOrder } from "../../shopify/operations/order.server";
import type { CustomerHistory, IncidentForRemediation, PricedLine, RemediationPolicy } from "../policy";
import { defaultPolicyFor, fromMinor, parsePolicy } from "../policy";

export type IncidentRow = Awaited<ReturnType<Database["incident"]["findUniqueOrThrow"]>>;

export interface ShopSettings {
  policy: RemediationPolicy;
  /** Set when the stored policy was invalid and the default was used instead, or when its
   * amounts are in another currency than the shop's. */
  policyProblem: string | null;
  /** The shop's currency, zone and primary locale, as Shopify describes the shop. */
  currencyCode: string;
  timeZone: string;
  locale: string;
}

/**
 * The shop's policy and profile. A profile Amends has not stored yet is read from Shopify
 * through `fetchProfile` when given, and is an error otherwise: never assumed USD in UTC.
 */
export async function shopSettings(
  db: Database,
  shop: string,
  fetchProfile?: () => Promise<ShopProfile>,
): Promise<ShopSettings> {
  const profile = fetchProfile ? await ensureShop(db, shop, fetchProfile) : await storedShopProfile(db, shop);
  if (!profile) throw new UnknownShopProfile(shop);
  const { currencyCode, timeZone, primaryLocale: locale } = profile;
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { policy: true } });
  const base = { currencyCode, timeZone, locale };
  if (row?.policy === null || row?.policy === undefined) {
    return { policy: defaultPolicyFor(currencyCode), policyProblem: null, ...base };
  }
  const parsed = parsePolicy(row.policy);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return { policy: defaultPolicyFor(currencyCode), policyProblem: problem, ...base };
  }
  // The shop changed currency since the policy was saved: its caps no longer compare with
  // the orders, so every incident waits for the merchant until the amounts are saved again.
  const problem =
    parsed.data.currencyCode === currencyCode
      ? null
      : `The policy's amounts are in ${parsed.data.currencyCode}, the shop's currency is ${currencyCode}: review them and save.`;
  return { policy: parsed.data, policyProblem: problem, ...base };
}

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

/** The incident in the policy's terms: affected lines priced at what the customer paid. */
export function incidentForRemediation(incident: IncidentRow, order: RemediationOrder): IncidentForRemediation {
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
