// Finding an order for the merchant who records a complaint that came by phone, e-mail, chat…:
// by its name ("#1001") or the customer's e-mail or name, through Shopify's order search. The
// search is served from an index Shopify updates seconds after a write, so a just-placed order
// may not be found yet; the caller says so rather than "no such order".
import type { AdminClient } from "./admin.server";
import { graphql } from "./documents";
import type { CustomerOrder } from "./customer-orders.server";

export const FIND_ORDERS = graphql`
  query FindOrdersForIncident($query: String!) {
    orders(first: 10, query: $query, sortKey: CREATED_AT, reverse: true) {
      nodes {
        id
        name
        createdAt
        customer {
          id
          email
          firstName
          lastName
        }
      }
    }
  }
`;

interface FoundOrderNode {
  id: string;
  name: string;
  createdAt: string;
  customer: { id: string; email: string | null; firstName: string | null; lastName: string | null } | null;
}

/** A search hit, to choose from: its lines are read directly once chosen (orderForCustomer),
 * which keeps the search's query cost low and is not subject to the index's lag. */
export interface FoundOrder extends Omit<CustomerOrder, "lines"> {
  createdAt: string;
}

/** Shopify's search syntax for what the merchant typed: an order name ("#1001" or "1001"), an
 * e-mail address, or else words from the customer's name. Quotes are dropped so the merchant's
 * text cannot change the query's meaning. */
export function orderSearchQuery(text: string): string | null {
  const cleaned = text.replace(/["'\\]/g, " ").trim();
  if (!cleaned) return null;
  if (/^#?\d+$/.test(cleaned)) return `name:#${cleaned.replace(/^#/, "")}`;
  if (/^#\S+$/.test(cleaned)) return `name:"${cleaned}"`;
  if (/^\S+@\S+$/.test(cleaned)) return `email:"${cleaned}"`;
  return cleaned
    .split(/\s+/)
    .filter((word) => !/^(AND|OR|NOT)$/i.test(word) && !word.startsWith("-") && !word.includes(":"))
    .join(" ") || null;
}

export async function findOrders(client: AdminClient, text: string): Promise<FoundOrder[]> {
  const query = orderSearchQuery(text);
  if (!query) return [];
  const data = await client.request<{ orders: { nodes: FoundOrderNode[] } }>("FindOrdersForIncident", FIND_ORDERS, { query });
  return data.orders.nodes.map((order) => ({
    id: order.id,
    name: order.name,
    createdAt: order.createdAt,
    customer: order.customer
      ? {
          id: order.customer.id,
          email: order.customer.email,
          name: [order.customer.firstName, order.customer.lastName].filter(Boolean).join(" ") || null,
        }
      : null,
  }));
}
