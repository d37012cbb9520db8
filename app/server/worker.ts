// The webhook worker: processes stored deliveries and runs the due sweep, in a process of its
// own (started by the server, worker-process.ts, at a lower CPU priority; or alone with
// `npm run worker`), so a flash sale's deliveries are received at full speed and acted on as
// fast as the machine allows behind them. A thin shell: on SQLite the work is
// startWebhookWorker's (in this process); on PostgreSQL this process takes a share of the job
// queue (app/jobs/postgres-queue.server.ts) — start as many as the load needs, on any machine.
import { metricsSnapshot } from "../health.server";
import type { BackgroundWork } from "../jobs/background-work";
import { startBackgroundWorker, usesJobQueue } from "../jobs/worker.server";
import { logger } from "../logger.server";
import type { WebhookWorker } from "../webhooks/runtime.server";
import { startWebhookWorker } from "../webhooks/runtime.server";
import type { FromWorker, ToWorker } from "./worker-messages";
import { isMetricsRequest } from "./worker-messages";

const reply = (message: FromWorker) => process.send?.(message);

// Restarted after a worker died (supervisor.ts): what it held is released first.
const previousPid = Number(process.env.AMENDS_PREVIOUS_PID) || undefined;
// On the job queue, waking, pausing and resuming are the queue's (jobs are queued with the
// deliveries; PostgreSQL takes the intake's writes on its own cores): only the embedded worker
// listens to them.
const embedded: WebhookWorker | null = usesJobQueue() ? null : startWebhookWorker({ previousPid });

// (No top-level await: the server build targets runtimes without it.)
function listen(work: BackgroundWork): void {
  process.on("message", (message: ToWorker) => {
    if (message === "kick") embedded?.processor.kick();
    // The intake is saturated (a burst): hold off until it is not; the backlog is stored.
    if (message === "pause") embedded?.pause();
    if (message === "resume") embedded?.resume();
    if (message === "sweep") {
      // On demand (the demo, an operator): the due sweep, then the remediation it started.
      void work.sweepNow().then(
        () => reply({ type: "swept" }),
        (error: unknown) => reply({ type: "swept", error: String(error) }),
      );
    }
    if (isMetricsRequest(message)) {
      void metricsSnapshot().then((metrics) => reply({ type: "metrics", id: message.id, metrics }));
    }
  });
  // Started alone (`npm run worker`), nothing else keeps the process alive (the worker's timers
  // do not): this does, until SIGTERM or SIGINT.
  const alone = process.send === undefined;
  const keepAlive = alone ? setInterval(() => {}, 2 ** 30) : undefined;
  const stop = () => {
    clearInterval(keepAlive);
    return work.stop().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  process.on("disconnect", () => void stop());
  if (alone) logger.info({ pid: process.pid, runner: work.runner }, "worker started; SIGTERM stops it after the work in hand");
  // The server may have died while this worker was starting: then there is no one to work for.
  else if (!process.connected) void stop();
  else reply("ready");
}

if (embedded) listen(embedded.work);
else {
  startBackgroundWorker().then(listen, (error: unknown) => {
    logger.error({ err: error }, "the worker could not join the job queue");
    process.exit(1);
  });
}
