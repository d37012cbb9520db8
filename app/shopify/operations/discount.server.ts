// Apology discount codes: one use, for this customer only, with an end date. Shopify has no
// idempotency for discounts, so the code is deterministic per incident (apologyCode) and an
// earlier attempt is found by looking the code up before creating it: codeDiscountNodeByCode
// is a direct read, so it sees a code created a moment ago (search would not, for seconds).
import { createHash } from "node:crypto";

import type { AdminClient } from "../admin.server";
import { graphql } from "../documents";
import type { MoneyV2 } from "./user-errors.server";
import { throwOnUserErrors } from "./user-errors.server";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: read aloud, typed by hand

/** "SORRY-7KQ2M9XA": the same for the same shop and incident, unguessable from the outside. */
export function apologyCode(shop: string, incidentId: string): string {
  const digest = createHash("sha256").update(`${shop}\n${incidentId}`).digest();
  let code = "";
  for (let i = 0; i < 8; i++) code += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return `SORRY-${code}`;
}

export const CREATE_APOLOGY_CODE = graphql`
  mutation CreateApologyCode($discount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $discount) {
      codeDiscountNode {
        id
        codeDiscount {
          ... on DiscountCodeBasic {
            title
            startsAt
            endsAt
            codes(first: 1) {
              nodes {
                code
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const FIND_APOLOGY_CODE = graphql`
  query FindApologyCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          title
          startsAt
          endsAt
          codes(first: 1) {
            nodes {
              code
            }
          }
        }
      }
    }
  }
`;

export interface ApologyCodeArgs {
  code: string;
  title: string;
  customerId: string | null;
  value: { percentage: number } | { fixedAmount: MoneyV2 };
  startsAt: string;
  endsAt: string;
}

export function apologyCodeInput(args: ApologyCodeArgs) {
  return {
    title: args.title,
    code: args.code,
    startsAt: args.startsAt,
    endsAt: args.endsAt,
    usageLimit: 1,
    appliesOncePerCustomer: true,
    // A guest has no customer record: the single use is then the only limit.
    context: args.customerId ? { customers: { add: [args.customerId] } } : { all: "ALL" },
    customerGets: {
      // Shopify takes the percentage as a fraction: 0.15 for 15 %.
      value:
        "percentage" in args.value
          ? { percentage: Math.round(args.value.percentage * 100) / 10_000 }
          : { discountAmount: { amount: args.value.fixedAmount.amount, appliesOnEachItem: false } },
      items: { all: true },
    },
  };
}

export interface ApologyCodeNode {
  id: string;
  codeDiscount: {
    title?: string;
    startsAt?: string;
    endsAt?: string | null;
    codes?: { nodes: { code: string }[] };
  };
}

type DiscountErrors = { field: string[] | null; message: string; code: string | null }[];

export async function createApologyCode(client: AdminClient, args: ApologyCodeArgs): Promise<ApologyCodeNode> {
  const data = await client.request<{
    discountCodeBasicCreate: { codeDiscountNode: ApologyCodeNode | null; userErrors: DiscountErrors } | null;
  }>("CreateApologyCode", CREATE_APOLOGY_CODE, { discount: apologyCodeInput(args) });
  throwOnUserErrors("CreateApologyCode", data.discountCodeBasicCreate?.userErrors);
  const node = data.discountCodeBasicCreate?.codeDiscountNode;
  if (!node) throw new Error("CreateApologyCode: Shopify returned no discount and no error");
  return node;
}

export async function findApologyCode(client: AdminClient, code: string): Promise<ApologyCodeNode | null> {
  const data = await client.request<{ codeDiscountNodeByCode: ApologyCodeNode | null }>(
    "FindApologyCode",
    FIND_APOLOGY_CODE,
    { code },
  );
  return data.codeDiscountNodeByCode;
}
