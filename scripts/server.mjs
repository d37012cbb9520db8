#!/usr/bin/env node
// Amends' production server. Webhooks, /healthz and /metrics are answered here, on node:http,
// without the Remix request pipeline (which costs ~90 % of a bare server's throughput here, see
// bench/RESULTS.md); everything else goes to the Remix app through Express, as remix-serve does.
import { fork } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

import { prepareProductionStart } from "./production-start.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildPath = path.resolve(root, process.env.AMENDS_BUILD ?? "build/server/index.js");
const MAX_BODY = 5 * 1024 * 1024;

/** Starts the webhook worker (scripts/worker.mjs) at a lower priority than this process. */
async function startWorker() {
  const worker = fork(path.join(root, "scripts/worker.mjs"), [], { stdio: "inherit" });
  await new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("exit", (code) => reject(new Error(`webhook worker exited with code ${code}`)));
  });
  try {
    os.setPriority(worker.pid, 10);
  } catch {
    // Not permitted here: the worker runs at normal priority.
  }
  let pending = false;
  let asked = 0;
  return {
    worker,
    /** Runs the due sweep now and resolves when it and the remediation it started are done. */
    sweep() {
      return new Promise((resolve) => {
        const onMessage = (message) => {
          if (message?.type !== "swept") return;
          worker.off("message", onMessage);
          resolve();
        };
        worker.on("message", onMessage);
        worker.send("sweep");
      });
    },
    /** The worker's metrics (deliveries processed, lag, incidents opened), or none within 1 s. */
    metrics() {
      if (!worker.connected) return Promise.resolve([]);
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
      if (worker.connected) worker.send("pause");
    },
    resume() {
      if (worker.connected) worker.send("resume");
    },
    // Many stores in a burst wake the worker once.
    kick() {
      if (pending || !worker.connected) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        if (worker.connected) worker.send("kick");
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
          worker: null,
        }
      : await startWorker();
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

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/webhooks" || url.startsWith("/webhooks?")) return webhook(req, res);
    if (req.method === "GET" && url === "/healthz")
      return answer(res, entry.healthCheck(), "application/json");
    if (req.method === "GET" && url === "/metrics") {
      return worker
        .metrics()
        .then((others) => entry.metricsText(others))
        .then(
          ({ contentType, body }) => res.writeHead(200, { "Content-Type": contentType }).end(body),
          (error) => res.writeHead(500).end(String(error)),
        );
    }
    return app(req, res);
  });
  server.keepAliveTimeout = 65_000;

  function webhook(req, res) {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end("Payload too large");
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.headersSent) return;
      const headers = req.headers;
      runtime.intake
        .receive({
          method: req.method ?? "GET",
          header: (name) => {
            const value = headers[name.toLowerCase()];
            return Array.isArray(value) ? value[0] : value;
          },
          body: Buffer.concat(chunks),
        })
        .then(
          ({ status, body }) => res.writeHead(status, { "Content-Type": "text/plain" }).end(body),
          () => res.writeHead(503).end("Could not store the delivery; please retry"),
        );
    });
  }

  function answer(res, promise, contentType) {
    promise.then(
      ({ status, body }) => res.writeHead(status, { "Content-Type": contentType }).end(body),
      (error) => res.writeHead(500).end(String(error)),
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
    await new Promise((resolve) => {
      if (!worker.worker || worker.worker.exitCode !== null) return resolve();
      worker.worker.once("exit", resolve);
      worker.worker.kill("SIGTERM");
      // The worker finishes the delivery in hand; one that takes longer is ended. Nothing is
      // lost: an unfinished delivery is stored and is taken up again at the next start.
      setTimeout(() => worker.worker.kill("SIGKILL"), 5_000).unref();
    });
  }

  return { server, runtime, close, sweep: () => worker.sweep() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const refused = prepareProductionStart(process.env);
  if (refused) {
    console.error(refused);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST_BIND ?? "0.0.0.0";
  const { server, close } = await createServer();
  server.listen(port, host, () =>
    console.log(`Amends listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`),
  );
  const stop = () => close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
