// Preloaded into the demo app's worker process (NODE_OPTIONS=--import, set by scripts/demo.ts):
// the Shopify library's token refreshes go to the demo's local store, as in the demo process.
import { routeTokenCallsTo } from "../tests/shopify-emulator/token-route.mjs";

if (process.env.AMENDS_DEMO_STORE_URL) routeTokenCallsTo(process.env.AMENDS_DEMO_STORE_URL);
