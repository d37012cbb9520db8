// Links from an incident into Shopify admin. Embedded, App Bridge takes `shopify:admin/...`
// links (shopify.dev, App Home "Navigation API": the `shopify:` protocol opens an admin page
// from the app's iframe); in demo mode, outside Shopify, a plain admin URL for the store.
import type { Gid } from "./model";

export type AdminResource = "orders" | "customers" | "discounts" | "returns";

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** The numeric part of a Shopify GID, as a string (it may exceed a JavaScript number). */
export function numericId(id: Gid): string | null {
  return GID.exec(id)?.[2] ?? null;
}

/** The store's handle in admin.shopify.com URLs: "lana-y-lino" for lana-y-lino.myshopify.com. */
export function storeHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

export function adminLink(
  resource: AdminResource,
  id: Gid | null | undefined,
  { shop, embedded }: { shop: string; embedded: boolean },
): string | null {
  const numeric = id ? numericId(id) : null;
  if (!numeric) return null;
  // A return is seen on its order in admin: returns have no page of their own.
  const path = `${resource}/${numeric}`;
  return embedded ? `shopify:admin/${path}` : `https://admin.shopify.com/store/${storeHandle(shop)}/${path}`;
}
