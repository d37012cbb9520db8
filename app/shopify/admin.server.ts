// The Admin GraphQL API client: graphql-request, API 2026-10, the shop's offline token (kept
// valid by the Shopify library, offline-access.server.ts; a 401 refreshes it once and retries).
// It paces itself from Shopify's cost reports (extensions.cost.throttleStatus) so it rarely
// meets THROTTLED, retries THROTTLED, 5xx and network failures with backoff and jitter, and
// turns GraphQL errors into typed failures with Shopify's message. A mutation is retried after
// a 5xx or a lost connection only when it is idempotent (sent with @idempotent): otherwise the
// caller decides, since the first attempt may have been applied.
import { ClientError, GraphQLClient } from "graphql-request";

import type { Database } from "../db.server";
import { db } from "../db.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { adminApiPoints, adminApiThrottleWaits } from "../metrics.server";
import { ShopifyError } from "./errors";
import { offlineAccess } from "./offline-access.server";
import { API_VERSION } from "./version";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus };
}

export { ShopifyError, ShopifyUserError } from "./errors";

/** Where a client gets its access token: a fixed one (custom apps, tests), or the shop's
 * offline session, refreshed when it expires and after Shopify refuses it. */
export interface AccessTokenSource {
  current(): Promise<string>;
  /** Shopify answered 401 to `rejected`: a new token, refreshed once. */
  afterRejection(rejected: string): Promise<string>;
}

export interface AdminClientOptions {
  shop: string;
  accessToken: string | AccessTokenSource;
  endpoint: string;
  fetch?: typeof fetch;
  maxAttempts?: number;
  /** How long one request may wait out THROTTLED answers in all. Not counted as failed
   * attempts: a request no larger than the bucket always fits once it refills, so a throttled
   * call is waited out, never reported as a failure. Default 2 min, under the remediation lease. */
  maxThrottleWaitMs?: number;
  /** Milliseconds for the first retry; doubled each time, with jitter. */
  baseDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onCost?: (operation: string, points: number) => void;
  onThrottleWait?: (ms: number) => void;
}

export interface RequestOptions {
  /** Safe to resend after an unknown outcome (e.g. refundCreate with @idempotent). */
  idempotent?: boolean;
  /** Estimated points, for pacing before Shopify has told us the real cost. */
  estimatedCost?: number;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AdminClient {
  private readonly client: GraphQLClient;
  private throttle: ThrottleStatus | null = null;
  private throttleAt = 0;
  /** What each operation cost last time: the best estimate of what it costs next time. */
  private readonly costs = new Map<string, number>();
  private readonly opts: Required<Pick<AdminClientOptions, "maxAttempts" | "maxThrottleWaitMs" | "baseDelayMs" | "sleep" | "now" | "random" | "timeoutMs">> &
    AdminClientOptions;

  constructor(options: AdminClientOptions) {
    this.opts = {
      maxAttempts: 6,
      maxThrottleWaitMs: 120_000,
      baseDelayMs: 250,
      timeoutMs: 30_000,
      sleep: sleeper,
      now: Date.now,
      random: Math.random,
      ...options,
    };
    const baseFetch = options.fetch ?? fetch;
    const timeoutMs = this.opts.timeoutMs;
    this.client = new GraphQLClient(options.endpoint, {
      errorPolicy: "all",
      fetch: (input, init) => baseFetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
    });
  }

  get shop(): string {
    return this.opts.shop;
  }

  /** Points the bucket should hold now, projecting the restore since the last report. */
  availablePoints(): number | null {
    if (!this.throttle) return null;
    const elapsed = (this.opts.now() - this.throttleAt) / 1000;
    return Math.min(
      this.throttle.maximumAvailable,
      this.throttle.currentlyAvailable + elapsed * this.throttle.restoreRate,
    );
  }

  async request<T>(
    operation: string,
    document: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<T> {
    const isMutation = /^\s*mutation\b/.test(document);
    /** The token Shopify refused with 401, until it is replaced; once per request. */
    let rejected: string | null = null;
    let refreshedAfterRejection = false;
    let throttledForMs = 0;
    for (let attempt = 1; ; attempt++) {
      await this.pace(this.costs.get(operation) ?? options.estimatedCost ?? (isMutation ? 10 : 5));
      let token: string;
      try {
        token = await this.token(rejected);
        rejected = null;
      } catch (error) {
        // The refresh's answer was lost or Shopify failed: nothing was sent yet, so try again.
        if (error instanceof ShopifyError && error.retryable && attempt < this.opts.maxAttempts) {
          await this.backoff(attempt, operation, error.message);
          continue;
        }
        throw error;
      }
      let response: Awaited<ReturnType<GraphQLClient["rawRequest"]>>;
      try {
        response = await this.client.rawRequest<unknown>(document, variables, { "X-Shopify-Access-Token": token });
      } catch (error) {
        const status = error instanceof ClientError ? error.response.status : 0;
        // Refused before anything ran (revoked, or expired before its time): one refresh and one
        // retry, never a loop.
        if (status === 401 && !refreshedAfterRejection && typeof this.opts.accessToken !== "string") {
          refreshedAfterRejection = true;
          rejected = token;
          continue;
        }
        const retryable = status === 0 || status === 429 || status >= 500;
        // After a 5xx or a lost connection a mutation may have been applied: only an
        // idempotent one may be resent blindly.
        const safe = !isMutation || options.idempotent || status === 429;
        if (retryable && safe && attempt < this.opts.maxAttempts) {
          await this.backoff(attempt, operation, status ? `HTTP ${status}` : "network error");
          continue;
        }
        throw new ShopifyError(
          status === 401
            ? "HTTP 401: Shopify refused the shop's access token"
            : status
              ? `HTTP ${status}`
              : `network error: ${(error as Error).message}`,
          operation,
          retryable,
          status ? `HTTP_${status}` : "NETWORK",
        );
      }
      this.recordCost(operation, response.extensions);
      const errors = response.errors ?? [];
      if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
        // Nothing ran: Shopify refuses the whole request when the bucket is short, and says
        // what the request would cost; wait until the bucket holds that much. Another client
        // (the app's other process) drew on the same bucket: not a failure, so not an attempt.
        if (throttledForMs < this.opts.maxThrottleWaitMs) {
          throttledForMs += await this.waitForPoints(operation, this.costs.get(operation) ?? options.estimatedCost ?? 10);
          attempt--;
          continue;
        }
        throw new ShopifyError("THROTTLED", operation, true, "THROTTLED");
      }
      if (errors.length > 0) {
        throw new ShopifyError(errors.map((e) => e.message).join("; "), operation, false, "GRAPHQL");
      }
      return response.data as T;
    }
  }

  private token(rejected: string | null): Promise<string> {
    const source = this.opts.accessToken;
    if (typeof source === "string") return Promise.resolve(source);
    return rejected === null ? source.current() : source.afterRejection(rejected);
  }

  private recordCost(operation: string, extensions: unknown) {
    const cost = (extensions as CostExtension | undefined)?.cost;
    if (cost?.throttleStatus) {
      this.throttle = cost.throttleStatus;
      this.throttleAt = this.opts.now();
    }
    // Shopify checks the bucket against the requested cost, before refunding the difference.
    if (typeof cost?.requestedQueryCost === "number") this.costs.set(operation, cost.requestedQueryCost);
    const points = cost?.actualQueryCost;
    if (typeof points === "number") this.opts.onCost?.(operation, points);
  }

  /**
   * Waits until the bucket should hold `cost` points, so the request is not refused. The points
   * are taken from the projection before waiting, so calls made at once on this client queue
   * behind each other instead of all going when the first would fit; Shopify's next report
   * replaces the projection.
   */
  private async pace(cost: number) {
    const available = this.availablePoints();
    if (available === null || !this.throttle) return;
    this.throttle = { ...this.throttle, currentlyAvailable: available - cost };
    this.throttleAt = this.opts.now();
    if (available >= cost) return;
    const ms = Math.ceil(((cost - available) / this.throttle.restoreRate) * 1000);
    this.opts.onThrottleWait?.(ms);
    await this.opts.sleep(ms);
  }

  /** Sleeps until the bucket should hold `cost`; returns how long. */
  private async waitForPoints(operation: string, cost: number): Promise<number> {
    const restore = this.throttle?.restoreRate ?? 50;
    const available = this.availablePoints() ?? 0;
    const ms = Math.ceil((Math.max(cost - available, 1) / restore) * 1000) + Math.floor(this.opts.random() * 100);
    logger.debug({ shop: this.opts.shop, operation, ms }, "throttled by Shopify; waiting");
    this.opts.onThrottleWait?.(ms);
    await this.opts.sleep(ms);
    return ms;
  }

  private async backoff(attempt: number, operation: string, reason: string) {
    const cap = this.opts.baseDelayMs * 2 ** (attempt - 1);
    const ms = Math.floor(cap / 2 + this.opts.random() * (cap / 2)); // "equal jitter"
    logger.warn({ shop: this.opts.shop, operation, attempt, reason, ms }, "Shopify call failed; retrying");
    await this.opts.sleep(ms);
  }
}

export function adminEndpoint(shop: string, template = env().SHOPIFY_ADMIN_API_URL_TEMPLATE): string {
  return template.replace("{shop}", shop).replace("{version}", API_VERSION);
}

/** The shop's offline session as a client's token source. */
export function offlineTokenSource(shop: string, database: Database = db()): AccessTokenSource {
  const access = offlineAccess(database);
  return {
    current: () => access.accessToken(shop),
    afterRejection: (rejected) => access.afterRejection(shop, rejected),
  };
}

const clients = new WeakMap<Database, Map<string, AdminClient>>();

/**
 * The shop's client, with its offline session's token; one per shop per process (and
 * database), so pacing is shared. No installation, or a refresh Shopify refuses, ends the
 * request in a ShopifyError (NO_SESSION, REFRESH_REFUSED).
 */
export async function adminClientFor(shop: string, database: Database = db()): Promise<AdminClient> {
  let byShop = clients.get(database);
  if (!byShop) {
    byShop = new Map();
    clients.set(database, byShop);
  }
  let client = byShop.get(shop);
  if (!client) {
    client = new AdminClient({
      shop,
      accessToken: offlineTokenSource(shop, database),
      endpoint: adminEndpoint(shop),
      onCost: (operation, points) => adminApiPoints.inc({ operation }, points),
      onThrottleWait: (ms) => adminApiThrottleWaits.inc(ms / 1000),
    });
    byShop.set(shop, client);
  }
  return client;
}
