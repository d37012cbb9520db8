// What has happened to an order's money and goods, for the incident page: its payments, its
// refunds and its fulfilments, read from Shopify when the merchant opens the incident (Amends'
// own copy has no payments or refunds, and may be minutes old).
import type { AdminClient } from "../admin.server";
import { graphql } from "../documents";
import type { MoneyV2 } from "./user-errors.server";

export const ORDER_ACTIVITY = graphql`
  query OrderActivity($id: ID!) {
    order(id: $id) {
      id
      name
      email
      phone
      currencyCode
      displayFinancialStatus
      customer {
        id
        displayName
        email
        phone
        numberOfOrders
        amountSpent {
          amount
          currencyCode
        }
      }
      lineItems(first: 30) {
        nodes {
          id
          title
          sku
          quantity
          refundableQuantity
          unfulfilledQuantity
          discountedUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
      }
      totalReceivedSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      totalRefundedSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      transactions(first: 20) {
        id
        kind
        status
        formattedGateway
        processedAt
        amountSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      refunds(first: 10) {
        id
        createdAt
        note
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        refundLineItems(first: 10) {
          nodes {
            quantity
            lineItem {
              id
              title
            }
          }
        }
        transactions(first: 5) {
          nodes {
            status
          }
        }
      }
      fulfillments(first: 10) {
        id
        name
        status
        displayStatus
        createdAt
        deliveredAt
        trackingInfo(first: 1) {
          company
          number
          url
        }
        fulfillmentLineItems(first: 10) {
          nodes {
            quantity
            lineItem {
              id
              title
            }
          }
        }
      }
    }
  }
`;

interface ShopMoney {
  shopMoney: MoneyV2;
}

interface LineQuantity {
  quantity: number;
  lineItem: { id: string; title: string };
}

export interface OrderActivity {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  currencyCode: string;
  customer: {
    id: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    /** UnsignedInt64, sent as a string. */
    numberOfOrders: string;
    amountSpent: MoneyV2;
  } | null;
  lineItems: {
    nodes: {
      id: string;
      title: string;
      sku: string | null;
      quantity: number;
      refundableQuantity: number;
      unfulfilledQuantity: number;
      discountedUnitPriceSet: ShopMoney;
    }[];
  };
  /** PENDING, AUTHORIZED, PAID, PARTIALLY_REFUNDED, REFUNDED, VOIDED, ... */
  displayFinancialStatus: string | null;
  totalReceivedSet: ShopMoney;
  totalRefundedSet: ShopMoney;
  transactions: {
    id: string;
    /** SALE, CAPTURE, AUTHORIZATION, REFUND, VOID, ... */
    kind: string;
    /** SUCCESS, PENDING, FAILURE, ERROR, AWAITING_RESPONSE, UNKNOWN */
    status: string;
    formattedGateway: string | null;
    processedAt: string | null;
    amountSet: ShopMoney;
  }[];
  refunds: {
    id: string;
    createdAt: string | null;
    note: string | null;
    totalRefundedSet: ShopMoney;
    refundLineItems: { nodes: LineQuantity[] };
    transactions: { nodes: { status: string }[] };
  }[];
  fulfillments: {
    id: string;
    name: string;
    /** SUCCESS, CANCELLED, ERROR, FAILURE, OPEN, PENDING */
    status: string;
    displayStatus: string | null;
    createdAt: string;
    deliveredAt: string | null;
    trackingInfo: { company: string | null; number: string | null; url: string | null }[];
    fulfillmentLineItems: { nodes: LineQuantity[] };
  }[];
}

/** The order's payments, refunds and fulfilments; null when Shopify no longer has the order. */
export async function orderActivity(
  client: AdminClient,
  orderId: string,
): Promise<OrderActivity | null> {
  const data = await client.request<{ order: OrderActivity | null }>(
    "OrderActivity",
    ORDER_ACTIVITY,
    { id: orderId },
  );
  return data.order;
}
