// Points the Shopify library's token calls at the emulator. The library sends them to
// `https://{shop}/admin/oauth/access_token` through its abstract fetch (setAbstractFetchFunc,
// @shopify/shopify-api/runtime); this wraps that fetch so those calls, and only those, go to
// `${emulatorUrl}/{shop}/admin/oauth/access_token`. The app's code stays what runs in production.
// Plain ESM (with token-route.d.mts) so the demo can preload it into the app's worker process.
// The library's own adapter first, so its fetch is what gets wrapped (and is not set again later).
import "@shopify/shopify-api/adapters/web-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

const TOKEN_PATH = "/admin/oauth/access_token";

/** Routes the library's token calls to the emulator; returns what undoes it. */
export function routeTokenCallsTo(emulatorUrl) {
  const original = abstractFetch;
  setAbstractFetchFunc((input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname !== TOKEN_PATH) return original(input, init);
    return original(`${emulatorUrl}/${url.host}${TOKEN_PATH}`, init);
  });
  return () => setAbstractFetchFunc(original);
}
