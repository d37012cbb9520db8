// Replacement orders: a draft order at 100 % off with free shipping to the customer's address,
// completed into a real order. Shopify has no idempotency for drafts, so the draft's id is
// kept as soon as Shopify gives it and read back by id. Every replacement also carries the tag
// `amends-incident-<id>`, which finds a draft whose answer was lost — through search, which
// lags behind writes, so the caller waits out the lag before trusting it.
import type { AdminClient } from "../admin.server";
import { graphql } from "../documents";
import type { RemediationAddress } from "./order.server";
import { throwOnUserErrors } from "./user-errors.server";

export const REPLACEMENT_TAG = "amends";

/** The tag that finds the replacement of one incident. Shopify lowercases tags in search. */
export function incidentTag(incidentId: string): string {
  return `amends-incident-${incidentId}`.toLowerCase();
}

export const CREATE_REPLACEMENT_DRAFT = graphql`
  mutation CreateReplacementDraft($input: DraftOrderInput!) {
    draftOrderCreate(input: $input) {
      draftOrder {
        id
        name
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const COMPLETE_REPLACEMENT_DRAFT = graphql`
  mutation CompleteReplacementDraft($id: ID!) {
    draftOrderComplete(id: $id) {
      draftOrder {
        id
        status
        order {
          id
          name
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const REPLACEMENT_DRAFT = graphql`
  query ReplacementDraft($id: ID!) {
    draftOrder(id: $id) {
      id
      name
      status
      tags
      order {
        id
        name
      }
    }
  }
`;

export const FIND_REPLACEMENT_DRAFT = graphql`
  query FindReplacementDraft($query: String!) {
    draftOrders(first: 5, query: $query) {
      nodes {
        id
        name
        status
        tags
        order {
          id
          name
        }
      }
    }
  }
`;

export interface ReplacementLine {
  variantId: string | null;
  title: string;
  quantity: number;
  /** For a custom item (no variant): the price the customer paid, zeroed by the discount. */
  unitPrice: { amount: string; currencyCode: string };
}

export interface ReplacementDraftArgs {
  incidentId: string;
  originalOrderName: string;
  customerId: string | null;
  email: string | null;
  shippingAddress: RemediationAddress | null;
  lines: ReplacementLine[];
  currencyCode: string;
}

export function replacementDraftInput(args: ReplacementDraftArgs) {
  const address = args.shippingAddress;
  return {
    ...(args.customerId ? { purchasingEntity: { customerId: args.customerId } } : {}),
    ...(args.email ? { email: args.email } : {}),
    lineItems: args.lines.map((line) =>
      line.variantId
        ? { variantId: line.variantId, quantity: line.quantity }
        : {
            title: line.title,
            quantity: line.quantity,
            originalUnitPriceWithCurrency: line.unitPrice,
          },
    ),
    appliedDiscount: {
      value: 100,
      valueType: "PERCENTAGE",
      title: "Replacement",
      description: `Replacement for order ${args.originalOrderName}`,
    },
    shippingLine: {
      title: "Free replacement shipping",
      priceWithCurrency: { amount: "0.00", currencyCode: args.currencyCode },
    },
    ...(address
      ? {
          shippingAddress: {
            firstName: address.firstName,
            lastName: address.lastName,
            company: address.company,
            address1: address.address1,
            address2: address.address2,
            city: address.city,
            provinceCode: address.provinceCode,
            countryCode: address.countryCodeV2,
            zip: address.zip,
            phone: address.phone,
          },
        }
      : {}),
    tags: [REPLACEMENT_TAG, incidentTag(args.incidentId)],
    note: `Replacement for order ${args.originalOrderName} (Amends incident ${args.incidentId}).`,
  };
}

type MutationErrors = { field: string[] | null; message: string }[];

export interface ReplacementDraft {
  id: string;
  name: string;
  status: string;
}

export async function createReplacementDraft(
  client: AdminClient,
  args: ReplacementDraftArgs,
): Promise<ReplacementDraft> {
  const data = await client.request<{
    draftOrderCreate: { draftOrder: ReplacementDraft | null; userErrors: MutationErrors } | null;
  }>("CreateReplacementDraft", CREATE_REPLACEMENT_DRAFT, { input: replacementDraftInput(args) });
  throwOnUserErrors("CreateReplacementDraft", data.draftOrderCreate?.userErrors);
  const draft = data.draftOrderCreate?.draftOrder;
  if (!draft) throw new Error("CreateReplacementDraft: Shopify returned no draft and no error");
  return draft;
}

export interface ReplacementOrder {
  id: string;
  name: string;
}

export async function completeReplacementDraft(
  client: AdminClient,
  draftId: string,
): Promise<ReplacementOrder> {
  const data = await client.request<{
    draftOrderComplete: {
      draftOrder: { id: string; status: string; order: ReplacementOrder | null } | null;
      userErrors: MutationErrors;
    } | null;
  }>("CompleteReplacementDraft", COMPLETE_REPLACEMENT_DRAFT, { id: draftId });
  throwOnUserErrors("CompleteReplacementDraft", data.draftOrderComplete?.userErrors);
  const order = data.draftOrderComplete?.draftOrder?.order;
  if (!order) throw new Error("CompleteReplacementDraft: Shopify returned no order and no error");
  return order;
}

export interface ReplacementDraftState {
  id: string;
  name: string;
  status: string;
  tags: string[];
  order: ReplacementOrder | null;
}

/** A draft by id: whether an earlier attempt already completed it, and into which order. */
export async function replacementDraft(
  client: AdminClient,
  draftId: string,
): Promise<ReplacementDraftState | null> {
  const data = await client.request<{ draftOrder: ReplacementDraftState | null }>(
    "ReplacementDraft",
    REPLACEMENT_DRAFT,
    { id: draftId },
  );
  return data.draftOrder;
}

/**
 * The draft an earlier attempt created for the incident, open or completed, found by its tag.
 * Search lags behind writes: call it only once the lag has passed since that attempt.
 */
export async function findReplacementDraft(
  client: AdminClient,
  incidentId: string,
): Promise<ReplacementDraftState | null> {
  const tag = incidentTag(incidentId);
  const data = await client.request<{ draftOrders: { nodes: ReplacementDraftState[] } }>(
    "FindReplacementDraft",
    FIND_REPLACEMENT_DRAFT,
    { query: `tag:'${tag}'` },
  );
  // Search matches loosely; only a draft carrying exactly our tag. A completed one first.
  const ours = data.draftOrders.nodes.filter((draft) => draft.tags.some((t) => t.toLowerCase() === tag));
  return ours.find((draft) => draft.order) ?? ours[0] ?? null;
}
