// Questions the webhook handlers ask Shopify's Admin API.
import type { Gid } from "../incidents/model";
import type { ShopifyLookups } from "../webhooks/handlers.server";
import type { AdminClient } from "./admin.server";
import { adminClientFor } from "./admin.server";
import { graphql } from "./documents";
import { fetchShopProfile } from "./shop.server";

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
    async shopProfile(shop: string) {
      return fetchShopProfile(await clientFor(shop));
    },
  };
}
