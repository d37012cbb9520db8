#!/usr/bin/env node
// The webhook worker: processes stored deliveries and runs the due sweep, in a process of its
// own (started by scripts/server.mjs at a lower CPU priority), so a flash sale's deliveries are
// received at full speed and acted on as fast as the machine allows behind them.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildPath = path.resolve(root, process.env.AMENDS_BUILD ?? "build/server/index.js");

const build = await import(pathToFileURL(buildPath).href);

// PostgreSQL (DATABASE_URL=postgres://…): a share of the job queue. `npm run worker` starts one;
// run as many as the load needs, on any machine (app/jobs/postgres-queue.server.ts).
if (build.entry.module.usesJobQueue()) {
  const work = await build.entry.module.startBackgroundWorker();
  process.on("message", (message) => {
    if (message === "sweep") {
      void work.sweepNow().then(
        () => process.send?.({ type: "swept" }),
        (error) => process.send?.({ type: "swept", error: String(error) }),
      );
    }
    if (message?.type === "metrics") {
      void build.entry.module
        .metricsSnapshot()
        .then((metrics) => process.send?.({ type: "metrics", id: message.id, metrics }));
    }
  });
  const stop = () => work.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.on("disconnect", stop);
  if (process.send && !process.connected) void stop();
  else process.send?.("ready");
} else {
  startEmbeddedWorker();
}

function startEmbeddedWorker() {
  // Restarted after a worker died (scripts/worker-supervisor.mjs): what it held is released first.
  const previousPid = Number(process.env.AMENDS_PREVIOUS_PID) || undefined;
  const worker = build.entry.module.startWebhookWorker({ previousPid });

  process.on("message", (message) => {
    if (message === "kick") worker.processor.kick();
    // The intake is saturated (a burst): hold off until it is not; the backlog is stored.
    if (message === "pause") worker.pause();
    if (message === "resume") worker.resume();
    if (message === "sweep") {
      // On demand (the demo, an operator): the due sweep, then the remediation it started.
      void worker.sweeper
        .sweep()
        .then(() => worker.remediator.idle())
        .then(() => {
          worker.outbox.kick();
          return worker.outbox.idle();
        })
        .then(() => process.send?.({ type: "swept" }));
    }
    if (message?.type === "metrics") {
      void build.entry.module
        .metricsSnapshot()
        .then((metrics) => process.send?.({ type: "metrics", id: message.id, metrics }));
    }
  });
  const stop = () => worker.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.on("disconnect", stop);
  // The server may have died while this worker was starting: then there is no one to work for.
  if (process.send && !process.connected) void stop();
  else process.send?.("ready");
}
