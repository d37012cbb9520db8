// QueryRoot fields the app uses. Unsupported search filters and sort keys raise errors instead
// of being ignored, so a query that would behave differently on Shopify is noticed.
import { GraphQLError } from "graphql";

import type { DraftOrderRecord, OrderRecord } from "../store";
import { financialStatus, fulfillmentStatus } from "../store";
import { legacyId, parseGid } from "../util";
import type { Args, ResolverContext, RootResolver, View } from "./core";
import { connection } from "./core";
import {
  customerView,
  discountNodeView,
  draftOrderView,
  fulfillmentView,
  inventoryItemView,
  jobView,
  orderView,
  refundView,
  shopLocalesView,
  shopView,
  variantView,
} from "./views";

function str(args: Args, name: string): string {
  const v = args[name];
  if (typeof v !== "string") throw new GraphQLError(`Argument ${name} must be a string`);
  return v;
}

interface Term {
  key: string | null;
  op: ":" | ">" | ">=" | "<" | "<=";
  value: string;
  negate: boolean;
}

/** Parses Shopify's search syntax subset: `key:value`, `key:>=value`, `-key:value`, quoted values, bare words. */
export function parseSearch(query: string): Term[] {
  const terms: Term[] = [];
  const re = /(-)?(?:([a-z_]+):(>=|<=|>|<)?)?("([^"]*)"|'([^']*)'|\S+)/gi;
  for (const m of query.matchAll(re)) {
    const raw = m[5] ?? m[6] ?? m[4] ?? "";
    if (!m[2] && raw === "AND") continue;
    if (!m[2] && (raw === "OR" || raw === "NOT")) {
      throw new GraphQLError(`Search operator ${raw} is not implemented by the emulator`);
    }
    const op = (m[3] as Term["op"] | undefined) ?? ":";
    terms.push({ key: m[2]?.toLowerCase() ?? null, op, value: raw, negate: m[1] === "-" });
  }
  return terms;
}

function compare(a: number, op: Term["op"], b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    default:
      return a === b;
  }
}

function parseDate(value: string, now: number): number {
  const rel = /^now(?:-(\d+)([dhm]))?$/i.exec(value);
  if (rel) {
    const n = Number(rel[1] ?? 0);
    const unit =
      rel[2]?.toLowerCase() === "d"
        ? 86_400_000
        : rel[2]?.toLowerCase() === "h"
          ? 3_600_000
          : 60_000;
    return now - n * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new GraphQLError(`Invalid date in search query: ${value}`);
  return t;
}

function orderMatches(ctx: ResolverContext, o: OrderRecord, term: Term): boolean {
  const v = term.value.toLowerCase();
  const now = ctx.store.now();
  let result: boolean;
  switch (term.key) {
    case null: {
      const customer = o.customerId ? ctx.shop.customers.get(o.customerId) : undefined;
      const hay = [o.name, o.email, customer?.firstName, customer?.lastName, ...o.tags]
        .filter(Boolean)
        .join(" ")
        .toLowerCase();
      result = hay.includes(v);
      break;
    }
    case "created_at":
      result = compare(o.createdAt, term.op, parseDate(term.value, now));
      break;
    case "processed_at":
      result = compare(o.processedAt, term.op, parseDate(term.value, now));
      break;
    case "updated_at":
      result = compare(o.updatedAt, term.op, parseDate(term.value, now));
      break;
    case "name":
      result = o.name.toLowerCase() === (v.startsWith("#") ? v : `#${v}`);
      break;
    case "id":
      result = compare(legacyId(o.id), term.op, Number(parseGid(term.value)?.id ?? term.value));
      break;
    case "email":
      result = (o.email ?? "").toLowerCase() === v;
      break;
    case "customer_id":
      result =
        o.customerId !== null &&
        legacyId(o.customerId) === Number(parseGid(term.value)?.id ?? term.value);
      break;
    case "tag":
      result = o.tags.some((t) => t.toLowerCase() === v);
      break;
    case "tag_not":
      result = !o.tags.some((t) => t.toLowerCase() === v);
      break;
    case "status":
      result =
        v === "any" ||
        (v === "open" && o.closedAt === null && o.cancelledAt === null) ||
        (v === "closed" && o.closedAt !== null) ||
        (v === "cancelled" && o.cancelledAt !== null);
      break;
    case "financial_status":
      result = financialStatus(o).toLowerCase() === v;
      break;
    case "fulfillment_status": {
      const s = fulfillmentStatus(o);
      const map: Record<string, boolean> = {
        shipped: s === "FULFILLED",
        fulfilled: s === "FULFILLED",
        partial: s === "PARTIALLY_FULFILLED",
        unshipped: s === "UNFULFILLED",
        unfulfilled: s === "UNFULFILLED",
        any: true,
      };
      if (!(v in map))
        throw new GraphQLError(`fulfillment_status:${v} is not implemented by the emulator`);
      result = map[v] === true;
      break;
    }
    default:
      throw new GraphQLError(
        `Search filter "${term.key}" on orders is not implemented by the emulator`,
        {
          extensions: { code: "NOT_IMPLEMENTED_BY_EMULATOR" },
        },
      );
  }
  return term.negate ? !result : result;
}

const ORDER_SORT: Record<string, (o: OrderRecord) => number> = {
  ID: (o) => legacyId(o.id),
  CREATED_AT: (o) => o.createdAt,
  PROCESSED_AT: (o) => o.processedAt,
  UPDATED_AT: (o) => o.updatedAt,
  ORDER_NUMBER: (o) => o.number,
};

function nodeById(ctx: ResolverContext, id: string): View | null {
  const parsed = parseGid(id);
  if (!parsed) return null;
  const shop = ctx.shop;
  switch (parsed.type) {
    case "Order": {
      const o = shop.orders.get(id);
      return o ? orderView(ctx, o) : null;
    }
    case "Customer": {
      const c = shop.customers.get(id);
      return c ? customerView(ctx, c) : null;
    }
    case "ProductVariant": {
      const v = shop.variants.get(id);
      return v ? variantView(ctx, v) : null;
    }
    case "DraftOrder": {
      const d = shop.draftOrders.get(id);
      return d ? draftOrderView(ctx, d) : null;
    }
    case "Fulfillment":
      for (const o of shop.orders.values()) {
        const f = o.fulfillments.find((x) => x.id === id);
        if (f) return fulfillmentView(ctx, o, f);
      }
      return null;
    case "Refund":
      for (const o of shop.orders.values()) {
        const r = o.refunds.find((x) => x.id === id);
        if (r) return refundView(ctx, o, r);
      }
      return null;
    case "DiscountCodeNode": {
      const d = shop.discounts.get(id);
      return d ? discountNodeView(ctx, d) : null;
    }
    default:
      throw new GraphQLError(`node(id:) for ${parsed.type} is not implemented by the emulator`);
  }
}

/** Shopify's draft order search filters that Amends uses: tag, status, customer_id. */
function draftOrderMatches(d: DraftOrderRecord, term: Term): boolean {
  const v = term.value.toLowerCase();
  let result: boolean;
  switch (term.key) {
    case "tag":
      result = d.tags.some((t) => t.toLowerCase() === v);
      break;
    case "status":
      result = d.status.toLowerCase() === v;
      break;
    case "customer_id":
      result =
        d.customerId !== null &&
        legacyId(d.customerId) === Number(parseGid(term.value)?.id ?? term.value);
      break;
    default:
      throw new GraphQLError(
        `draftOrders(query:) filter ${term.key ?? "(default search)"} is not implemented by the emulator`,
      );
  }
  return term.negate ? !result : result;
}

export const queryResolvers: Record<string, RootResolver> = {
  shop: (_args, ctx) => shopView(ctx.shop),
  shopLocales: (args, ctx) => shopLocalesView(ctx.shop).filter((l) => args.published !== true || l.published === true),
  order: (args, ctx) => {
    const o = ctx.shop.orders.get(str(args, "id"));
    return o ? orderView(ctx, o) : null;
  },
  orders: (args, ctx) => {
    // Filtered and sorted as the lagging index has them, answered as they are now.
    let list = ctx.search ? ctx.search.orders(ctx.shop) : [...ctx.shop.orders.values()];
    if (typeof args.query === "string" && args.query.trim()) {
      const terms = parseSearch(args.query);
      list = list.filter((o) => terms.every((t) => orderMatches(ctx, o, t)));
    }
    if (args.savedSearchId !== undefined && args.savedSearchId !== null) {
      throw new GraphQLError("orders(savedSearchId:) is not implemented by the emulator");
    }
    const sortKey = typeof args.sortKey === "string" ? args.sortKey : "PROCESSED_AT";
    const key = ORDER_SORT[sortKey];
    if (!key)
      throw new GraphQLError(`orders(sortKey: ${sortKey}) is not implemented by the emulator`);
    list.sort((a, b) => key(a) - key(b) || legacyId(a.id) - legacyId(b.id));
    if (args.reverse === true) list.reverse();
    list = list.flatMap((o) => ctx.shop.orders.get(o.id) ?? []);
    return connection("OrderConnection", list, args, (o) => orderView(ctx, o));
  },
  customer: (args, ctx) => {
    const c = ctx.shop.customers.get(str(args, "id"));
    return c ? customerView(ctx, c) : null;
  },
  productVariant: (args, ctx) => {
    const v = ctx.shop.variants.get(str(args, "id"));
    return v ? variantView(ctx, v) : null;
  },
  inventoryItem: (args, ctx) => {
    const v = ctx.store.variantByInventoryItem(ctx.domain, str(args, "id"));
    return v ? inventoryItemView(ctx, v) : null;
  },
  fulfillment: (args, ctx) => nodeById(ctx, str(args, "id")),
  draftOrders: (args, ctx) => {
    let list = ctx.search ? ctx.search.draftOrders(ctx.shop) : [...ctx.shop.draftOrders.values()];
    if (typeof args.query === "string" && args.query.trim()) {
      const terms = parseSearch(args.query);
      list = list.filter((d) => terms.every((t) => draftOrderMatches(d, t)));
    }
    if (args.savedSearchId !== undefined && args.savedSearchId !== null) {
      throw new GraphQLError("draftOrders(savedSearchId:) is not implemented by the emulator");
    }
    const sortKey = typeof args.sortKey === "string" ? args.sortKey : "ID";
    if (sortKey !== "ID")
      throw new GraphQLError(`draftOrders(sortKey: ${sortKey}) is not implemented by the emulator`);
    list.sort((a, b) => legacyId(a.id) - legacyId(b.id));
    if (args.reverse === true) list.reverse();
    list = list.flatMap((d) => ctx.shop.draftOrders.get(d.id) ?? []);
    return connection("DraftOrderConnection", list, args, (d) => draftOrderView(ctx, d));
  },
  draftOrder: (args, ctx) => {
    const d = ctx.shop.draftOrders.get(str(args, "id"));
    return d ? draftOrderView(ctx, d) : null;
  },
  job: (args, ctx) => {
    // Polling is what moves an asynchronous job (orderCancel) forward, as on Shopify.
    const job = ctx.store.pollJob(ctx.domain, str(args, "id"));
    return job ? jobView(ctx, job) : null;
  },
  codeDiscountNodeByCode: (args, ctx) => {
    const d = ctx.store.discountByCode(ctx.domain, str(args, "code"));
    return d ? discountNodeView(ctx, d) : null;
  },
  codeDiscountNode: (args, ctx) => {
    const d = ctx.shop.discounts.get(str(args, "id"));
    return d ? discountNodeView(ctx, d) : null;
  },
  node: (args, ctx) => nodeById(ctx, str(args, "id")),
  nodes: (args, ctx) =>
    (Array.isArray(args.ids) ? args.ids : []).map((id) => nodeById(ctx, String(id))),
};
