// The remediation engine: policy decisions carried out on Shopify, exactly once.
export { remediate } from "./remediate.server";
export { idempotencyKey } from "./steps.server";
export { startOfDay } from "./context.server";
export type * from "./types";
export { previewApproval } from "./preview.server";
export type { ApprovalPreview } from "./preview.server";
