// The incident domain's vocabulary. Plain data only: no Remix, Prisma or network here, so
// detection rules and remediation policy can be tested in milliseconds.

/** A Shopify global id, e.g. "gid://shopify/Order/820982911946154508". Never a number: Shopify's
 * numeric ids exceed JavaScript's safe integers. */
export type Gid = string;

/** The GID of a resource a REST-shaped payload names by its numeric id (read as a string). */
export function gid(type: string, numericId: string): Gid {
  return `gid://shopify/${type}/${numericId}`;
}

/** Money as Shopify sends it: a decimal string and a currency, never a float. */
export interface Money {
  amount: string;
  currencyCode: string;
}

export const INCIDENT_KINDS = [
  "stock_out_cancellation",
  "oversell_risk",
  "late_fulfilment",
  "late_delivery",
  "possibly_lost",
  "carrier_exception",
  "wrong_item",
  "wrong_quantity",
  "missing_item",
  "damaged",
  "lost",
  "wrong_address",
  /** A customer's report that fits none of the kinds above, in their own words. */
  "other",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Kinds a customer or merchant reports; the rest Amends detects itself. */
export const REPORTED_KINDS = [
  "wrong_item",
  "wrong_quantity",
  "missing_item",
  "damaged",
  "lost",
  "wrong_address",
  "other",
] as const satisfies readonly IncidentKind[];

export const INCIDENT_STATUSES = [
  "open",
  "awaiting_approval",
  "remediating",
  /** Shopify refused a remedy for good: the merchant retries, picks another plan or dismisses. */
  "needs_attention",
  "resolved",
  "dismissed",
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses in which an incident still counts as the order's open incident of its kind. */
export const ACTIVE_STATUSES: readonly IncidentStatus[] = ["open", "awaiting_approval", "remediating", "needs_attention"];

export const RESPONSIBLE_PARTIES = [
  "store",
  "warehouse",
  "carrier",
  "supplier",
  "creator",
  "unknown",
] as const;
export type ResponsibleParty = (typeof RESPONSIBLE_PARTIES)[number];

/** A small taxonomy the merchant can set on an incident. */
export const ROOT_CAUSES = [
  "inventory_out_of_sync",
  "oversold",
  "picking_error",
  "packing_error",
  "carrier_delay",
  "carrier_damage",
  "address_error",
  "supplier_delay",
  "other",
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

export type CancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";

export interface OrderLine {
  id: Gid;
  variantId: Gid | null;
  title: string;
  sku: string | null;
  quantity: number;
  /** Units not yet fulfilled (and not removed). */
  unfulfilledQuantity: number;
  unitPrice: Money;
}

export type FulfillmentEventStatus =
  | "LABEL_PRINTED"
  | "LABEL_PURCHASED"
  | "ATTEMPTED_DELIVERY"
  | "READY_FOR_PICKUP"
  | "PICKED_UP"
  | "CONFIRMED"
  | "IN_TRANSIT"
  | "OUT_FOR_DELIVERY"
  | "DELIVERED"
  | "FAILURE"
  | "DELAYED"
  | "CARRIER_PICKED_UP";

/**
 * Where one copy of a Shopify resource stands in Shopify's own ordering (see ordering.ts):
 * times in milliseconds since the epoch, null when the copy does not carry them.
 */
export interface CopyVersion {
  /** X-Shopify-Triggered-At of the delivery that carried the copy. */
  triggeredAt: number | null;
  /** The resource's updated_at (one-second resolution). */
  updatedAt: number | null;
  /** The latest of the copy's own timestamps (created_at, cancelled_at, a refund's…). */
  occurredAt: number | null;
  /** How far along the copy is, by facts that only move one way; compared element by element. */
  progress: number[];
  /** A digest of the copy: the last tie-break, so arrival order never decides. */
  digest: string;
}

export interface FulfillmentEvent {
  id: Gid;
  status: FulfillmentEventStatus;
  happenedAt: string;
  message: string | null;
  estimatedDeliveryAt: string | null;
  /** The copy this event was heard from; absent on events stored before versions were kept. */
  version?: CopyVersion;
}

export interface Fulfillment {
  id: Gid;
  status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING";
  createdAt: string;
  trackingCompany: string | null;
  trackingNumbers: string[];
  /** The latest shipment status Shopify reports for the fulfilment, upper case. */
  shipmentStatus: FulfillmentEventStatus | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  events: FulfillmentEvent[];
  lines: { lineItemId: Gid; quantity: number }[];
  /** Shopify's updated_at of the data held, so an older delivery does not roll it back. */
  updatedAt?: string;
  /** The fulfilment copy its status, tracking and lines come from. */
  version?: CopyVersion;
  /** The shipment status the newest fulfilment copy reported (its `version` ranks it by that
   * status), weighed against the carrier events heard (ordering.ts, shipmentOf). */
  reported?: { status: FulfillmentEventStatus; at: string | null; version: CopyVersion };
}

export interface Customer {
  id: Gid;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

/** What Amends knows of an order, normalised from webhooks and Admin API reads. */
export interface OrderState {
  id: Gid;
  name: string;
  createdAt: string;
  /** When the order was paid (or created, for orders paid at checkout). */
  paidAt: string | null;
  cancelledAt: string | null;
  cancelReason: CancelReason | null;
  customer: Customer | null;
  /** The order's contact email (guest checkouts have no customer record). */
  email?: string | null;
  lines: OrderLine[];
  fulfillments: Fulfillment[];
  totalPrice: Money;
}

/** Per-shop settings the detection rules read. */
export interface DetectionSettings {
  /** Business days after payment by which an order must be fulfilled. */
  fulfilmentSlaBusinessDays: number;
  /** Days past the estimated delivery date before a parcel counts as late. */
  deliveryGraceDays: number;
  /** Days without a tracking update before a parcel in transit counts as possibly lost. */
  trackingSilenceDays: number;
  /** Holidays (YYYY-MM-DD, in the shop's time zone) that are not business days. */
  holidays: string[];
  /** IANA time zone of the shop, e.g. "America/New_York". */
  timeZone: string;
  /** Hours the merchant has to respond to a new incident. */
  responseHours: number;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  fulfilmentSlaBusinessDays: 3,
  deliveryGraceDays: 2,
  trackingSilenceDays: 7,
  holidays: [],
  timeZone: "UTC",
  responseHours: 24,
};

export interface AffectedLine {
  lineItemId: Gid;
  quantity: number;
}

/** A detection rule's finding: what went wrong with which order, and the evidence for it. */
export interface IncidentFinding {
  kind: IncidentKind;
  orderId: Gid;
  orderName: string;
  customerId: Gid | null;
  lines: AffectedLine[];
  evidence: Record<string, unknown>;
  responsibleParty: ResponsibleParty;
  /** ISO time by which the merchant should respond. */
  responseDeadline: string;
  /** One sentence in the merchant's words for the timeline. */
  summary: string;
}

/** The shop as Shopify describes it: the currency its money is in, the zone its days are in,
 * the language its merchant reads. Read from Shopify, never assumed. */
export interface ShopProfile {
  name: string;
  /** ISO 4217, e.g. "EUR". */
  currencyCode: string;
  /** IANA zone, e.g. "Europe/Madrid". */
  timeZone: string;
  /** ISO 3166-1 alpha-2, e.g. "ES"; null when Shopify has none. */
  country: string | null;
  /** The shop's primary locale, e.g. "es" or "pt-BR". */
  primaryLocale: string;
  /** The shop's public contact e-mail. */
  email: string | null;
}
