// Returns: returnCreate over the 2026-10 schema. Shopify's contract (shopify.dev, Admin GraphQL
// "returnCreate"): a return is made from an order's *fulfilled* line items that have not been
// refunded, by FulfillmentLineItem id; it opens in the OPEN state (the request counts as
// approved). It is not a refund: the line's refundableQuantity does not change. The mutation has
// no @idempotent directive in 2026-10, so a second call makes a second return.
//
// Restocking: a return puts goods back in stock only when they are received and processed
// (returnProcess's dispositions, 2026-10: "For returned items, you specify how to handle them
// through dispositions such as restocking or disposal"; in Shopify admin, "Restock" on the
// return). That is a restock of its own, separate from a refund's: refundCreate restocks
// fulfilled units it refunds with restockType RETURN ("Use this when restocking line items that
// were fulfilled", RefundLineItemRestockType) at once, whether or not a return covers them. So
// refunding returned units with RETURN and then receiving the return restocks them twice.
import { GraphQLError } from "graphql";

import type { Args, ResolverContext, View } from "./resolvers/core";
import { connection, moneyBag, userErrorView } from "./resolvers/core";
import { lineItemView, orderView } from "./resolvers/views";
import type { EmulatorStore, OrderRecord, UserError } from "./store";
import { lineItemState } from "./store";
import { iso, isRecord } from "./util";

export const RETURN_REASONS = [
  "COLOR",
  "DEFECTIVE",
  "NOT_AS_DESCRIBED",
  "OTHER",
  "SIZE_TOO_LARGE",
  "SIZE_TOO_SMALL",
  "STYLE",
  "UNKNOWN",
  "UNWANTED",
  "WRONG_ITEM",
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export interface ReturnLineRecord {
  id: string;
  fulfillmentLineItemId: string;
  lineItemId: string;
  quantity: number;
  returnReason: ReturnReason;
  returnReasonNote: string;
  /** Units received and processed (restocked or not): ReturnLineItem.processedQuantity. */
  processedQuantity?: number;
}

export interface ReturnRecord {
  id: string;
  name: string;
  status: "OPEN" | "CLOSED" | "CANCELED" | "DECLINED" | "REQUESTED";
  createdAt: number;
  lines: ReturnLineRecord[];
}

export interface ReturnLineInput {
  fulfillmentLineItemId: string;
  quantity: number;
  returnReason: ReturnReason;
  returnReasonNote: string;
}

/** Units of a fulfillment line already in a return that still counts (not canceled/declined). */
function returnedUnits(order: OrderRecord, fulfillmentLineItemId: string): number {
  return (order.returns ?? [])
    .filter((r) => r.status !== "CANCELED" && r.status !== "DECLINED")
    .flatMap((r) => r.lines)
    .filter((l) => l.fulfillmentLineItemId === fulfillmentLineItemId)
    .reduce((sum, l) => sum + l.quantity, 0);
}

export function createReturn(
  store: EmulatorStore,
  domain: string,
  orderId: string,
  lines: ReturnLineInput[],
): { record: ReturnRecord } | { userErrors: UserError[] } {
  const order = store.findOrder(domain, orderId);
  if (!order) return { userErrors: [{ field: ["returnInput", "orderId"], message: "Order does not exist.", code: "NOT_FOUND" }] };
  if (lines.length === 0) {
    return { userErrors: [{ field: ["returnInput", "returnLineItems"], message: "Return must have at least one line item.", code: "BLANK" }] };
  }
  const errors: UserError[] = [];
  const record: ReturnLineRecord[] = [];
  lines.forEach((input, i) => {
    const field = ["returnInput", "returnLineItems", String(i)];
    const fulfilled = order.fulfillments
      .filter((f) => f.status === "SUCCESS")
      .flatMap((f) => f.lineItems)
      .find((fl) => fl.id === input.fulfillmentLineItemId);
    if (!fulfilled) {
      errors.push({ field: [...field, "fulfillmentLineItemId"], message: "Fulfillment line item does not exist.", code: "NOT_FOUND" });
      return;
    }
    const line = order.lineItems.find((li) => li.id === fulfilled.lineItemId);
    const refunded = line ? lineItemState(order, line).refundedQuantity : 0;
    // Refunded units leave the fulfilled ones first in Shopify's accounting of what can return.
    const returnable = Math.max(0, fulfilled.quantity - returnedUnits(order, fulfilled.id) - refunded);
    if (!Number.isInteger(input.quantity) || input.quantity < 1) {
      errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than 0.", code: "GREATER_THAN" });
    } else if (input.quantity > returnable) {
      errors.push({
        field: [...field, "quantity"],
        message: `Quantity is not available for return (${returnable} returnable).`,
        code: "LESS_THAN_OR_EQUAL_TO",
      });
    } else if (input.returnReasonNote.length > 255) {
      errors.push({ field: [...field, "returnReasonNote"], message: "Return reason note is too long (maximum is 255 characters).", code: "TOO_LONG" });
    } else {
      record.push({ id: store.newId("ReturnLineItem"), lineItemId: fulfilled.lineItemId, ...input });
    }
  });
  if (errors.length > 0) return { userErrors: errors };
  order.returns ??= [];
  const created: ReturnRecord = {
    id: store.newId("Return"),
    name: `${order.name}-R${order.returns.length + 1}`,
    status: "OPEN",
    createdAt: store.now(),
    lines: record,
  };
  order.returns.push(created);
  return { record: created };
}

/**
 * The parcel came back and the merchant processed the return in Shopify admin: every unit not
 * yet processed is restocked where its line was committed (disposition RESTOCKED), or not
 * (NOT_RESTOCKED). Refused for a return that is not open, or has nothing left to process.
 */
export function receiveReturn(
  store: EmulatorStore,
  domain: string,
  returnId: string,
  disposition: "RESTOCKED" | "NOT_RESTOCKED",
): { processed: number } | { userErrors: UserError[] } {
  const order = [...store.shop(domain).orders.values()].find((o) => (o.returns ?? []).some((r) => r.id === returnId));
  const found = order?.returns?.find((r) => r.id === returnId);
  if (!order || !found) return { userErrors: [{ field: ["returnId"], message: "Return does not exist.", code: "NOT_FOUND" }] };
  if (found.status !== "OPEN") return { userErrors: [{ field: ["returnId"], message: "Return is not open.", code: "INVALID_STATE" }] };
  let processed = 0;
  for (const line of found.lines) {
    const left = line.quantity - (line.processedQuantity ?? 0);
    if (left <= 0) continue;
    if (disposition === "RESTOCKED") store.restockLine(domain, order, line.lineItemId, left);
    line.processedQuantity = line.quantity;
    processed += left;
  }
  if (processed === 0) return { userErrors: [{ field: ["returnId"], message: "Return has nothing left to process.", code: "INVALID" }] };
  return { processed };
}

export function returnView(ctx: ResolverContext, order: OrderRecord, r: ReturnRecord): View {
  return {
    __typename: "Return",
    id: r.id,
    name: r.name,
    status: r.status,
    createdAt: iso(r.createdAt),
    closedAt: null,
    order: () => orderView(ctx, order),
    totalQuantity: r.lines.reduce((sum, l) => sum + l.quantity, 0),
    returnLineItems: (args: Args) =>
      connection("ReturnLineItemTypeConnection", r.lines, args, (l) => {
        const li = order.lineItems.find((x) => x.id === l.lineItemId);
        if (!li) throw new Error(`Dangling return line ${l.id}`);
        return {
          __typename: "ReturnLineItem",
          id: l.id,
          quantity: l.quantity,
          returnReason: l.returnReason,
          returnReasonNote: l.returnReasonNote,
          customerNote: null,
          fulfillmentLineItem: {
            __typename: "FulfillmentLineItem",
            id: l.fulfillmentLineItemId,
            quantity: l.quantity,
            lineItem: lineItemView(ctx, order, li),
            originalTotalSet: moneyBag(li.priceCents * l.quantity, ctx.shop.currencyCode),
            discountedTotalSet: moneyBag(li.priceCents * l.quantity, ctx.shop.currencyCode),
          },
        };
      }),
  };
}

function parseLines(raw: Record<string, unknown>): ReturnLineInput[] {
  const lines = Array.isArray(raw.returnLineItems) ? raw.returnLineItems : [];
  return lines.filter(isRecord).map((l) => {
    if (l.restockingFee !== undefined || l.returnReasonDefinitionId !== undefined) {
      throw new GraphQLError("returnCreate: restocking fees and return reason definitions are not implemented by the emulator");
    }
    const reason = typeof l.returnReason === "string" ? l.returnReason : "UNKNOWN";
    return {
      fulfillmentLineItemId: String(l.fulfillmentLineItemId),
      quantity: Number(l.quantity),
      returnReason: (RETURN_REASONS as readonly string[]).includes(reason) ? (reason as ReturnReason) : "UNKNOWN",
      returnReasonNote: typeof l.returnReasonNote === "string" ? l.returnReasonNote : "",
    };
  });
}

export function returnCreate(args: Args, ctx: ResolverContext): View {
  const raw = args.returnInput;
  if (!isRecord(raw)) throw new GraphQLError("Argument returnInput must be an input object");
  if (raw.exchangeLineItems !== undefined || raw.returnShippingFee !== undefined) {
    throw new GraphQLError("returnCreate: exchanges and return shipping fees are not implemented by the emulator");
  }
  const orderId = String(raw.orderId);
  const result = createReturn(ctx.store, ctx.domain, orderId, parseLines(raw));
  if ("userErrors" in result) {
    return {
      __typename: "ReturnCreatePayload",
      return: null,
      userErrors: result.userErrors.map((e) => userErrorView(e, "ReturnUserError")),
    };
  }
  const order = ctx.store.order(ctx.domain, orderId);
  return { __typename: "ReturnCreatePayload", return: returnView(ctx, order, result.record), userErrors: [] };
}

/** Order.returns(first:) */
export function orderReturns(ctx: ResolverContext, order: OrderRecord) {
  return (args: Args) => connection("ReturnConnection", order.returns ?? [], args, (r) => returnView(ctx, order, r));
}
