// The one place the Shopify app is configured; routes import what they need from here.
import "@shopify/shopify-app-remix/server/adapters/node";
import {
  AppDistribution,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";

import { API_VERSION } from "./shopify/version";
import type { LibraryGraphql } from "./shopify/shop.server";
import { readShopProfile } from "./shopify/shop.server";
import { recordInstall } from "./models/shop.server";

import { db } from "./db.server";
import { env } from "./env.server";


export { API_VERSION };

const config = env();

/** After each install or re-authorisation: the shop's profile (currency, zone, country, locale,
 * name, contact e-mail), read from Shopify so nothing assumes USD, UTC or English. */
export async function afterAuth({ session, admin }: { session: { shop: string }; admin: { graphql: LibraryGraphql } }) {
  await recordInstall(db(), session.shop, await readShopProfile(admin.graphql));
}

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db()),
  distribution: AppDistribution.AppStore,
  // Online sessions name the signed-in staff member (associated_user: id, name, e-mail, account
  // owner), so every admin action records who took it and approval limits apply per person.
  // The offline session is still stored: background work (webhooks, sweeps) uses it.
  useOnlineTokens: true,
  hooks: { afterAuth },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
