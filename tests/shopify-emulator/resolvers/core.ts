// The resolution model: resolvers return "views", plain objects whose keys are exactly the
// GraphQL field names of their type, valued either by the value itself or by a function of
// the field's arguments. A field that the view does not have is NOT silently null: the default
// field resolver throws "Field Type.field is not implemented by the emulator", so the app
// learns at test time that it depends on something the emulator does not model.
import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLTypeResolver } from "graphql";
import { GraphQLError } from "graphql";

import type { SearchIndex } from "../search-index";
import type { EmulatorStore, ShopState } from "../store";
import { formatCents, isRecord } from "../util";

export interface ResolverContext {
  store: EmulatorStore;
  shop: ShopState;
  domain: string;
  /** Serves search-backed connections with Shopify's indexing lag; absent: search is live. */
  search?: SearchIndex;
}

export type Args = Record<string, unknown>;
export type FieldFn = (args: Args, ctx: ResolverContext, info: GraphQLResolveInfo) => unknown;
export type View = { __typename: string } & Record<string, unknown>;
export type RootResolver = (args: Args, ctx: ResolverContext, info: GraphQLResolveInfo) => unknown;

export class NotImplementedError extends GraphQLError {
  constructor(typeName: string, fieldName: string, info?: GraphQLResolveInfo) {
    super(`Field ${typeName}.${fieldName} is not implemented by the emulator`, {
      nodes: info?.fieldNodes,
      extensions: { code: "NOT_IMPLEMENTED_BY_EMULATOR", typeName, fieldName },
    });
  }
}

export function makeFieldResolver(
  roots: Record<string, Record<string, RootResolver>>,
): GraphQLFieldResolver<unknown, ResolverContext> {
  return (source, args, ctx, info) => {
    const typeName = info.parentType.name;
    const root = roots[typeName]?.[info.fieldName];
    if (root) return root(args, ctx, info);
    if (isRecord(source) && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
      const value = source[info.fieldName];
      return typeof value === "function" ? (value as FieldFn)(args, ctx, info) : value;
    }
    if (info.fieldName === "__typename") return typeName;
    throw new NotImplementedError(typeName, info.fieldName, info);
  };
}

export const typeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (
  value,
  _ctx,
  info,
  abstractType,
) => {
  if (isRecord(value) && typeof value.__typename === "string") return value.__typename;
  throw new GraphQLError(
    `Emulator cannot resolve the concrete type of ${abstractType.name} at ${info.fieldName}`,
  );
};

// ---------------------------------------------------------------------------------------------
// Shared shapes

export function money(cents: number, currencyCode: string): View {
  return { __typename: "MoneyV2", amount: formatCents(cents, currencyCode), currencyCode };
}

export function moneyBag(cents: number, currencyCode: string): View {
  return {
    __typename: "MoneyBag",
    shopMoney: money(cents, currencyCode),
    presentmentMoney: money(cents, currencyCode),
  };
}

function encodeCursor(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString("utf8");
}

export interface Paged<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

function intArg(args: Args, name: string): number | undefined {
  const v = args[name];
  return typeof v === "number" ? v : undefined;
}

/** Relay pagination with first/after/last/before, as Shopify requires (one of first/last). */
export function paginate<T extends { id: string }>(
  all: T[],
  args: Args,
  requireFirstOrLast = true,
): Paged<T> {
  const first = intArg(args, "first");
  const last = intArg(args, "last");
  if (requireFirstOrLast && first === undefined && last === undefined) {
    throw new GraphQLError("you must provide one of first or last", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  if ((first ?? 0) > 250 || (last ?? 0) > 250) {
    throw new GraphQLError("The maximum page size is 250", { extensions: { code: "BAD_REQUEST" } });
  }
  let start = 0;
  let end = all.length;
  if (typeof args.after === "string") {
    const i = all.findIndex((x) => x.id === decodeCursor(args.after as string));
    if (i >= 0) start = i + 1;
  }
  if (typeof args.before === "string") {
    const i = all.findIndex((x) => x.id === decodeCursor(args.before as string));
    if (i >= 0) end = i;
  }
  let slice = all.slice(start, end);
  let hasNextPage = end < all.length;
  let hasPreviousPage = start > 0;
  if (first !== undefined && slice.length > first) {
    slice = slice.slice(0, first);
    hasNextPage = true;
  }
  if (last !== undefined && slice.length > last) {
    slice = slice.slice(slice.length - last);
    hasPreviousPage = true;
  }
  return { items: slice, hasNextPage, hasPreviousPage };
}

export function connection<T extends { id: string }>(
  typeName: string,
  all: T[],
  args: Args,
  toView: (item: T) => View,
  requireFirstOrLast = true,
): View {
  const page = paginate(all, args, requireFirstOrLast);
  const views = page.items.map(toView);
  const edgeType = typeName.replace(/Connection$/, "Edge");
  const first = page.items[0];
  const lastItem = page.items[page.items.length - 1];
  return {
    __typename: typeName,
    nodes: views,
    edges: views.map((node, i) => ({
      __typename: edgeType,
      node,
      cursor: encodeCursor(page.items[i]?.id ?? ""),
    })),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: first ? encodeCursor(first.id) : null,
      endCursor: lastItem ? encodeCursor(lastItem.id) : null,
    },
  };
}

export function userErrorView(
  e: { field: string[] | null; message: string; code?: string },
  typeName = "UserError",
): View {
  const view: View = { __typename: typeName, field: e.field, message: e.message };
  if (typeName !== "UserError") view.code = e.code ?? null;
  return view;
}
