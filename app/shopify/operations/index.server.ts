// Admin API operations the remediation engine uses: named documents and typed calls.
export * from "./annotate.server";
export * from "./cancel.server";
export * from "./discount.server";
export * from "./order.server";
export * from "./refund.server";
export * from "./replacement.server";
export * from "./user-errors.server";
export * from "./return.server";
