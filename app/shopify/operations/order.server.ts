// What remediation needs to know about an order, read fresh from Shopify: refundable and
// unfulfilled units (the stored copy may be minutes old), prices, the customer's history with
// the store, where to send a replacement, and the payments a refund goes back to.
import type { AdminClient } from "../admin.server";
import { graphql } from "../documents";
import type { MoneyV2 } from "./user-errors.server";

export const ORDER_FOR_REMEDIATION = graphql`
  query OrderForRemediation($id: ID!) {
    order(id: $id) {
      id
      name
      email
      note
      tags
      cancelledAt
      currencyCode
      totalPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalShippingPriceSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalRefundedShippingSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      netPaymentSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      customer {
        id
        firstName
        lastName
        email
        numberOfOrders
        amountSpent {
          amount
          currencyCode
        }
      }
      shippingAddress {
        firstName
        lastName
        company
        address1
        address2
        city
        provinceCode
        countryCodeV2
        zip
        phone
      }
      lineItems(first: 50) {
        nodes {
          id
          title
          sku
          quantity
          refundableQuantity
          unfulfilledQuantity
          variant {
            id
          }
          originalUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          discountedUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
      }
      transactions(first: 10) {
        id
        kind
        status
        gateway
        amountSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      fulfillments(first: 10) {
        id
        status
      }
    }
  }
`;

interface ShopMoney {
  shopMoney: MoneyV2;
}

export interface RemediationOrderLine {
  id: string;
  title: string;
  sku: string | null;
  quantity: number;
  refundableQuantity: number;
  unfulfilledQuantity: number;
  variant: { id: string } | null;
  originalUnitPriceSet: ShopMoney;
  discountedUnitPriceSet: ShopMoney;
}

export interface RemediationAddress {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  countryCodeV2: string | null;
  zip: string | null;
  phone: string | null;
}

export interface RemediationOrder {
  id: string;
  name: string;
  email: string | null;
  note: string | null;
  tags: string[];
  cancelledAt: string | null;
  currencyCode: string;
  totalPriceSet: ShopMoney;
  totalShippingPriceSet: ShopMoney;
  totalRefundedShippingSet: ShopMoney;
  /** Received less refunded: what is left to refund. */
  netPaymentSet: ShopMoney;
  customer: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    /** UnsignedInt64, sent as a string. */
    numberOfOrders: string;
    amountSpent: MoneyV2;
  } | null;
  shippingAddress: RemediationAddress | null;
  lineItems: { nodes: RemediationOrderLine[] };
  transactions: { id: string; kind: string; status: string; gateway: string | null; amountSet: ShopMoney }[];
  /** Per-line shipped units come from unfulfilledQuantity; these say whether any shipped. */
  fulfillments: { id: string; status: string }[];
}

/** The order, or null when Shopify no longer has it (deleted, or another shop's id). */
export async function orderForRemediation(client: AdminClient, orderId: string): Promise<RemediationOrder | null> {
  const data = await client.request<{ order: RemediationOrder | null }>(
    "OrderForRemediation",
    ORDER_FOR_REMEDIATION,
    { id: orderId },
  );
  return data.order;
}

export const PARCEL_ITEMS = graphql`
  query ParcelItems($id: ID!) {
    fulfillment(id: $id) {
      id
      fulfillmentLineItems(first: 50) {
        nodes {
          quantity
          lineItem {
            id
          }
        }
      }
    }
  }
`;

/** The order lines a parcel (fulfilment) carries, and how many of each; empty when Shopify has no
 * such fulfilment. */
export async function parcelItems(client: AdminClient, fulfillmentId: string): Promise<{ lineItemId: string; quantity: number }[]> {
  const data = await client.request<{
    fulfillment: { id: string; fulfillmentLineItems: { nodes: { quantity: number; lineItem: { id: string } }[] } } | null;
  }>("ParcelItems", PARCEL_ITEMS, { id: fulfillmentId });
  return (data.fulfillment?.fulfillmentLineItems.nodes ?? [])
    .filter((node) => node.quantity > 0)
    .map((node) => ({ lineItemId: node.lineItem.id, quantity: node.quantity }));
}

export const ORDER_UNITS = graphql`
  query OrderUnits($id: ID!) {
    order(id: $id) {
      id
      lineItems(first: 50) {
        nodes {
          id
          refundableQuantity
          unfulfilledQuantity
        }
      }
    }
  }
`;

export interface OrderUnits {
  refundableQuantity: number;
  unfulfilledQuantity: number;
}

/** Each line's refundable and unfulfilled units as Shopify has them now, by line item id. */
export async function orderUnits(client: AdminClient, orderId: string): Promise<Map<string, OrderUnits>> {
  const data = await client.request<{
    order: { id: string; lineItems: { nodes: ({ id: string } & OrderUnits)[] } } | null;
  }>("OrderUnits", ORDER_UNITS, { id: orderId });
  return new Map((data.order?.lineItems.nodes ?? []).map(({ id, ...units }) => [id, units]));
}
