// The order a customer asks about from the order page, read from Shopify (not Amends' copy,
// which may not hold an order placed before install): whose it is, and what was bought.
// Cached briefly per shop and order, since the order page asks on every view.
import type { CustomerOrderLine } from "../../extensions/amends-order/src/api-contract";
import type { AdminClient } from "./admin.server";
import { ShopifyError } from "./admin.server";
import { graphql } from "./documents";

export const ORDER_FOR_CUSTOMER = graphql`
  query OrderForCustomer($id: ID!) {
    order(id: $id) {
      id
      name
      customer {
        id
        email
        firstName
        lastName
      }
      lineItems(first: 250) {
        nodes {
          id
          title
          variantTitle
          currentQuantity
        }
      }
    }
  }
`;

interface OrderForCustomerData {
  order: {
    id: string;
    name: string;
    customer: { id: string; email: string | null; firstName: string | null; lastName: string | null } | null;
    lineItems: { nodes: { id: string; title: string; variantTitle: string | null; currentQuantity: number }[] };
  } | null;
}

export interface CustomerOrder {
  id: string;
  name: string;
  customer: { id: string; email: string | null; name: string | null } | null;
  /** Lines still on the order (removed or fully refunded ones are left out). */
  lines: CustomerOrderLine[];
}

export async function orderForCustomer(client: AdminClient, orderId: string): Promise<CustomerOrder | null> {
  const data = await client.request<OrderForCustomerData>("OrderForCustomer", ORDER_FOR_CUSTOMER, { id: orderId });
  const order = data.order;
  if (!order) return null;
  const customer = order.customer;
  return {
    id: order.id,
    name: order.name,
    customer: customer
      ? { id: customer.id, email: customer.email, name: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || null }
      : null,
    lines: order.lineItems.nodes
      .filter((line) => line.currentQuantity > 0)
      .map((line) => ({ lineItemId: line.id, title: line.title, variantTitle: line.variantTitle, quantity: line.currentQuantity })),
  };
}

/** Orders read from Shopify, kept `ttlMs` per shop and order. A customer's page views and their
 * report within a minute cost one Admin API call; an edit to the order shows within a minute. */
export class CustomerOrderCache {
  private readonly entries = new Map<string, { order: CustomerOrder | null; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async get(shop: string, orderId: string, load: () => Promise<CustomerOrder | null>): Promise<CustomerOrder | null> {
    const key = `${shop} ${orderId}`;
    const cached = this.entries.get(key);
    if (cached && cached.until > this.now()) return cached.order;
    const order = await load();
    this.entries.delete(key);
    this.entries.set(key, { order, until: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return order;
  }
}

const cache = new CustomerOrderCache();

/** The order if it is this customer's in this shop; null for anything else (another customer's,
 * a guest's, an unknown id), so the caller's answer cannot tell them apart. */
export async function customersOrder(
  clientFor: (shop: string) => Promise<AdminClient>,
  shop: string,
  customerId: string,
  orderId: string,
): Promise<CustomerOrder | null> {
  const order = await cache.get(shop, orderId, async () => {
    let client: AdminClient;
    try {
      client = await clientFor(shop);
    } catch (error) {
      // A shop that has not installed Amends (or has uninstalled it) has no orders here.
      if (error instanceof ShopifyError && error.code === "NO_SESSION") return null;
      throw error;
    }
    return orderForCustomer(client, orderId);
  });
  return order && order.customer?.id === customerId ? order : null;
}
