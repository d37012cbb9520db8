// The contract between the customer-account extension (this package) and the app's endpoint
// (app/routes/api.customer.*). Types and plain data only, no imports: both sides import this
// file, and it must not pull anything into the extension's 64 KB bundle or the server.
//
//   GET  {appUrl}/api/customer/orders/{orderNumericId}
//        Authorization: Bearer <session token from shopify.sessionToken.get()>
//        200 OrderCasesResponse · 401 (bad token) · 404 (not this customer's order, or no such
//        order: the body reveals nothing) · 429 with Retry-After (seconds)
//   POST {appUrl}/api/customer/orders/{orderNumericId}/reports
//        Authorization: Bearer <session token>, Content-Type: application/json, body ReportRequest
//        201 ReportCreatedResponse · 422 FieldErrorsResponse · 429 with Retry-After · 404 · 401
//   OPTIONS on both: the CORS preflight. Every response, errors included, carries CORS headers.
//   A 429 also lists Retry-After in Access-Control-Expose-Headers: it is not a CORS-safelisted
//   header, and the Shopify library's cors() exposes only its own reauthorize header, so without
//   it the extension cannot read the wait and says "try again later".
//
// `orderNumericId` is the number at the end of the order's GID (gid://shopify/Order/<id>), kept
// as a string end to end: it does not fit a JavaScript number.
// Times are ISO 8601 strings in UTC ("2026-11-30T12:00:00.000Z"); the extension shows them in the
// customer's locale and time zone. Money is Shopify's MoneyV2 shape: a decimal string, never a float.

/** What the customer can pick under "What happened?". */
export const REPORT_KINDS = [
  "wrong_item",
  "wrong_quantity",
  "missing_item",
  "damaged",
  "not_arrived",
  "late",
  "wrong_address",
  "other",
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Kinds of the incidents Amends opens itself (the app's INCIDENT_KINDS that no customer picks). */
export const DETECTED_KINDS = [
  "stock_out_cancellation",
  "oversell_risk",
  "late_fulfilment",
  "late_delivery",
  "possibly_lost",
  "carrier_exception",
  "lost",
] as const;
export type DetectedKind = (typeof DETECTED_KINDS)[number];

export type CaseKind = ReportKind | DetectedKind;

/** The three states the customer sees. The app maps its own statuses onto them:
 * open → received; awaiting_approval, remediating → reviewing; resolved, dismissed → resolved. */
export const CASE_STATUSES = ["received", "reviewing", "resolved"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Money {
  /** A decimal string, e.g. "19.90". */
  amount: string;
  /** ISO 4217, e.g. "EUR". */
  currencyCode: string;
}

/** What the store did about it. Only remedies that really happened in Shopify appear here. */
export interface Remedy {
  refund?: Money;
  /** The name of the replacement order, e.g. "#1042". */
  replacementOrderName?: string;
  discount?: {
    code: string;
    /** When the code stops working; null when it never expires. */
    endsAt: string | null;
  };
}

/** A customer's report or an incident Amends opened, as the customer sees it. */
export interface CustomerCase {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  createdAt: string;
  /** When the store has said it will answer by; null when the store set no deadline. */
  respondBy: string | null;
  remedy?: Remedy;
  /** The store's message to the customer (the apology), in the store's words. */
  message?: string;
}

export interface CustomerOrderLine {
  /** The line item's GID. */
  lineItemId: string;
  title: string;
  variantTitle: string | null;
  /** How many the customer bought (the line's current quantity): the most they can report. */
  quantity: number;
}

export interface OrderCasesResponse {
  order: {
    /** The order's GID. */
    id: string;
    /** E.g. "#1001". */
    name: string;
    lines: CustomerOrderLine[];
  };
  /** The store's resolution policy in the merchant's words; null when the merchant wrote none. */
  policyText: string | null;
  /** The customer's own reports on this order, newest first. */
  reports: CustomerCase[];
  /** Incidents Amends opened on this order itself (late parcel, stock-out), newest first. */
  incidents: CustomerCase[];
}

export interface ReportRequest {
  kind: ReportKind;
  /** Which items and how many; each lineItemId is one of the order's lines, quantity 1..bought.
   * May be empty for kinds about the whole parcel (not_arrived, late, wrong_address, other). */
  lines: { lineItemId: string; quantity: number }[];
  /** The customer's own words; 1..2000 characters after trimming. */
  message: string;
  /** Reserved: the extension sends no photos (no file input in customer-account extensions). */
  photos?: [];
}

export interface ReportCreatedResponse {
  report: CustomerCase;
  /** When the store will answer by (the same as report.respondBy, for the confirmation). */
  respondBy: string | null;
}

/** The body of a 422. Keys name the field: "kind", "message", "lines", "lines.<index>.quantity",
 * "lines.<index>.lineItemId", "photos". Values are codes the extension translates (the endpoint
 * does not know the customer's language); an unknown code shows a generic "check this field". */
export interface FieldErrorsResponse {
  errors: Partial<Record<string, FieldErrorCode>>;
}

export const FIELD_ERROR_CODES = [
  /** Missing or empty. */
  "required",
  /** Not one of the allowed values (an unknown kind). */
  "invalid",
  /** Longer than allowed (message > 2000 characters). */
  "too_long",
  /** A line item that is not on this order. */
  "not_in_order",
  /** A quantity below 1 or above what was bought. */
  "quantity_out_of_range",
  /** The kind needs at least one item (wrong_item, wrong_quantity, missing_item, damaged). */
  "lines_required",
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** Kinds that are about particular items, so the report must name at least one line. */
export const KINDS_NEEDING_LINES: readonly ReportKind[] = ["wrong_item", "wrong_quantity", "missing_item", "damaged"];

export const MESSAGE_MAX_LENGTH = 2000;

/** The paths, so neither side spells them twice. */
export const customerApiPaths = {
  order: (orderNumericId: string) => `/api/customer/orders/${orderNumericId}`,
  reports: (orderNumericId: string) => `/api/customer/orders/${orderNumericId}/reports`,
};
