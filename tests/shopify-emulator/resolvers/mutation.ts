// Mutation fields the app uses, following the 2026-10 input types (read from the schema).
import type { GraphQLResolveInfo } from "graphql";
import { GraphQLError, Kind, valueFromASTUntyped } from "graphql";

import type {
  AppliedDiscountRecord,
  CancelReason,
  RefundInputLine,
  RefundRequest,
  UserError,
} from "../store";
import { EmulatorError, dedupeTags } from "../store";
import { MoneyError, isRecord, parseGid, toCents } from "../util";
import type { Args, ResolverContext, RootResolver, View } from "./core";
import { userErrorView } from "./core";
import { returnCreate } from "../returns";
import {
  customerView,
  discountNodeView,
  draftOrderView,
  jobView,
  orderView,
  refundView,
} from "./views";

function input(args: Args, name: string): Record<string, unknown> {
  const v = args[name];
  if (!isRecord(v)) throw new GraphQLError(`Argument ${name} must be an input object`);
  return v;
}

const optStr = (v: unknown): string | null | undefined =>
  v === null ? null : typeof v === "string" ? v : undefined;
const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;

/** The `key` of an `@idempotent(key:)` directive on the current field, or null. */
export function idempotencyKey(info: GraphQLResolveInfo): string | null {
  const directive = info.fieldNodes[0]?.directives?.find((d) => d.name.value === "idempotent");
  const arg = directive?.arguments?.find((a) => a.name.value === "key");
  if (!arg) return null;
  const value: unknown =
    arg.value.kind === Kind.VARIABLE
      ? info.variableValues[arg.value.name.value]
      : valueFromASTUntyped(arg.value);
  return typeof value === "string" && value.length > 0 ? value : null;
}

/**
 * Runs a mutation under Shopify's idempotency contract: a key is required, a replay with the same
 * key and same input returns the first result without applying anything, and the same key with
 * different input is an error.
 */
function idempotent<T>(
  ctx: ResolverContext,
  info: GraphQLResolveInfo,
  fingerprintOf: unknown,
  mismatch: () => T,
  apply: () => T,
): T {
  const key = idempotencyKey(info);
  if (!key) {
    throw new GraphQLError(
      `The @idempotent directive is required for the ${info.fieldName} mutation.`,
      {
        nodes: info.fieldNodes,
        extensions: { code: "BAD_REQUEST" },
      },
    );
  }
  const slot = `${info.fieldName}:${key}`;
  const fingerprint = JSON.stringify(fingerprintOf);
  const previous = ctx.shop.idempotency.get(slot);
  if (previous) return previous.fingerprint === fingerprint ? (previous.result as T) : mismatch();
  const result = apply();
  ctx.shop.idempotency.set(slot, { fingerprint, result });
  return result;
}

function parseRefundInput(raw: Record<string, unknown>): RefundRequest {
  const lines: RefundInputLine[] = (Array.isArray(raw.refundLineItems) ? raw.refundLineItems : [])
    .filter(isRecord)
    .map((l) => ({
      lineItemId: String(l.lineItemId),
      quantity: Number(l.quantity),
      restockType:
        typeof l.restockType === "string"
          ? (l.restockType as RefundInputLine["restockType"])
          : undefined,
    }));
  const shipping = isRecord(raw.shipping)
    ? {
        fullRefund: raw.shipping.fullRefund === true,
        amount:
          typeof raw.shipping.amount === "string" || typeof raw.shipping.amount === "number"
            ? raw.shipping.amount
            : null,
      }
    : null;
  const transactions = (Array.isArray(raw.transactions) ? raw.transactions : [])
    .filter(isRecord)
    .map((t) => ({
      amount: typeof t.amount === "number" ? t.amount : String(t.amount),
      gateway: String(t.gateway),
      kind: String(t.kind),
      orderId: String(t.orderId),
      parentId: typeof t.parentId === "string" ? t.parentId : null,
    }));
  return {
    orderId: String(raw.orderId),
    note: optStr(raw.note) ?? null,
    refundLineItems: lines,
    shipping,
    transactions,
    allowOverRefunding: raw.allowOverRefunding === true,
  };
}

interface StoredRefundResult {
  refundId: string | null;
  orderId: string;
  userErrors: UserError[];
}

function refundPayloadView(ctx: ResolverContext, r: StoredRefundResult): View {
  const order = ctx.shop.orders.get(r.orderId);
  const refund = order?.refunds.find((x) => x.id === r.refundId);
  return {
    __typename: "RefundCreatePayload",
    order: order ? orderView(ctx, order) : null,
    refund: order && refund ? refundView(ctx, order, refund) : null,
    userErrors: r.userErrors.map((e) => userErrorView(e)),
  };
}

function parseAppliedDiscount(v: unknown): AppliedDiscountRecord | null {
  if (!isRecord(v)) return null;
  return {
    title: optStr(v.title) ?? null,
    description: optStr(v.description) ?? "",
    value: Number(v.value),
    valueType: v.valueType === "PERCENTAGE" ? "PERCENTAGE" : "FIXED_AMOUNT",
  };
}

function moneyAmount(v: unknown): string | number | undefined {
  if (isRecord(v) && (typeof v.amount === "string" || typeof v.amount === "number"))
    return v.amount;
  return undefined;
}

function dateArg(v: unknown): number | null | undefined {
  if (v === null) return null;
  if (typeof v !== "string") return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export const mutationResolvers: Record<string, RootResolver> = {
  refundCreate: (args, ctx, info) => {
    const raw = input(args, "input");
    const stored = idempotent<StoredRefundResult>(
      ctx,
      info,
      raw,
      () => ({
        refundId: null,
        orderId: String(raw.orderId),
        userErrors: [
          {
            field: null,
            message: "The same idempotency key cannot be used with different operation parameters.",
          },
        ],
      }),
      () => {
        if (Array.isArray(raw.refundMethods) && raw.refundMethods.length > 0) {
          throw new GraphQLError(
            "refundCreate(input.refundMethods) is not implemented by the emulator",
          );
        }
        if (Array.isArray(raw.refundDuties) && raw.refundDuties.length > 0) {
          throw new GraphQLError(
            "refundCreate(input.refundDuties) is not implemented by the emulator",
          );
        }
        const result = ctx.store.createRefund(ctx.domain, parseRefundInput(raw));
        return "refund" in result
          ? { refundId: result.refund.id, orderId: result.refund.orderId, userErrors: [] }
          : { refundId: null, orderId: String(raw.orderId), userErrors: result.userErrors };
      },
    );
    return refundPayloadView(ctx, stored);
  },

  orderCancel: (args, ctx) => {
    const orderId = String(args.orderId);
    const refundMethod = isRecord(args.refundMethod) ? args.refundMethod : null;
    if (refundMethod?.storeCreditRefund) {
      throw new GraphQLError(
        "orderCancel(refundMethod.storeCreditRefund) is not implemented by the emulator",
      );
    }
    // `refund` is deprecated in favour of refundMethod.originalPaymentMethodsRefund.
    const refund = refundMethod?.originalPaymentMethodsRefund === true || args.refund === true;
    const result = ctx.store.cancelOrder(ctx.domain, {
      orderId,
      reason: String(args.reason) as CancelReason,
      restock: args.restock === true,
      refund,
      staffNote: optStr(args.staffNote),
    });
    if ("userErrors" in result) {
      const errors = result.userErrors.map((e) => userErrorView(e, "OrderCancelUserError"));
      return {
        __typename: "OrderCancelPayload",
        job: null,
        orderCancelUserErrors: errors,
        userErrors: result.userErrors.map((e) => userErrorView(e)),
      };
    }
    return {
      __typename: "OrderCancelPayload",
      job: jobView(ctx, result.job),
      orderCancelUserErrors: [],
      userErrors: [],
    };
  },

  draftOrderCreate: (args, ctx) => {
    const raw = input(args, "input");
    const errors: UserError[] = [];
    const lines = (Array.isArray(raw.lineItems) ? raw.lineItems : []).filter(isRecord);
    if (lines.length === 0)
      errors.push({ field: ["lineItems"], message: "Add at least 1 product" });
    lines.forEach((l, i) => {
      if (typeof l.variantId === "string" && !ctx.shop.variants.has(l.variantId)) {
        errors.push({
          field: ["lineItems", String(i), "variantId"],
          message: "Product variant does not exist",
        });
      }
      if (
        typeof l.variantId !== "string" &&
        (typeof l.title !== "string" || moneyAmount(l.originalUnitPriceWithCurrency) === undefined)
      ) {
        errors.push({
          field: ["lineItems", String(i)],
          message: "Custom line items need a title and originalUnitPriceWithCurrency",
        });
      }
      if (typeof l.quantity !== "number" || l.quantity < 1) {
        errors.push({
          field: ["lineItems", String(i), "quantity"],
          message: "Quantity must be greater than or equal to 1",
        });
      }
    });
    const purchasing = isRecord(raw.purchasingEntity) ? raw.purchasingEntity : null;
    const customerId = typeof purchasing?.customerId === "string" ? purchasing.customerId : null;
    if (customerId && !ctx.shop.customers.has(customerId)) {
      errors.push({
        field: ["purchasingEntity", "customerId"],
        message: "Customer does not exist",
      });
    }
    const discount = parseAppliedDiscount(raw.appliedDiscount);
    if (
      discount &&
      discount.valueType === "PERCENTAGE" &&
      (discount.value < 0 || discount.value > 100)
    ) {
      errors.push({
        field: ["appliedDiscount", "value"],
        message: "Value must be between 0 and 100",
      });
    }
    if (errors.length > 0) {
      return {
        __typename: "DraftOrderCreatePayload",
        draftOrder: null,
        userErrors: errors.map((e) => userErrorView(e)),
      };
    }
    const shippingLine = isRecord(raw.shippingLine) ? raw.shippingLine : null;
    const draft = ctx.store.createDraftOrder(ctx.domain, {
      customerId,
      email: optStr(raw.email),
      note: optStr(raw.note),
      tags: strList(raw.tags),
      appliedDiscount: discount,
      shippingLine: shippingLine
        ? {
            title: optStr(shippingLine.title) ?? "Shipping",
            price: moneyAmount(shippingLine.priceWithCurrency) ?? 0,
          }
        : null,
      shippingAddress: isRecord(raw.shippingAddress)
        ? {
            firstName: optStr(raw.shippingAddress.firstName) ?? null,
            lastName: optStr(raw.shippingAddress.lastName) ?? null,
            address1: optStr(raw.shippingAddress.address1) ?? null,
            address2: optStr(raw.shippingAddress.address2) ?? null,
            city: optStr(raw.shippingAddress.city) ?? null,
            provinceCode: optStr(raw.shippingAddress.provinceCode) ?? null,
            countryCode: optStr(raw.shippingAddress.countryCode) ?? null,
            zip: optStr(raw.shippingAddress.zip) ?? null,
            phone: optStr(raw.shippingAddress.phone) ?? null,
            company: optStr(raw.shippingAddress.company) ?? null,
          }
        : null,
      lineItems: lines.map((l) => ({
        variantId: typeof l.variantId === "string" ? l.variantId : undefined,
        title: typeof l.title === "string" ? l.title : undefined,
        sku: optStr(l.sku),
        price: moneyAmount(l.priceOverride) ?? moneyAmount(l.originalUnitPriceWithCurrency),
        quantity: Number(l.quantity),
        requiresShipping: typeof l.requiresShipping === "boolean" ? l.requiresShipping : undefined,
      })),
    });
    return {
      __typename: "DraftOrderCreatePayload",
      draftOrder: draftOrderView(ctx, draft),
      userErrors: [],
    };
  },

  draftOrderComplete: (args, ctx) => {
    const result = ctx.store.completeDraftOrder(
      ctx.domain,
      String(args.id),
      args.paymentPending === true,
    );
    if ("userErrors" in result) {
      return {
        __typename: "DraftOrderCompletePayload",
        draftOrder: null,
        userErrors: result.userErrors.map((e) => userErrorView(e)),
      };
    }
    return {
      __typename: "DraftOrderCompletePayload",
      draftOrder: draftOrderView(ctx, result.draft),
      userErrors: [],
    };
  },

  discountCodeBasicCreate: (args, ctx) => {
    const raw = input(args, "basicCodeDiscount");
    const errors: UserError[] = [];
    const field = (...f: string[]) => ["basicCodeDiscount", ...f];
    const code = typeof raw.code === "string" ? raw.code.trim() : "";
    if (!code) errors.push({ field: field("code"), message: "Code can't be blank", code: "BLANK" });
    else if (ctx.store.discountByCode(ctx.domain, code)) {
      errors.push({
        field: field("code"),
        message: "Code must be unique. Please try a different code.",
        code: "TAKEN",
      });
    }
    const title = typeof raw.title === "string" ? raw.title : "";
    if (!title)
      errors.push({ field: field("title"), message: "Title can't be blank", code: "BLANK" });
    const startsAt = dateArg(raw.startsAt);
    const endsAt = dateArg(raw.endsAt);
    if (startsAt === undefined || startsAt === null) {
      errors.push({ field: field("startsAt"), message: "Starts at can't be blank", code: "BLANK" });
    }
    if (typeof startsAt === "number" && typeof endsAt === "number" && endsAt < startsAt) {
      errors.push({
        field: field("endsAt"),
        message: "Ends at needs to be after starts_at",
        code: "END_DATE_BEFORE_START_DATE",
      });
    }
    if (typeof raw.usageLimit === "number" && raw.usageLimit < 1) {
      errors.push({
        field: field("usageLimit"),
        message: "Usage limit must be greater than 0",
        code: "GREATER_THAN",
      });
    }
    const gets = isRecord(raw.customerGets) ? raw.customerGets : null;
    const value = isRecord(gets?.value) ? gets.value : null;
    const items = isRecord(gets?.items) ? gets.items : null;
    let parsedValue:
      | { kind: "percentage"; percentage: number }
      | { kind: "amount"; amountCents: number; appliesOnEachItem: boolean }
      | null = null;
    if (!value)
      errors.push({
        field: field("customerGets", "value"),
        message: "Value can't be blank",
        code: "BLANK",
      });
    else if (typeof value.percentage === "number") {
      if (value.percentage <= 0 || value.percentage > 1) {
        errors.push({
          field: field("customerGets", "value", "percentage"),
          message: "Value must be between 0.0 and 1.0",
          code: "VALUE_OUTSIDE_RANGE",
        });
      }
      parsedValue = { kind: "percentage", percentage: value.percentage };
    } else if (isRecord(value.discountAmount)) {
      const amount = value.discountAmount.amount;
      let cents: number | null = 0;
      try {
        cents = typeof amount === "string" || typeof amount === "number" ? toCents(amount, ctx.shop.currencyCode) : 0;
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        errors.push({ field: field("customerGets", "value", "discountAmount", "amount"), message: error.message, code: "INVALID" });
        cents = null;
      }
      if (cents !== null && cents <= 0) {
        errors.push({
          field: field("customerGets", "value", "discountAmount", "amount"),
          message: "Value must be greater than 0",
          code: "GREATER_THAN",
        });
      }
      parsedValue = {
        kind: "amount",
        amountCents: cents ?? 0,
        appliesOnEachItem: value.discountAmount.appliesOnEachItem === true,
      };
    } else {
      throw new GraphQLError(
        "discountCodeBasicCreate: customerGets.value other than percentage/discountAmount is not implemented by the emulator",
      );
    }
    if (items && items.all !== true) {
      throw new GraphQLError(
        "discountCodeBasicCreate: customerGets.items other than {all: true} is not implemented by the emulator",
      );
    }
    if (!items)
      errors.push({
        field: field("customerGets", "items"),
        message: "Items can't be blank",
        code: "BLANK",
      });
    let customerIds: string[] | "ALL" = "ALL";
    const context = isRecord(raw.context) ? raw.context : null;
    if (context && isRecord(context.customers)) {
      customerIds = strList(context.customers.add) ?? [];
      customerIds.forEach((id, i) => {
        if (!ctx.shop.customers.has(id)) {
          errors.push({
            field: field("context", "customers", "add", String(i)),
            message: `Customer ${id} does not exist`,
            code: "INVALID",
          });
        }
      });
    } else if (context && !context.all) {
      throw new GraphQLError(
        "discountCodeBasicCreate: context other than all/customers is not implemented by the emulator",
      );
    }
    if (errors.length > 0 || !parsedValue || startsAt === undefined || startsAt === null) {
      return {
        __typename: "DiscountCodeBasicCreatePayload",
        codeDiscountNode: null,
        userErrors: errors.map((e) => userErrorView(e, "DiscountUserError")),
      };
    }
    const discount = ctx.store.createDiscount(ctx.domain, {
      title,
      code,
      startsAt,
      endsAt: endsAt ?? null,
      usageLimit: typeof raw.usageLimit === "number" ? raw.usageLimit : null,
      appliesOncePerCustomer: raw.appliesOncePerCustomer === true,
      customerIds,
      value: parsedValue,
      tags: strList(raw.tags) ?? [],
    });
    return {
      __typename: "DiscountCodeBasicCreatePayload",
      codeDiscountNode: discountNodeView(ctx, discount),
      userErrors: [],
    };
  },

  tagsAdd: (args, ctx) => {
    const id = String(args.id);
    const tags = dedupeTags(strList(args.tags) ?? []);
    const type = parseGid(id)?.type;
    if (type !== "Order" && type !== "Customer") {
      throw new GraphQLError(`tagsAdd on ${String(type)} is not implemented by the emulator`);
    }
    try {
      const record = ctx.store.addTags(ctx.domain, id, tags);
      const node = "number" in record ? orderView(ctx, record) : customerView(ctx, record);
      return { __typename: "TagsAddPayload", node, userErrors: [] };
    } catch (error) {
      if (!(error instanceof EmulatorError)) throw error;
      return {
        __typename: "TagsAddPayload",
        node: null,
        userErrors: [userErrorView({ field: ["id"], message: "Resource not found" })],
      };
    }
  },

  returnCreate: (args, ctx) => returnCreate(args, ctx),

  orderUpdate: (args, ctx) => {
    const raw = input(args, "input");
    const id = String(raw.id);
    if (!ctx.shop.orders.has(id)) {
      return {
        __typename: "OrderUpdatePayload",
        order: null,
        userErrors: [userErrorView({ field: ["id"], message: "Order does not exist" })],
      };
    }
    for (const unsupported of [
      "metafields",
      "customAttributes",
      "localizedFields",
      "shippingAddress",
    ]) {
      if (raw[unsupported] !== undefined) {
        throw new GraphQLError(
          `orderUpdate(input.${unsupported}) is not implemented by the emulator`,
        );
      }
    }
    const order = ctx.store.updateOrder(ctx.domain, id, {
      note: optStr(raw.note),
      tags: strList(raw.tags),
      email: optStr(raw.email),
    });
    return { __typename: "OrderUpdatePayload", order: orderView(ctx, order), userErrors: [] };
  },
};
