// Remediation policy: what Amends offers for each kind of incident, and when it may act alone.
export * from "./allowed";
export * from "./approval";
export * from "./choice";
export * from "./decide";
export * from "./defaults";
export * from "./emails";
export * from "./messages";
export * from "./money";
export * from "./resolution";
export * from "./schema";
export * from "./signals";
export type * from "./types";
export * from "./confirmation";
export * from "./urgency";
export * from "./shop-queues";
