// Shopify answers a refused mutation with 200 and `userErrors`: turned into ShopifyUserError
// with Shopify's own messages, so the timeline shows the merchant what Shopify said.
import { ShopifyUserError } from "../admin.server";

export interface UserErrorFields {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export function throwOnUserErrors(operation: string, errors: readonly UserErrorFields[] | null | undefined): void {
  if (errors && errors.length > 0) throw new ShopifyUserError(operation, [...errors]);
}

/** Shopify's money shape, as every operation here selects it. */
export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}
