// Annotating the original order so the merchant sees in Shopify's admin what Amends did:
// tags (tagsAdd only adds) and a line appended to the note. orderUpdate replaces the whole
// note, so it is read first and never overwritten; the line carries a marker so a second
// attempt does not append it twice.
import type { AdminClient } from "../admin.server";
import { graphql } from "../documents";
import { throwOnUserErrors } from "./user-errors.server";

export const TAG_ORDER = graphql`
  mutation TagOrder($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const ORDER_NOTE = graphql`
  query OrderNote($id: ID!) {
    order(id: $id) {
      id
      note
    }
  }
`;

export const APPEND_ORDER_NOTE = graphql`
  mutation AppendOrderNote($input: OrderInput!) {
    orderUpdate(input: $input) {
      order {
        id
        note
      }
      userErrors {
        field
        message
      }
    }
  }
`;

type Errors = { field: string[] | null; message: string }[];

export async function tagOrder(client: AdminClient, orderId: string, tags: string[]): Promise<void> {
  const data = await client.request<{ tagsAdd: { userErrors: Errors } | null }>(
    "TagOrder",
    TAG_ORDER,
    { id: orderId, tags },
    // Adding a tag twice leaves one: safe to resend.
    { idempotent: true },
  );
  throwOnUserErrors("TagOrder", data.tagsAdd?.userErrors);
}

/**
 * Appends `line` to the order's note unless a line with `marker` is already there.
 * Returns the note as Shopify holds it afterwards.
 */
export async function appendOrderNote(
  client: AdminClient,
  orderId: string,
  line: string,
  marker: string,
): Promise<{ note: string; appended: boolean }> {
  const read = await client.request<{ order: { id: string; note: string | null } | null }>(
    "OrderNote",
    ORDER_NOTE,
    { id: orderId },
  );
  if (!read.order) throw new Error(`AppendOrderNote: order ${orderId} not found`);
  const current = read.order.note ?? "";
  if (current.includes(marker)) return { note: current, appended: false };
  const note = current.trim() ? `${current.trimEnd()}\n\n${line}` : line;
  const data = await client.request<{
    orderUpdate: { order: { id: string; note: string | null } | null; userErrors: Errors } | null;
  }>("AppendOrderNote", APPEND_ORDER_NOTE, { input: { id: orderId, note } });
  throwOnUserErrors("AppendOrderNote", data.orderUpdate?.userErrors);
  return { note: data.orderUpdate?.order?.note ?? note, appended: true };
}
