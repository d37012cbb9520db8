// Asking for the item back: a Shopify return (returnCreate) for fulfilled units. returnCreate
// has no @idempotent directive in 2026-10, so each return line carries the incident's marker in
// its reason note and an earlier attempt is found on the order's returns — a direct read of the
// order, which sees a return made a moment ago (search would not).
import type { AdminClient } from "../admin.server";
import { graphql } from "../documents";
import { throwOnUserErrors } from "./user-errors.server";

/** The reasons Amends offers (ReturnReason in 2026-10); the kind decides which. */
export type IncidentReturnReason = "WRONG_ITEM" | "DEFECTIVE";

export const ORDER_RETURNS = graphql`
  query OrderReturns($id: ID!) {
    order(id: $id) {
      id
      fulfillments(first: 10) {
        status
        fulfillmentLineItems(first: 20) {
          nodes {
            id
            quantity
            lineItem {
              id
            }
          }
        }
      }
      returns(first: 5) {
        nodes {
          id
          name
          status
          returnLineItems(first: 10) {
            nodes {
              ... on ReturnLineItem {
                quantity
                returnReasonNote
                fulfillmentLineItem {
                  id
                  lineItem {
                    id
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const CREATE_RETURN = graphql`
  mutation CreateIncidentReturn($input: ReturnInput!) {
    returnCreate(returnInput: $input) {
      return {
        id
        name
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

interface ReturnLineNode {
  quantity?: number;
  returnReasonNote?: string;
  fulfillmentLineItem?: { id: string; lineItem: { id: string } };
}

interface OrderReturnsData {
  order: {
    id: string;
    fulfillments: {
      status: string;
      fulfillmentLineItems: { nodes: { id: string; quantity: number; lineItem: { id: string } }[] };
    }[];
    returns: { nodes: { id: string; name: string; status: string; returnLineItems: { nodes: ReturnLineNode[] } }[] };
  } | null;
}

export interface OpenedReturn {
  id: string;
  name: string;
  status: string;
  lines: { lineItemId: string; quantity: number }[];
}

export interface ReturnableUnits {
  /** Per order line: its fulfilled lines and how many of each are not yet in a return. */
  byLine: Map<string, { fulfillmentLineItemId: string; quantity: number }[]>;
  /** A return an earlier attempt for this incident made, found by its marker. */
  existing: OpenedReturn | null;
  /** Per order line: units in a return (open, requested or closed), whoever opened it. They are
   * restocked when the return is received, not by a refund. */
  inReturns: Map<string, number>;
}

export function returnMarker(incidentId: string): string {
  return `[amends:${incidentId}]`;
}

const COUNTS = new Set(["OPEN", "REQUESTED", "CLOSED"]);

export async function returnableUnits(client: AdminClient, orderId: string, incidentId: string): Promise<ReturnableUnits | null> {
  const data = await client.request<OrderReturnsData>("OrderReturns", ORDER_RETURNS, { id: orderId });
  const order = data.order;
  if (!order) return null;
  const marker = returnMarker(incidentId);
  const inReturns = new Map<string, number>();
  const byOrderLine = new Map<string, number>();
  let existing: OpenedReturn | null = null;
  for (const r of order.returns.nodes) {
    const lines = r.returnLineItems.nodes.filter((l): l is Required<ReturnLineNode> => Boolean(l.fulfillmentLineItem));
    if (COUNTS.has(r.status)) {
      for (const l of lines) {
        inReturns.set(l.fulfillmentLineItem.id, (inReturns.get(l.fulfillmentLineItem.id) ?? 0) + l.quantity);
        const lineItemId = l.fulfillmentLineItem.lineItem.id;
        byOrderLine.set(lineItemId, (byOrderLine.get(lineItemId) ?? 0) + l.quantity);
      }
    }
    if (!existing && lines.some((l) => l.returnReasonNote.includes(marker))) {
      existing = {
        id: r.id,
        name: r.name,
        status: r.status,
        lines: lines.map((l) => ({ lineItemId: l.fulfillmentLineItem.lineItem.id, quantity: l.quantity })),
      };
    }
  }
  const byLine = new Map<string, { fulfillmentLineItemId: string; quantity: number }[]>();
  for (const f of order.fulfillments) {
    if (f.status !== "SUCCESS") continue;
    for (const fl of f.fulfillmentLineItems.nodes) {
      const left = fl.quantity - (inReturns.get(fl.id) ?? 0);
      if (left <= 0) continue;
      byLine.set(fl.lineItem.id, [...(byLine.get(fl.lineItem.id) ?? []), { fulfillmentLineItemId: fl.id, quantity: left }]);
    }
  }
  return { byLine, existing, inReturns: byOrderLine };
}

export async function createIncidentReturn(
  client: AdminClient,
  args: {
    orderId: string;
    lines: { fulfillmentLineItemId: string; lineItemId: string; quantity: number }[];
    reason: IncidentReturnReason;
    note: string;
  },
): Promise<OpenedReturn> {
  const data = await client.request<{
    returnCreate: { return: { id: string; name: string; status: string } | null; userErrors: { field: string[] | null; message: string; code: string | null }[] };
  }>("CreateIncidentReturn", CREATE_RETURN, {
    input: {
      orderId: args.orderId,
      returnLineItems: args.lines.map((line) => ({
        fulfillmentLineItemId: line.fulfillmentLineItemId,
        quantity: line.quantity,
        // Deprecated in favour of returnReasonDefinitionId, but still accepted in 2026-10 and
        // the one reason every shop has without first reading its reason definitions.
        returnReason: args.reason,
        returnReasonNote: args.note.slice(0, 255),
      })),
    },
  });
  throwOnUserErrors("returnCreate", data.returnCreate.userErrors);
  const made = data.returnCreate.return;
  if (!made) throw new Error("Shopify made no return and gave no reason");
  return { ...made, lines: args.lines.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })) };
}
