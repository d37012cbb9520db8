// The app's access to each shop, as Shopify grants it to a public app: expiring offline access
// tokens (shopify.dev "About offline access tokens", "Use expiring offline access tokens").
//   - install: an access token valid 60 minutes (`expires_in: 3600`) and a refresh token valid
//     90 days;
//   - `POST /admin/oauth/access_token` with `grant_type=refresh_token`, the app's client id and
//     secret: a new access token AND a new refresh token (rotation);
//   - the refresh token just used stays usable until its replacement is first used, for at most
//     30 days from its first use and never past its own 90 days (changelog "More resilient
//     refreshes for expiring offline access tokens", Aug 2026), so a lost answer is recoverable;
//   - an expired or unknown access token is refused by the Admin API with 401.
// A refused refresh answers 400 `invalid_grant`, as OAuth 2.0 (RFC 6749 §5.2) and Shopify do.
import { randomBytes } from "node:crypto";

import type { Clock } from "./util";

export const ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 90 * 86_400;
const PREVIOUS_KEPT_MS = 30 * 86_400_000;

export interface AccessTokenResponse {
  access_token: string;
  scope: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenAnswer {
  status: number;
  body: AccessTokenResponse | { error: string; error_description: string };
}

/** One refresh Shopify answered, for tests to count and inspect. */
export interface RefreshRecord {
  shop: string;
  at: number;
  /** The refresh token had been used before: an app recovering a lost answer. */
  reusedPrevious: boolean;
}

interface AccessTokenRecord {
  shop: string;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  shop: string;
  scope: string;
  expiresAt: number;
  /** The refresh token this one replaced: retired when this one is first used. */
  replaced: string | null;
  firstUsedAt: number | null;
  retired: boolean;
}

export type TokenCheck = "valid" | "expired" | "unknown";

export class EmulatorAuth {
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly refreshLog: RefreshRecord[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly app: AppCredentials,
  ) {}

  /** What the app receives when the merchant installs it (token exchange with `expiring=1`). */
  install(shop: string, scope = "write_orders,write_discounts,write_draft_orders,read_products"): AccessTokenResponse {
    return this.issue(shop, scope, null);
  }

  check(shop: string, accessToken: string): TokenCheck {
    const record = this.accessTokens.get(accessToken);
    if (!record || record.shop !== shop || record.revoked) return "unknown";
    return this.clock.now() < record.expiresAt ? "valid" : "expired";
  }

  /** Revokes an access token before its time (the merchant changed something, a leak). */
  revoke(accessToken: string): void {
    const record = this.accessTokens.get(accessToken);
    if (record) record.revoked = true;
  }

  /** The body of `POST https://{shop}/admin/oauth/access_token` (JSON or form fields). */
  exchange(shop: string, fields: Record<string, unknown>): TokenAnswer {
    const refuse = (status: number, error: string, description: string): TokenAnswer => ({
      status,
      body: { error, error_description: description },
    });
    if (fields.grant_type !== "refresh_token") {
      return refuse(400, "unsupported_grant_type", "Only refresh_token is supported here");
    }
    if (fields.client_id !== this.app.clientId || fields.client_secret !== this.app.clientSecret || !this.app.clientSecret) {
      return refuse(401, "invalid_client", "Client authentication failed");
    }
    const token = typeof fields.refresh_token === "string" ? fields.refresh_token : "";
    const record = this.refreshTokens.get(token);
    const now = this.clock.now();
    if (
      !record ||
      record.shop !== shop ||
      record.retired ||
      now >= record.expiresAt ||
      (record.firstUsedAt !== null && now >= record.firstUsedAt + PREVIOUS_KEPT_MS)
    ) {
      return refuse(400, "invalid_grant", "Token has been expired or revoked.");
    }
    const reusedPrevious = record.firstUsedAt !== null;
    record.firstUsedAt ??= now;
    // Using a replacement retires the token it replaced.
    if (record.replaced) {
      const before = this.refreshTokens.get(record.replaced);
      if (before) before.retired = true;
    }
    this.refreshLog.push({ shop, at: now, reusedPrevious });
    return { status: 200, body: this.issue(shop, record.scope, token) };
  }

  /** Refreshes Shopify answered for the shop. */
  refreshes(shop: string): number {
    return this.refreshLog.filter((r) => r.shop === shop).length;
  }

  reset(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.refreshLog.length = 0;
  }

  private issue(shop: string, scope: string, replaced: string | null): AccessTokenResponse {
    const now = this.clock.now();
    const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    this.accessTokens.set(accessToken, { shop, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000, revoked: false });
    this.refreshTokens.set(refreshToken, {
      shop,
      scope,
      expiresAt: now + REFRESH_TOKEN_SECONDS * 1000,
      replaced,
      firstUsedAt: null,
      retired: false,
    });
    return {
      access_token: accessToken,
      scope,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
    };
  }
}
