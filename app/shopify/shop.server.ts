// What Amends needs to know about a shop: its currency and time zone (business days, money).
import { graphql } from "./documents";

export const SHOP_PROFILE = graphql`
  query ShopProfile {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
      email
    }
  }
`;

export interface ShopProfile {
  shop: {
    name: string;
    myshopifyDomain: string;
    currencyCode: string;
    ianaTimezone: string;
    email: string;
  };
}
