// The emulator itself: store + schema + buckets + faults + webhooks, and the node:http handler
// serving `POST /{shop}/admin/api/{version}/graphql.json` like Shopify's Admin API.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import type { GraphQLSchema } from "graphql";

import type { AppCredentials } from "./auth";
import { EmulatorAuth } from "./auth";
import type { BucketOptions } from "./cost";
import { LeakyBucket } from "./cost";
import { FaultInjector } from "./faults";
import { refusalResponse } from "./refusal";
import type { GraphQLResponseBody } from "./graphql";
import { executeAdminGraphQL, operationNameOf, throttledResponse } from "./graphql";
import type { ResolverContext } from "./resolvers/core";
import { ADMIN_API_VERSION, loadAdminSchema } from "./schema";
import { DEFAULT_SEARCH_LAG_MS, SearchIndex } from "./search-index";
import type { ShopInput } from "./store";
import { EmulatorStore } from "./store";
import type { Clock } from "./util";
import { systemClock } from "./util";
import type { WebhookSenderOptions } from "./webhooks";
import { WebhookSender } from "./webhooks";

export interface EmulatorOptions {
  clock?: Clock;
  /** Leaky bucket per shop (default 2000 points, 100 points/s restore). */
  bucket?: BucketOptions;
  webhooks?: WebhookSenderOptions;
  /** job(id) polls until an orderCancel job is done (default 1: the first poll). */
  jobPollsUntilDone?: number;
  /** How long an orderCancel job runs, on `clock` (default DEFAULT_CANCEL_JOB_MS, store.ts). */
  cancelJobMs?: number;
  /** Also complete pending jobs this many real ms after the request that created them (null: only by polling). */
  jobAutoCompleteMs?: number | null;
  /** Shops to create up front. */
  shops?: ShopInput[];
  /** How long after a write search (`orders(query:)`, `draftOrders(query:)`) sees it, on
   * `clock` (default DEFAULT_SEARCH_LAG_MS; 0: search is live, unlike Shopify). */
  searchLagMs?: number;
  /** The app's client id and secret, checked on token refreshes (default: SHOPIFY_API_KEY and
   * SHOPIFY_API_SECRET from the environment, as the app reads them). */
  app?: AppCredentials;
}

export interface RequestLogEntry {
  shop: string;
  apiVersion: string;
  operationName: string | null;
  status: number;
  fault: string | null;
  body: GraphQLResponseBody | null;
}

export interface GraphQLCallOptions {
  operationName?: string;
  /** Skip the bucket (seeding helpers, assertions). */
  unmetered?: boolean;
}

export interface Emulator {
  readonly store: EmulatorStore;
  /** Expiring offline tokens: install, refresh with rotation, expiry on the emulator's clock. */
  readonly auth: EmulatorAuth;
  readonly webhooks: WebhookSender;
  readonly faults: FaultInjector;
  readonly clock: Clock;
  readonly schema: GraphQLSchema;
  readonly requests: RequestLogEntry[];
  readonly search: SearchIndex;
  bucket(shop: string): LeakyBucket;
  /** In-process Admin GraphQL call (cost and throttling apply; faults do not). */
  graphql(
    shop: string,
    query: string,
    variables?: Record<string, unknown>,
    options?: GraphQLCallOptions,
  ): Promise<GraphQLResponseBody>;
  /** node:http request handler. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Clears shops, buckets, faults, request and delivery logs. */
  reset(): void;
}

const ROUTE = /^\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/;
const TOKEN_ROUTE = /^\/([^/]+)\/admin\/oauth\/access_token$/;
/** The name token-endpoint faults are injected under (faults.inject({ operationName })). */
export const TOKEN_ENDPOINT = "oauth/access_token";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock;
  const store = new EmulatorStore({ clock, jobPollsUntilDone: options.jobPollsUntilDone, cancelJobMs: options.cancelJobMs });
  const webhooks = new WebhookSender({ clock, ...options.webhooks });
  webhooks.attach(store);
  const faults = new FaultInjector();
  const auth = new EmulatorAuth(
    clock,
    options.app ?? { clientId: process.env.SHOPIFY_API_KEY ?? "", clientSecret: process.env.SHOPIFY_API_SECRET ?? "" },
  );
  const schema = loadAdminSchema();
  const buckets = new Map<string, LeakyBucket>();
  const requests: RequestLogEntry[] = [];
  const hung = new Set<ServerResponse>();
  const search = new SearchIndex(clock, options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS);
  for (const shop of options.shops ?? []) store.createShop(shop);

  const bucket = (shop: string): LeakyBucket => {
    let b = buckets.get(shop);
    if (!b) {
      b = new LeakyBucket(clock, options.bucket);
      buckets.set(shop, b);
    }
    return b;
  };

  const contextFor = (domain: string): ResolverContext => {
    const shop = store.shop(domain);
    store.runDueJobs(domain);
    // Every request is a look at the shop: writes since the previous one start indexing.
    search.observe(shop);
    return { store, shop, domain, search };
  };

  const scheduleJobs = (domain: string): void => {
    const ms = options.jobAutoCompleteMs;
    if (ms === undefined || ms === null || !store.hasShop(domain)) return;
    const pending = [...store.shop(domain).jobs.values()].filter((j) => !j.done);
    if (pending.length === 0) return;
    setTimeout(() => {
      for (const j of pending)
        if (store.hasShop(domain) && !j.done) store.completeJob(domain, j.id);
    }, ms).unref();
  };

  const graphql: Emulator["graphql"] = async (shop, query, variables, callOptions) => {
    const result = await executeAdminGraphQL({
      schema,
      bucket: callOptions?.unmetered
        ? new LeakyBucket(clock, { maximumAvailable: 1e9, restoreRate: 1e9 })
        : bucket(shop),
      context: contextFor(shop),
      body: { query, variables, operationName: callOptions?.operationName },
    });
    scheduleJobs(shop);
    return result;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    if (req.method === "GET" && url.pathname === "/health") {
      sendJson(res, 200, { ok: true });
      return;
    }
    const tokenRoute = TOKEN_ROUTE.exec(url.pathname);
    if (tokenRoute?.[1] && req.method === "POST") {
      await exchangeToken(decodeURIComponent(tokenRoute[1]), req, res);
      return;
    }
    const route = ROUTE.exec(url.pathname);
    if (!route?.[1] || !route[2]) {
      sendJson(res, 404, { errors: "Not Found" });
      return;
    }
    const shop = decodeURIComponent(route[1]);
    const apiVersion = route[2];
    if (req.method !== "POST") {
      sendJson(res, 405, { errors: "Method Not Allowed" });
      return;
    }
    const token = req.headers["x-shopify-access-token"];
    const log = (
      status: number,
      operationName: string | null,
      fault: string | null,
      body: GraphQLResponseBody | null,
    ) => requests.push({ shop, apiVersion, operationName, status, fault, body });
    if (!store.hasShop(shop)) {
      log(404, null, null, null);
      sendJson(res, 404, { errors: "Not Found" });
      return;
    }
    // A shop's non-expiring tokens (ShopInput.accessToken: custom apps, apps not yet migrated)
    // or an expiring one still in its hour; anything else is refused like Shopify does.
    const valid =
      typeof token === "string" && (store.shop(shop).accessTokens.has(token) || auth.check(shop, token) === "valid");
    if (!valid) {
      log(401, null, null, null);
      sendJson(res, 401, {
        errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
      });
      return;
    }
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      log(400, null, null, null);
      sendJson(res, 400, { errors: "Bad Request: invalid JSON" });
      return;
    }
    const operationName = operationNameOf(body);
    const headers = {
      "X-Shopify-API-Version": apiVersion === ADMIN_API_VERSION ? apiVersion : ADMIN_API_VERSION,
      "X-Request-Id": crypto.randomUUID(),
    };
    const fault = faults.take(shop, operationName);
    if (fault?.kind === "http5xx") {
      log(fault.status, operationName, fault.kind, null);
      sendJson(res, fault.status, { errors: "Internal Server Error" }, headers);
      return;
    }
    if (fault?.kind === "hang") {
      // Never answer; the client's timeout is what is being tested. close() ends it.
      log(0, operationName, fault.kind, null);
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    if (fault?.kind === "refuse") {
      const refused = refusalResponse(String((body as { query?: unknown }).query ?? ""), operationName, fault.message);
      log(200, operationName, fault.kind, refused);
      sendJson(res, 200, refused, headers);
      return;
    }
    if (fault?.kind === "throttle") {
      const throttled = throttledResponse(bucket(shop), 0);
      log(200, operationName, fault.kind, throttled);
      sendJson(res, 200, throttled, headers);
      return;
    }
    const result = await executeAdminGraphQL({
      schema,
      bucket: bucket(shop),
      context: contextFor(shop),
      body,
    });
    scheduleJobs(shop);
    if (fault?.kind === "dropAfterApply") {
      // The mutation ran and its effects stay; the client never sees the answer.
      log(0, operationName, fault.kind, result);
      req.socket.destroy();
      return;
    }
    log(200, operationName, null, result);
    sendJson(res, 200, result, headers);
  }

  /** `POST https://{shop}/admin/oauth/access_token`: the refresh-token exchange. */
  async function exchangeToken(shop: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let fields: Record<string, unknown>;
    try {
      fields = (req.headers["content-type"] ?? "").includes("application/json")
        ? (JSON.parse(raw) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      sendJson(res, 400, { error: "invalid_request", error_description: "Malformed body" });
      return;
    }
    const fault = faults.takeNamed(shop, TOKEN_ENDPOINT);
    if (fault?.kind === "http5xx") {
      sendJson(res, fault.status, { errors: "Internal Server Error" });
      return;
    }
    if (!store.hasShop(shop)) {
      sendJson(res, 404, { errors: "Not Found" });
      return;
    }
    const answer = auth.exchange(shop, fields);
    if (fault?.kind === "dropAfterApply") {
      // Shopify rotated the pair; the app never hears the answer.
      req.socket.destroy();
      return;
    }
    sendJson(res, answer.status, answer.body);
  }

  return {
    store,
    auth,
    webhooks,
    faults,
    clock,
    schema,
    requests,
    search,
    bucket,
    graphql,
    handler: (req, res) => {
      handle(req, res).catch((error: unknown) => {
        console.error("shopify-emulator: request failed", error);
        if (!res.headersSent) sendJson(res, 500, { errors: "Internal Server Error" });
        else res.destroy();
      });
    },
    reset: () => {
      store.reset();
      auth.reset();
      buckets.clear();
      faults.clear();
      requests.length = 0;
      search.forget();
      webhooks.clear();
      for (const res of hung) res.destroy();
      hung.clear();
      for (const shop of options.shops ?? []) store.createShop(shop);
    },
  };
}

export interface StartOptions extends EmulatorOptions {
  port?: number;
  host?: string;
}

export interface RunningEmulator extends Emulator {
  /** e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** The Admin GraphQL URL for a shop: `${url}/${shop}/admin/api/${version}/graphql.json`. */
  graphqlUrl(shop: string, version?: string): string;
  close(): Promise<void>;
}

export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const emulator = createEmulator({ jobAutoCompleteMs: 250, ...options });
  const server = createServer(emulator.handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
  return Object.assign(emulator, {
    url,
    port: address.port,
    server,
    graphqlUrl: (shop: string, version = ADMIN_API_VERSION) =>
      `${url}/${shop}/admin/api/${version}/graphql.json`,
    close: async () => {
      emulator.webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
