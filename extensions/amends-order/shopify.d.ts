// The `shopify` global each target module sees, in the form `shopify app dev` generates
// (contributeToSharedTypeFile in @shopify/cli): one declaration per module, typed with the API
// of the target(s) that load it. Modules shared by several targets take what they need as
// arguments instead of reading the global.
import "@shopify/ui-extensions/preact";
import type { Api as MenuItemApi } from "@shopify/ui-extensions/customer-account.order.action.menu-item.render";
import type { Api as ActionApi } from "@shopify/ui-extensions/customer-account.order.action.render";
import type { Api as StatusBlockApi } from "@shopify/ui-extensions/customer-account.order-status.block.render";

declare module "./src/ReportMenuItem.tsx" {
  const shopify: MenuItemApi;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/ReportAction.tsx" {
  const shopify: ActionApi;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/StatusBlock.tsx" {
  const shopify: StatusBlockApi;
  const globalThis: { shopify: typeof shopify };
}

declare global {
  // Inlined at build time (build.mjs), as the Shopify CLI inlines the app's URL as APP_URL.
  const process: { env: { APP_URL: string } };
}
