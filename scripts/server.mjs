#!/usr/bin/env node
// Amends' production server. Webhooks, /healthz and /metrics are answered here, on node:http,
// without the Remix request pipeline (which costs ~90 % of a bare server's throughput here, see
// bench/RESULTS.md); everything else goes to the Remix app through Express, as remix-serve does.
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

import { superviseProcess } from "./worker-supervisor.mjs";
import { prepareProductionStart } from "./production-start.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildPath = path.resolve(root, process.env.AMENDS_BUILD ?? "build/server/index.js");

/** Starts the webhook worker (scripts/worker.mjs) at a lower priority than this process, under
 * a supervisor that restarts it if it exits (scripts/worker-supervisor.mjs). */
async function startWorker(log) {
  const supervisor = await superviseProcess({ script: path.join(root, "scripts/worker.mjs"), name: "webhook worker", log });
  let pending = false;
  let asked = 0;
  const current = () => {
    const worker = supervisor.process;
    return worker?.connected ? worker : null;
  };
  return {
    supervisor,
    running: () => supervisor.running(),
    stop: () => supervisor.stop(),
    /** Runs the due sweep now and resolves when it and the remediation it started are done. */
    sweep() {
      const worker = current();
      if (!worker) return Promise.reject(new Error("the webhook worker is not running; it is being restarted"));
      return new Promise((resolve, reject) => {
        const onExit = () => {
          worker.off("message", onMessage);
          reject(new Error("the webhook worker exited during the sweep"));
        };
        const onMessage = (message) => {
          if (message?.type !== "swept") return;
          worker.off("message", onMessage);
          worker.off("exit", onExit);
          resolve();
        };
        worker.on("message", onMessage);
        worker.once("exit", onExit);
        worker.send("sweep");
      });
    },
    /** The worker's metrics (deliveries processed, lag, incidents opened), or none within 1 s. */
    metrics() {
      const worker = current();
      if (!worker) return Promise.resolve([]);
      const id = ++asked;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          worker.off("message", onMessage);
          resolve([]);
        }, 1000);
        function onMessage(message) {
          if (message?.type !== "metrics" || message.id !== id) return;
          clearTimeout(timer);
          worker.off("message", onMessage);
          resolve([message.metrics]);
        }
        worker.on("message", onMessage);
        worker.send({ type: "metrics", id });
      });
    },
    pause() {
      current()?.send("pause");
    },
    resume() {
      current()?.send("resume");
    },
    // Many stores in a burst wake the worker once. While it is down, nothing to wake: the
    // restarted worker takes up what was stored meanwhile.
    kick() {
      if (pending || !current()) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        current()?.send("kick");
      }, 20).unref();
    },
  };
}

// While the intake is saturated, the worker holds off: on a small machine its processing, and
// its transactions holding SQLite's write lock, come straight out of the intake's throughput
// (bench/RESULTS.md). Saturated: the delivery store had a write in hand at least half of the
// last 100 ms, i.e. deliveries arrive about as fast as they can be stored; a few a second keep it
// busy ~1 % of the time. The deliveries are stored, so the worker catches up after the burst.
// A burst that goes on does not starve it: after MAX_PAUSE it works again for
// RUN_AFTER_MAX_PAUSE before it may be paused again.
const WATCH_EVERY = 100;
const SATURATED = 0.5;
const CALM_FOR = 1_000;
const MAX_PAUSE = 30_000;
const RUN_AFTER_MAX_PAUSE = 5_000;

function watchIntake(intake, worker) {
  let lastWrite = intake.writeTime();
  let pausedAt = null;
  let calmSince = null;
  let mayPauseAt = 0;
  return setInterval(() => {
    const now = performance.now();
    const write = intake.writeTime();
    const saturated = (write - lastWrite) / WATCH_EVERY >= SATURATED;
    lastWrite = write;
    if (pausedAt === null) {
      if (saturated && now >= mayPauseAt) {
        pausedAt = now;
        calmSince = null;
        worker.pause();
      }
      return;
    }
    calmSince = saturated ? null : (calmSince ?? now);
    const calm = calmSince !== null && now - calmSince >= CALM_FOR;
    if (calm || now - pausedAt >= MAX_PAUSE) {
      if (!calm) mayPauseAt = now + RUN_AFTER_MAX_PAUSE;
      pausedAt = null;
      worker.resume();
    }
  }, WATCH_EVERY).unref();
}

/** The request's path as routing sees it: decoded, lower case, without a trailing slash or
 * repeated slashes. */
export function pathOf(url) {
  let pathname = url.split("?", 1)[0].split("#", 1)[0];
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

export async function createServer() {
  const build = await import(pathToFileURL(buildPath).href);
  const entry = build.entry.module;
  // AMENDS_WORKER=off: deliveries are only stored (another host's worker, or a measurement).
  const worker =
    process.env.AMENDS_WORKER === "off"
      ? {
          kick() {},
          pause() {},
          resume() {},
          sweep: () => Promise.resolve(),
          metrics: () => Promise.resolve([]),
          running: () => undefined,
          stop: () => Promise.resolve(),
          supervisor: null,
        }
      : await startWorker(entry.logger);
  const runtime = entry.webhookRuntime(() => worker.kick());
  const watch = watchIntake(runtime.intake, worker);

  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use(
    build.publicPath,
    express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }),
  );
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

  const limits = entry.serverLimits();
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
        return answer(res, entry.healthCheck({ workerRunning: worker.running() }), "application/json");
      if (pathname === "/metrics") return metrics(req, res);
      // Nothing else Amends serves takes a body near the webhook limit.
      if (Number(req.headers["content-length"]) > limits.maxBody) return tooLarge(res);
      return app(req, res);
    },
  );
  server.keepAliveTimeout = 65_000;
  // Beyond this many connections at once, new ones are closed as they arrive.
  server.maxConnections = limits.maxConnections;

  function metrics(req, res) {
    if (req.method !== "GET") return res.writeHead(405).end("Method not allowed");
    if (!entry.metricsAccess(req.headers.authorization)) {
      return res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="metrics"' }).end("Unauthorized");
    }
    return worker
      .metrics()
      .then((others) => entry.metricsText(others))
      .then(
        ({ contentType, body }) => res.writeHead(200, { "Content-Type": contentType }).end(body),
        (error) => res.writeHead(500).end(String(error)),
      );
  }

  function tooLarge(res) {
    // The rest of the body is not read: the connection closes once the answer is out.
    res.writeHead(413, { "Content-Type": "text/plain", Connection: "close" });
    res.end("Payload too large", () => res.socket?.destroy());
  }

  function webhook(req, res) {
    // Not a POST: answered before any of the body is read.
    if (req.method !== "POST") {
      res.writeHead(405, { "Content-Type": "text/plain", Connection: "close", Allow: "POST" });
      return res.end("Method not allowed", () => res.socket?.destroy());
    }
    const chunks = req[Symbol.asyncIterator]();
    entry
      .readBodyWithin(() => chunks.next(), {
        limit: limits.maxBody,
        deadlineMs: limits.bodyDeadlineMs,
        declaredLength: req.headers["content-length"],
      })
      .then(
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
        (error) => {
          if (res.headersSent || res.destroyed) return;
          if (error?.status === 413) return tooLarge(res);
          // Too slow (408), or the client went away mid-body: nothing to store.
          res.writeHead(error?.status === 408 ? 408 : 400, { "Content-Type": "text/plain", Connection: "close" });
          res.end(error?.status === 408 ? "Request timeout" : "Bad request", () => res.socket?.destroy());
        },
      );
  }

  function answer(res, promise, contentType) {
    promise.then(
      ({ status, body }) => res.writeHead(status, { "Content-Type": contentType }).end(body),
      (error) => {
        // The error's text (a database's, a file path) is for the log, not a public answer.
        entry.logger.error({ err: error, url: res.req?.url }, "request failed");
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const refused = prepareProductionStart(process.env, process.argv.slice(2));
  if (refused) {
    console.error(refused);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST_BIND ?? "0.0.0.0";
  const { server, close, sweep } = await createServer();
  server.listen(port, host, () => {
    console.log(`Amends listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
    // Started by a supervisor over IPC (the demo, scripts/worker-supervisor.mjs): ready.
    if (process.connected) process.send?.("ready");
  });
  const stop = () => close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (process.send) {
    if (!process.connected) stop();
    process.once("disconnect", stop);
    // The demo asks for a due sweep now rather than wait for the minute's.
    process.on("message", (message) => {
      if (message !== "sweep") return;
      sweep().then(
        () => process.send?.({ type: "swept" }),
        (error) => process.send?.({ type: "swept", error: String(error) }),
      );
    });
  }
}
