// Refunds. The amount always comes from Shopify's suggestedRefund for the same lines, so a
// refund is never more than what is still refundable, and it goes back to the payments the
// suggestion names. refundCreate is sent with @idempotent(key:): a resend after a lost
// answer returns the first refund instead of paying twice.
import type { AdminClient } from "../admin.server";
import { formatMinor, moneyToMinor } from "../../remediation/policy/money";
import { graphql } from "../documents";
import type { MoneyV2 } from "./user-errors.server";
import { throwOnUserErrors } from "./user-errors.server";

export type RestockType = "CANCEL" | "RETURN" | "NO_RESTOCK";

export interface RefundLine {
  lineItemId: string;
  quantity: number;
  restockType: RestockType;
}

export const SUGGESTED_REFUND = graphql`
  query SuggestedRefund($id: ID!, $lines: [RefundLineItemInput!], $refundShipping: Boolean) {
    order(id: $id) {
      id
      suggestedRefund(refundLineItems: $lines, refundShipping: $refundShipping) {
        amountSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        shipping {
          amountSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
        refundLineItems {
          quantity
          restockType
          lineItem {
            id
          }
        }
        suggestedTransactions {
          gateway
          kind
          amountSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          parentTransaction {
            id
          }
        }
      }
    }
  }
`;

export interface SuggestedRefund {
  amountSet: { shopMoney: MoneyV2 };
  shipping: { amountSet: { shopMoney: MoneyV2 } };
  refundLineItems: { quantity: number; restockType: RestockType; lineItem: { id: string } }[];
  suggestedTransactions: {
    gateway: string | null;
    kind: string;
    amountSet: { shopMoney: MoneyV2 };
    parentTransaction: { id: string } | null;
  }[];
}

export async function suggestedRefund(
  client: AdminClient,
  args: { orderId: string; lines: RefundLine[]; refundShipping: boolean },
): Promise<SuggestedRefund | null> {
  const data = await client.request<{ order: { id: string; suggestedRefund: SuggestedRefund | null } | null }>(
    "SuggestedRefund",
    SUGGESTED_REFUND,
    { id: args.orderId, lines: args.lines, refundShipping: args.refundShipping },
  );
  return data.order?.suggestedRefund ?? null;
}

/** RefundInput exactly as sent: stored before the call so a resend is byte-for-byte the same. */
export interface RefundInput {
  orderId: string;
  note: string;
  notify: boolean;
  refundLineItems: RefundLine[];
  shipping?: { amount: string };
  transactions: { orderId: string; parentId: string; gateway: string; kind: "REFUND"; amount: string }[];
}

/**
 * Builds the refund from Shopify's suggestion: its quantities (clamped to what is refundable),
 * our restock types, its shipping amount and its transactions. Null when nothing is left to
 * refund (already refunded, or cancelled with a refund).
 */
export function refundInputFrom(args: {
  orderId: string;
  note: string;
  lines: RefundLine[];
  suggestion: SuggestedRefund;
  /** The merchant's amount: the transactions move no more than this, in the order's currency. */
  limit?: MoneyV2;
}): RefundInput | null {
  const { suggestion } = args;
  const refundLineItems: RefundLine[] = [];
  // Shopify merges lines of one item; split them back by the restock type we asked for.
  const suggested = new Map<string, number>();
  for (const line of suggestion.refundLineItems) {
    suggested.set(line.lineItem.id, (suggested.get(line.lineItem.id) ?? 0) + line.quantity);
  }
  for (const line of args.lines) {
    const left = suggested.get(line.lineItemId) ?? 0;
    const quantity = Math.min(left, line.quantity);
    if (quantity <= 0) continue;
    suggested.set(line.lineItemId, left - quantity);
    refundLineItems.push({ ...line, quantity });
  }
  const transactions = suggestion.suggestedTransactions.flatMap((t) =>
    t.parentTransaction && t.gateway && moneyToMinor(t.amountSet.shopMoney) > 0
      ? [
          {
            orderId: args.orderId,
            parentId: t.parentTransaction.id,
            gateway: t.gateway,
            kind: "REFUND" as const,
            amount: t.amountSet.shopMoney.amount,
          },
        ]
      : [],
  );
  const shippingAmount = suggestion.shipping.amountSet.shopMoney.amount;
  if (refundLineItems.length === 0 && transactions.length === 0) return null;
  const limited = args.limit ? limitTransactions(transactions, args.limit) : null;
  return {
    orderId: args.orderId,
    note: args.note,
    notify: true,
    refundLineItems,
    // A smaller amount than Shopify suggests is a partial refund of the items: shipping stays.
    ...(moneyToMinor(suggestion.shipping.amountSet.shopMoney) > 0 && !limited?.cut ? { shipping: { amount: shippingAmount } } : {}),
    transactions: limited?.transactions ?? transactions,
  };
}

/** The transactions, in order, cut so their total is at most `limit`. */
function limitTransactions(transactions: RefundInput["transactions"], limit: MoneyV2): { transactions: RefundInput["transactions"]; cut: boolean } {
  let left = moneyToMinor(limit);
  let cut = false;
  const kept: RefundInput["transactions"] = [];
  for (const t of transactions) {
    const minor = moneyToMinor({ amount: t.amount, currencyCode: limit.currencyCode });
    const take = Math.min(minor, left);
    if (take < minor) cut = true;
    if (take > 0) kept.push({ ...t, amount: formatMinor(take, limit.currencyCode) });
    left -= take;
  }
  return { transactions: kept, cut };
}

export const REFUND_INCIDENT = graphql`
  mutation RefundIncident($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) {
      refund {
        id
        note
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface CreatedRefund {
  id: string;
  note: string | null;
  totalRefundedSet: { shopMoney: MoneyV2 };
}

export async function refundIncident(client: AdminClient, input: RefundInput, key: string): Promise<CreatedRefund> {
  const data = await client.request<{
    refundCreate: { refund: CreatedRefund | null; userErrors: { field: string[] | null; message: string }[] } | null;
  }>("RefundIncident", REFUND_INCIDENT, { input, key }, { idempotent: true });
  throwOnUserErrors("RefundIncident", data.refundCreate?.userErrors);
  const refund = data.refundCreate?.refund;
  if (!refund) throw new Error("RefundIncident: Shopify returned no refund and no error");
  return refund;
}
