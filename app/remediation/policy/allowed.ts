// Which remedies each kind of incident allows: the merchant's plan on the incident page and the
// policy's templates are held to the same list. A return only where the customer has the item.
import type { IncidentKind } from "../../incidents/model";
import type { RemedyTemplate } from "./schema";
import type { ReturnReason } from "./types";

export type MerchantRemedy = RemedyTemplate["type"];

const GOODS_ARRIVED: readonly MerchantRemedy[] = ["refund", "replacement", "return", "discount_code", "message"];
const NOT_ARRIVED: readonly MerchantRemedy[] = ["refund", "replacement", "discount_code", "message"];
const NOT_SHIPPED: readonly MerchantRemedy[] = ["cancel", "refund", "discount_code", "message"];

export const REMEDIES_BY_KIND: Readonly<Record<IncidentKind, readonly MerchantRemedy[]>> = {
  stock_out_cancellation: NOT_SHIPPED,
  oversell_risk: NOT_SHIPPED,
  late_fulfilment: ["cancel", "refund", "discount_code", "message"],
  late_delivery: NOT_ARRIVED,
  possibly_lost: NOT_ARRIVED,
  carrier_exception: NOT_ARRIVED,
  wrong_item: GOODS_ARRIVED,
  wrong_quantity: GOODS_ARRIVED,
  missing_item: NOT_ARRIVED,
  damaged: GOODS_ARRIVED,
  lost: NOT_ARRIVED,
  wrong_address: NOT_ARRIVED,
  other: GOODS_ARRIVED,
};

/** Whether the kind lets the merchant ask for the item back (a Shopify return). */
export function returnAllowed(kind: IncidentKind): boolean {
  return REMEDIES_BY_KIND[kind].includes("return");
}

/** The reason Shopify records on the return (ReturnReason, 2026-10). */
export function returnReasonFor(kind: IncidentKind): ReturnReason {
  return kind === "damaged" || kind === "other" ? "DEFECTIVE" : "WRONG_ITEM";
}
