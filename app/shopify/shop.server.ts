// What Amends needs to know about a shop: the currency its money is in, the zone its business
// days are counted in, its country and the language its merchant reads. Read at install
// (afterAuth), kept current by shop/update, and read here again for a shop Amends first heard of
// through a webhook.
import { z } from "zod";

import type { ShopProfile } from "../incidents/model";
import type { AdminClient } from "./admin.server";
import { graphql } from "./documents";

// shopLocales needs read_locales (shopify.dev, "shopLocales" query).
export const SHOP_PROFILE = graphql`
  query ShopProfile {
    shop {
      name
      currencyCode
      ianaTimezone
      contactEmail
      shopAddress {
        countryCodeV2
      }
    }
    shopLocales {
      locale
      primary
    }
  }
`;

const shopProfileData = z.object({
  shop: z.object({
    name: z.string(),
    currencyCode: z.string().regex(/^[A-Z]{3}$/),
    ianaTimezone: z.string().min(1),
    contactEmail: z.string().nullish(),
    shopAddress: z.object({ countryCodeV2: z.string().nullish() }).nullish(),
  }),
  shopLocales: z.array(z.object({ locale: z.string().min(2), primary: z.boolean() })),
});

/** The profile in Amends' terms, from the ShopProfile query's data. Throws on anything else. */
export function shopProfileFrom(data: unknown): ShopProfile {
  const { shop, shopLocales } = shopProfileData.parse(data);
  const primary = shopLocales.find((l) => l.primary) ?? shopLocales[0];
  if (!primary) throw new Error("Shopify listed no locale for the shop");
  return {
    name: shop.name,
    currencyCode: shop.currencyCode,
    timeZone: shop.ianaTimezone,
    country: shop.shopAddress?.countryCodeV2 ?? null,
    primaryLocale: primary.locale,
    email: shop.contactEmail || null,
  };
}

/** The profile through Amends' own Admin client (background work). */
export async function fetchShopProfile(client: AdminClient): Promise<ShopProfile> {
  return shopProfileFrom(await client.request<unknown>("ShopProfile", SHOP_PROFILE));
}

/** `admin.graphql` of the Shopify library's admin context (afterAuth, admin routes). */
export type LibraryGraphql = (query: string) => Promise<Response>;

/** The profile through the Shopify library's admin context. */
export async function readShopProfile(graphqlCall: LibraryGraphql): Promise<ShopProfile> {
  const response = await graphqlCall(SHOP_PROFILE);
  const body = (await response.json()) as { data?: unknown };
  return shopProfileFrom(body.data);
}
