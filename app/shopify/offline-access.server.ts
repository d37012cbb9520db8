// Background work's access to a shop (webhook processing, the due sweep, automatic remediation,
// approvals): the shop's offline session, kept valid by the Shopify library. Expiring offline
// tokens last 60 minutes; within 5 minutes of expiry (the library's own margin, as in
// ensure-offline-token-is-not-expired.ts) the refresh token is exchanged through
// `api.auth.refreshToken` — the call under `unauthenticated.admin` — and the library's session
// storage writes the new pair in one row (both tokens, both expiries).
//
// Not `unauthenticated.admin(shop)` itself: it refreshes once per concurrent caller (N calls
// after expiry would send N refreshes, each rotating the pair), cannot refresh a token Shopify
// refused before its time (401), is bound to the app's one database, and fails with a bare
// 500 Response. Here: one refresh per shop at a time in this process, a refresh after a 401,
// the database the caller works on, and typed ShopifyErrors the callers already surface.
import "@shopify/shopify-api/adapters/web-api";
import type { Session } from "@shopify/shopify-api";
import { HttpResponseError, HttpRetriableError, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";

import type { Database } from "../db.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { ShopifyError } from "./errors";
import { API_VERSION } from "./version";

/** Refresh this long before the token's expiry, as the library does. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

type ShopifyApi = ReturnType<typeof shopifyApi>;

let api: ShopifyApi | undefined;

/** The library's API object for this app (shopifyApp in shopify.server.ts keeps its own inside). */
function libraryApi(): ShopifyApi {
  if (!api) {
    const config = env();
    const appUrl = new URL(config.SHOPIFY_APP_URL);
    api = shopifyApi({
      apiKey: config.SHOPIFY_API_KEY,
      apiSecretKey: config.SHOPIFY_API_SECRET,
      apiVersion: API_VERSION,
      scopes: config.SCOPES.split(","),
      hostName: appUrl.host,
      hostScheme: appUrl.protocol === "http:" ? "http" : "https",
      isEmbeddedApp: true,
      ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
      // The library's warnings and errors, into our logs; its info lines are noise here.
      logger: { level: LogSeverity.Warning, log: async (_severity, message) => logger.warn({ source: "shopify-api" }, message) },
    });
  }
  return api;
}

export class OfflineAccess {
  private readonly storage: PrismaSessionStorage<Database>;
  private readonly refreshing = new Map<string, Promise<Session>>();

  constructor(database: Database) {
    this.storage = new PrismaSessionStorage(database);
  }

  /** An access token for the shop, refreshed first when it has expired or is about to. */
  async accessToken(shop: string): Promise<string> {
    const session = await this.load(shop);
    if (!session.isExpired(REFRESH_MARGIN_MS)) return session.accessToken ?? "";
    return (await this.refresh(shop, session.accessToken)).accessToken ?? "";
  }

  /**
   * Shopify refused `rejected` (401: revoked or expired early). Refreshes once — unless another
   * caller already replaced it, whose token is then the answer.
   */
  async afterRejection(shop: string, rejected: string): Promise<string> {
    return (await this.refresh(shop, rejected, true)).accessToken ?? "";
  }

  private async load(shop: string): Promise<Session> {
    const session = await this.storage.loadSession(libraryApi().session.getOfflineId(shop));
    if (!session?.accessToken) {
      throw new ShopifyError("no offline session: the app is not installed", "session", false, "NO_SESSION");
    }
    return session;
  }

  /** Single flight per shop: whoever comes while a refresh is under way gets its result. */
  private refresh(shop: string, stale: string | undefined, rejected = false): Promise<Session> {
    let flight = this.refreshing.get(shop);
    if (!flight) {
      flight = this.exchange(shop, stale, rejected).finally(() => this.refreshing.delete(shop));
      this.refreshing.set(shop, flight);
    }
    return flight;
  }

  private async exchange(shop: string, stale: string | undefined, rejected: boolean): Promise<Session> {
    // Read again: another process (the app server, the worker) may have refreshed meanwhile,
    // and the stored refresh token is the one to use — after a lost answer, the previous one,
    // which Shopify still accepts.
    const session = await this.load(shop);
    const replaced = session.accessToken !== stale;
    if (!session.isExpired(REFRESH_MARGIN_MS) && (replaced || !rejected)) return session;
    const refusal = (why: string) =>
      new ShopifyError(`${why}: open Amends from Shopify admin to reconnect it`, "access token", false, "REFRESH_REFUSED");
    if (!session.refreshToken) throw refusal("it has expired and there is no refresh token");
    if (session.refreshTokenExpires && session.refreshTokenExpires.getTime() <= Date.now()) {
      throw refusal("its refresh token has expired");
    }
    let fresh: Session;
    try {
      ({ session: fresh } = await libraryApi().auth.refreshToken({ shop, refreshToken: session.refreshToken }));
    } catch (error) {
      if (error instanceof HttpResponseError && !(error instanceof HttpRetriableError)) {
        const body = error.response.body as { error?: string; error_description?: string } | undefined;
        throw refusal(`Shopify refused to refresh it (HTTP ${error.response.code} ${body?.error ?? ""})`.replace(" )", ")"));
      }
      // A 5xx, 429 or lost connection: Shopify may have rotated the pair, and the stored
      // (previous) refresh token still works for the next attempt.
      throw new ShopifyError(`the refresh failed: ${(error as Error).message}`, "access token", true, "REFRESH_FAILED");
    }
    await this.storage.storeSession(fresh);
    logger.info({ shop, expires: fresh.expires?.toISOString() }, "refreshed the shop's offline access token");
    return fresh;
  }
}

const byDatabase = new WeakMap<Database, OfflineAccess>();

/** One per database in a process, so refreshes of a shop are single-flight across callers. */
export function offlineAccess(database: Database): OfflineAccess {
  let access = byDatabase.get(database);
  if (!access) {
    access = new OfflineAccess(database);
    byDatabase.set(database, access);
  }
  return access;
}
