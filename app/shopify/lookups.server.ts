// Questions the webhook handlers ask Shopify's Admin API.
import type { Gid, ShopProfile } from "../incidents/model";
import type { AdminClient } from "./admin.server";
import { adminClientFor } from "./admin.server";
import { graphql } from "./documents";
import { fetchShopProfile } from "./shop.server";

/** The variant an inventory item belongs to and its units available at each location. */
export interface InventoryItemStock {
  variantId: Gid;
  levels: { locationId: Gid; available: number }[];
}

/** Per order, the locations its open fulfilment orders are assigned to. */
export type FulfilmentLocations = Map<Gid, Gid[]>;

/** What the webhook handlers may ask Shopify. */
export interface ShopifyLookups {
  /** The inventory item's variant and stock, or null if Shopify does not know it. */
  inventoryItemStock(shop: string, inventoryItemId: Gid): Promise<InventoryItemStock | null>;
  /** Where each order can be fulfilled from; orders Shopify does not know are left out. */
  fulfilmentLocations(shop: string, orderIds: readonly Gid[]): Promise<FulfilmentLocations>;
  /** The shop's profile, for a shop whose webhooks arrived before its install was recorded. */
  shopProfile(shop: string): Promise<ShopProfile>;
}

/** The variant an inventory item belongs to and what is available of it at each location. */
export const INVENTORY_ITEM_STOCK = graphql`
  query InventoryItemStock($id: ID!) {
    inventoryItem(id: $id) {
      id
      variant {
        id
      }
      inventoryLevels(first: 100) {
        nodes {
          location {
            id
          }
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;

interface InventoryItemStockData {
  inventoryItem: {
    id: string;
    variant: { id: string } | null;
    inventoryLevels: { nodes: { location: { id: string }; quantities: { name: string; quantity: number }[] }[] };
  } | null;
}

/** The locations each order's fulfilment orders are assigned to (Shopify commits an order's
 * inventory at those locations). */
export const FULFILMENT_LOCATIONS = graphql`
  query FulfilmentLocations($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Order {
        id
        fulfillmentOrders(first: 10) {
          nodes {
            status
            assignedLocation {
              location {
                id
              }
            }
          }
        }
      }
    }
  }
`;

interface FulfilmentLocationsData {
  nodes: ({
    id?: string;
    fulfillmentOrders?: { nodes: { status: string; assignedLocation: { location: { id: string } | null } }[] };
  } | null)[];
}

/** Fulfilment orders that can still ship something. */
const OPEN_FULFILMENT_ORDER = new Set(["OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD"]);
/** Orders per request: keeps the query's cost well under Shopify's single-query limit. */
const ORDERS_PER_REQUEST = 25;

export function shopifyLookups(
  clientFor: (shop: string) => Promise<AdminClient> = adminClientFor,
): ShopifyLookups {
  return {
    async inventoryItemStock(shop: string, inventoryItemId: Gid): Promise<InventoryItemStock | null> {
      const client = await clientFor(shop);
      const data = await client.request<InventoryItemStockData>("InventoryItemStock", INVENTORY_ITEM_STOCK, {
        id: inventoryItemId,
      });
      const item = data.inventoryItem;
      if (!item?.variant) return null;
      return {
        variantId: item.variant.id,
        levels: item.inventoryLevels.nodes.map((level) => ({
          locationId: level.location.id,
          available: level.quantities.find((q) => q.name === "available")?.quantity ?? 0,
        })),
      };
    },

    async fulfilmentLocations(shop: string, orderIds: readonly Gid[]): Promise<FulfilmentLocations> {
      const client = await clientFor(shop);
      const locations: FulfilmentLocations = new Map();
      for (let i = 0; i < orderIds.length; i += ORDERS_PER_REQUEST) {
        const ids = orderIds.slice(i, i + ORDERS_PER_REQUEST);
        const data = await client.request<FulfilmentLocationsData>("FulfilmentLocations", FULFILMENT_LOCATIONS, { ids });
        for (const node of data.nodes) {
          if (!node?.id || !node.fulfillmentOrders) continue;
          const assigned = node.fulfillmentOrders.nodes
            .filter((fo) => OPEN_FULFILMENT_ORDER.has(fo.status))
            .flatMap((fo) => (fo.assignedLocation.location ? [fo.assignedLocation.location.id] : []));
          locations.set(node.id, [...new Set(assigned)]);
        }
      }
      return locations;
    },
    async shopProfile(shop: string) {
      return fetchShopProfile(await clientFor(shop));
    },
  };
}
