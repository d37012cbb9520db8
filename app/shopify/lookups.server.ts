// Questions the webhook handlers ask Shopify's Admin API.
import type { Gid } from "../incidents/model";
import type { AdminClient } from "./admin.server";
import { adminClientFor } from "./admin.server";
import { graphql } from "./documents";

export const VARIANT_FOR_INVENTORY_ITEM = graphql`
  query VariantForInventoryItem($id: ID!) {
    inventoryItem(id: $id) {
      id
      variant {
        id
      }
    }
  }
`;

/** What the webhook handlers may ask Shopify. */
export interface ShopifyLookups {
  /** The variant an inventory item belongs to, or null if Shopify does not know it. */
  variantForInventoryItem(shop: string, inventoryItemId: Gid): Promise<Gid | null>;
}

interface VariantForInventoryItem {
  inventoryItem: { id: string; variant: { id: string } | null } | null;
}

export function shopifyLookups(
  clientFor: (shop: string) => Promise<AdminClient> = adminClientFor,
): ShopifyLookups {
  return {
    async variantForInventoryItem(shop: string, inventoryItemId: Gid) {
      const client = await clientFor(shop);
      const data = await client.request<VariantForInventoryItem>(
        "VariantForInventoryItem",
        VARIANT_FOR_INVENTORY_ITEM,
        { id: inventoryItemId },
      );
      return data.inventoryItem?.variant?.id ?? null;
    },
  };
}
