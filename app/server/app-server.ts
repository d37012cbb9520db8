// Amends' production server. Webhooks, /healthz and /metrics are answered here, on node:http,
// without the Remix request pipeline (which costs ~90 % of a bare server's throughput here, see
// bench/RESULTS.md); everything else goes to the Remix app through Express, as remix-serve does.
import type { IncomingMessage, ServerResponse } from "node:http";
import http from "node:http";

import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";

import { healthCheck, metricsText } from "../health.server";
import { logger } from "../logger.server";
import { metricsAccess } from "../metrics.server";
import { readRequestBody } from "../webhooks/body.server";
import type { WebhookRuntime } from "../webhooks/runtime.server";
import { serverLimits, webhookRuntime } from "../webhooks/runtime.server";
import { watchIntake } from "./intake-watch";
import type { Supervisor } from "./supervisor";
import { noWorker, startWorkerProcess } from "./worker-process";

export interface AppServer {
  server: http.Server;
  runtime: WebhookRuntime;
  /** Stops accepting, finishes the requests in flight and what they stored, stops the worker. */
  close(): Promise<void>;
  /** Runs the due sweep in the worker now (the demo). */
  sweep(): Promise<void>;
  /** The webhook worker's supervisor; null with AMENDS_WORKER=off. */
  worker: Supervisor | null;
}

export interface AppServerOptions {
  /** The Remix server build (build/server/index.js), for every page and route but the three
   * answered here. */
  build: ServerBuild;
  /** The folder of static files served as they are (public/). */
  publicDirectory: string;
}

/** The request's path as routing sees it: decoded, lower case, without a trailing slash or
 * repeated slashes. */
export function pathOf(url: string): string {
  let pathname = url.split("?", 1)[0]!.split("#", 1)[0]!;
  // A request line may carry an absolute URL (http://host/webhooks), which Remix also routes.
  if (!pathname.startsWith("/")) {
    try {
      pathname = new URL(url).pathname;
    } catch {
      // Not a URL: compared as sent.
    }
  }
  try {
    pathname = decodeURIComponent(pathname);
  } catch {
    // Not decodable: compared as sent.
  }
  return pathname.toLowerCase().replace(/\/{2,}/g, "/").replace(/(.)\/+$/, "$1");
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as { status?: number }).status : undefined;
}

/** How long a refused connection stays half-closed, its input unread, before it is closed. */
const LINGER_MS = 2_000;

/**
 * Answers and closes the connection without reading the rest of the request. Closing a socket
 * whose input is unread makes the kernel reset the connection, and the reset can reach a sender
 * still writing its body before it has read the answer (seen: about 1 chunked 413 in 100 arrived
 * as nothing). So the answer goes out followed by FIN, and the socket is closed LINGER_MS later,
 * as nginx's lingering close does. Node half-closes a "Connection: close" response through
 * socket.destroySoon(), which destroys it as soon as the answer is out: that one step is replaced
 * for this socket.
 */
function refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  const socket = res.socket;
  if (socket) {
    socket.destroySoon = () => {
      socket.end();
      const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
      socket.once("close", () => clearTimeout(timer));
    };
  }
  res.writeHead(status, { "Content-Type": "text/plain", Connection: "close", ...headers });
  res.end(text);
}

export async function createAppServer({ build, publicDirectory }: AppServerOptions): Promise<AppServer> {
  // AMENDS_WORKER=off: deliveries are only stored (another host's worker, or a measurement).
  const worker = process.env.AMENDS_WORKER === "off" ? noWorker : await startWorkerProcess(logger);
  const runtime = webhookRuntime(() => worker.kick());
  const watch = watchIntake(runtime.intake, worker);

  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDirectory, { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

  const limits = serverLimits();
  const server = http.createServer(
    {
      // A client that sends its headers or its request slowly is answered 408 and let go, checked
      // every second (Node's default looks every 30 s).
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      const url = req.url ?? "/";
      const pathname = pathOf(url);
      // Every spelling of /webhooks (case, trailing slash, query, encoding) reaches the one
      // intake and its limit, never the Remix route.
      if (pathname === "/webhooks") return webhook(req, res);
      if (req.method === "GET" && url === "/healthz")
        return answer(res, healthCheck({ workerRunning: worker.running() }), "application/json");
      if (pathname === "/metrics") return metrics(req, res);
      // Nothing else Amends serves takes a body near the webhook limit.
      if (Number(req.headers["content-length"]) > limits.maxBody) return tooLarge(res);
      return void app(req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  // Beyond this many connections at once, new ones are closed as they arrive.
  server.maxConnections = limits.maxConnections;

  function metrics(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "GET") return res.writeHead(405).end("Method not allowed");
    if (!metricsAccess(req.headers.authorization)) {
      return res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="metrics"' }).end("Unauthorized");
    }
    return worker
      .metrics()
      .then((others) => metricsText(others))
      .then(
        ({ contentType, body }) => res.writeHead(200, { "Content-Type": contentType }).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
  }

  function tooLarge(res: ServerResponse) {
    refuse(res, 413, "Payload too large");
  }

  function webhook(req: IncomingMessage, res: ServerResponse) {
    // Not a POST: answered before any of the body is read.
    if (req.method !== "POST") {
      return refuse(res, 405, "Method not allowed", { Allow: "POST" });
    }
    readRequestBody(req, {
      limit: limits.maxBody,
      deadlineMs: limits.bodyDeadlineMs,
      declaredLength: req.headers["content-length"],
    }).then(
      (body) => {
        const headers = req.headers;
        return runtime.intake
          .receive({
            method: req.method ?? "GET",
            header: (name) => {
              const value = headers[name.toLowerCase()];
              return Array.isArray(value) ? value[0] : value;
            },
            body,
          })
          .then(
            ({ status, body }) => res.writeHead(status, { "Content-Type": "text/plain" }).end(body),
            () => res.writeHead(503).end("Could not store the delivery; please retry"),
          );
      },
      (error: unknown) => {
        if (res.headersSent || res.destroyed) return;
        const status = statusOf(error);
        if (status === 413) return tooLarge(res);
        // Too slow (408), or the client went away mid-body: nothing to store.
        refuse(res, status === 408 ? 408 : 400, status === 408 ? "Request timeout" : "Bad request");
      },
    );
  }

  function answer(res: ServerResponse, promise: Promise<{ status: number; body: string }>, contentType: string) {
    promise.then(
      ({ status, body }) => res.writeHead(status, { "Content-Type": contentType }).end(body),
      (error: unknown) => {
        // The error's text (a database's, a file path) is for the log, not a public answer.
        logger.error({ err: error, url: res.req?.url }, "request failed");
        res.writeHead(500).end("Internal error; see the app's log");
      },
    );
  }

  async function close() {
    clearInterval(watch);
    // Stop accepting, let requests in flight finish (their deliveries are being stored), and
    // drop idle keep-alive connections so close() does not wait on them.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections?.();
    await closed;
    await runtime.intake.drain();
    await worker.stop();
  }

  return { server, runtime, close, sweep: () => worker.sweep(), worker: worker.supervisor };
}

