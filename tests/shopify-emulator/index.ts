// Local Shopify Admin API emulator: Shopify's real 2026-10 schema, in-memory shops, Shopify's
// cost-based throttling, fault injection, and signed webhook deliveries.
//
//   const emu = await startEmulator({ webhooks: { appUrl: "http://127.0.0.1:3000" } });
//   seedDemoShop(emu.store, { seed: 7 });
//   // app: SHOPIFY_ADMIN_API_URL_TEMPLATE = `${emu.url}/{shop}/admin/api/{version}/graphql.json`
//   // and routeTokenCallsTo(emu.url), so the Shopify library's token refreshes reach it too
//   ...
//   await emu.close();
export { createEmulator, startEmulator, TOKEN_ENDPOINT } from "./server";
export { ACCESS_TOKEN_SECONDS, EmulatorAuth, REFRESH_TOKEN_SECONDS } from "./auth";
export type { AccessTokenResponse, AppCredentials, RefreshRecord, TokenAnswer, TokenCheck } from "./auth";
export { routeTokenCallsTo } from "./token-route.mjs";
export type {
  Emulator,
  EmulatorOptions,
  GraphQLCallOptions,
  RequestLogEntry,
  RunningEmulator,
  StartOptions,
} from "./server";
export {
  DEFAULT_CANCEL_JOB_MS,
  EmulatorStore,
  EmulatorError,
  financialStatus,
  fulfillmentStatus,
  lineItemState,
  orderTotals,
} from "./store";
export type * from "./store";
export { seedDemoShop } from "./seed";
export type { SeedDemoOptions, SeededShop } from "./seed";
export { WebhookSender } from "./webhooks";
export type {
  DeliverOptions,
  DeliveryAttempt,
  DeliveryRecord,
  DeliveryState,
  WebhookSenderOptions,
} from "./webhooks";
export { FaultInjector } from "./faults";
export { DEFAULT_SEARCH_LAG_MS, SearchIndex } from "./search-index";
export type { FaultHit, FaultKind, FaultSpec } from "./faults";
export { LeakyBucket, MAX_SINGLE_QUERY_COST, MUTATION_COST, queryCost } from "./cost";
export type { BucketOptions, ThrottleStatus } from "./cost";
export type { CostExtension, GraphQLRequestBody, GraphQLResponseBody } from "./graphql";
export { renderEventPayload, renderFulfillment, renderOrder, renderRefund } from "./payloads";
export { ADMIN_API_VERSION, loadAdminSchema } from "./schema";
export { manualClock, movableClock, systemClock, gid, parseGid, legacyId } from "./util";
export type { Clock, ManualClock } from "./util";
