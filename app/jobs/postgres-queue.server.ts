// Background work on PostgreSQL: graphile-worker's job queue, shared by every app process (which
// queue jobs) and every worker process (`npm run worker`, which run them). What the library
// gives, and Amends relies on:
// - a job per batch of stored deliveries, added by the very statement that stores them
//   (delivery-store.server.ts), so no delivery is ever stored without its job;
// - a job per incident to remedy, in a queue per shop (`queueName`: a shop's jobs run one at a
//   time, since each shop has its own Shopify rate-limit bucket, while other shops' go on), with
//   a priority (stock-outs and customer reports first, see app/remediation/policy/urgency.ts) and a `jobKey` per
//   incident (queued twice, run once);
// - the due sweep as a cron item: once a minute across all workers, never twice at once;
// - retries with exponential backoff (graphile-worker waits exp(min(attempts, 10)) seconds);
// - LISTEN/NOTIFY, so a job starts within milliseconds of being queued.
// Delivery: at least once. A job may run again after a crash; each handler is safe to repeat
// (deliveries are claimed if still due, the remediation engine does each step exactly once,
// outbox messages are claimed). A catch-up job (liveness.server.ts) hands a dead worker's jobs
// and claims to the living and queues anything a crash left without a job.
import { EventEmitter } from "node:events";

import type { CronItem, Runner, Task, TaskList, WorkerEvents, WorkerUtils } from "graphile-worker";
import { Logger as QueueLogger, makeWorkerUtils, parseCronItems, run, runMigrations } from "graphile-worker";

import type { Database } from "../db.server";
import type { Logger } from "../logger.server";
import { AutoRemediator } from "../remediation/auto.server";
import { releaseClaimsOf, releaseExpiredClaims, workerName } from "../webhooks/process.server";
import type { ProcessorDeps } from "../webhooks/process.server";
import type { BackgroundWork } from "./background-work";
import type { JobDeps } from "./handlers.server";
import { deliveriesPayload, dueSweepJob, incidentPayload, processDeliveriesJob, remediateIncidentJob, sendOutboxJob } from "./handlers.server";
import type { Liveness } from "./liveness.server";
import { openLiveness } from "./liveness.server";
import { URGENCY_RANK, urgencyOf } from "../remediation/policy";

export const QUEUE_SCHEMA = "graphile_worker";

export const TASKS = {
  deliveries: "process-deliveries",
  remediate: "remediate-incident",
  outbox: "send-outbox",
  sweep: "due-sweep",
  catchUp: "catch-up",
} as const;

/** Deliveries per job queued by the catch-up (the intake's jobs carry its batches). */
const CATCH_UP_BATCH = 100;
/** At most this many deliveries without a job are queued per catch-up run. */
const CATCH_UP_LIMIT = 5_000;
/** A job locked this long by a worker whose lock is free is a dead worker's (not one starting). */
const DEAD_AFTER_SECONDS = 5;

/** graphile-worker's log lines go to pino, with the queue's scope as fields. */
export function queueLogger(log: Logger): QueueLogger {
  return new QueueLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === "error") log.error(fields, message);
    else if (level === "warning") log.warn(fields, message);
    else if (level === "info") log.info(fields, message);
    else log.debug(fields, message);
  });
}

const migrations = new Map<string, Promise<void>>();

/** Creates or updates the queue's schema (graphile_worker) once per process and database;
 * concurrent processes are serialised by the library. */
export function migrateJobQueue(url: string, log: Logger): Promise<void> {
  let done = migrations.get(url);
  if (!done) {
    done = runMigrations({ connectionString: url, logger: queueLogger(log) });
    migrations.set(url, done);
    done.catch(() => migrations.delete(url));
  }
  return done;
}

interface Producer extends BackgroundWork {
  utils(): Promise<WorkerUtils>;
}

/**
 * The queue as an app process sees it: it adds jobs. Each call is fire-and-forget; a job that
 * could not be added is logged, and the catch-up job finds what it was for.
 */
export function postgresProducer(options: { url: string; db: Database; log: Logger }): Producer {
  const { url, db, log } = options;
  let utils: Promise<WorkerUtils> | null = null;
  const ready = () => {
    utils ??= migrateJobQueue(url, log).then(() => makeWorkerUtils({ connectionString: url, logger: queueLogger(log) }));
    utils.catch(() => (utils = null));
    return utils;
  };
  const add = (what: string, job: (u: WorkerUtils) => Promise<unknown>) => {
    ready()
      .then(job)
      .catch((err: unknown) => log.error({ err }, `could not queue ${what}; the catch-up job will`));
  };
  return {
    runner: "postgres-queue",
    utils: ready,
    deliveriesWaiting() {
      add("the deliveries waiting", (u) => u.addJob(TASKS.catchUp, {}, { jobKey: TASKS.catchUp, jobKeyMode: "preserve_run_at", maxAttempts: 1 }));
    },
    incidentsOpened(shop, incidentIds) {
      add("remediation", async (u) => {
        const incidents = await db.incident.findMany({ where: { id: { in: incidentIds } }, select: { id: true, kind: true, source: true } });
        for (const incident of incidents) {
          const id = incident.id;
          await u.addJob(TASKS.remediate, { shop, incidentId: id }, {
            queueName: `shop:${shop}`,
            jobKey: `remediate:${id}`,
            // Lower runs first in graphile-worker: urgent 0, routine 2 (policy/urgency.ts).
            priority: URGENCY_RANK[urgencyOf(incident)],
            maxAttempts: 10,
          });
        }
      });
    },
    messagesWaiting() {
      add("the outbox", (u) => u.addJob(TASKS.outbox, {}, { jobKey: TASKS.outbox, jobKeyMode: "preserve_run_at", maxAttempts: 5 }));
    },
    async sweepNow() {
      const u = await ready();
      const job = await u.addJob(TASKS.sweep, {}, { queueName: TASKS.sweep, maxAttempts: 1 });
      // Until a worker has run it (it is deleted once done).
      for (;;) {
        const left = await u.withPgClient((client) => client.query(`SELECT 1 FROM "${QUEUE_SCHEMA}".jobs WHERE id = $1`, [job.id]));
        if (left.rowCount === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      const u = await utils?.catch(() => null);
      await u?.release();
    },
  };
}

export interface QueueWorkerOptions {
  url: string;
  /** Everything but the background work itself, which this worker provides. */
  deps: Omit<JobDeps, "work" | "processor"> & { processor: Omit<ProcessorDeps, "onIncidentsOpened"> };
  /** WORKER_CONCURRENCY */
  concurrency: number;
  /** WORKER_CATCH_UP_SECONDS, in ms */
  catchUpMs: number;
  /** WORKER_SCHEDULES: this worker schedules the minute's due sweep and outbox look. */
  schedules?: boolean;
}

export interface QueueWorker extends BackgroundWork {
  /** graphile-worker's events (job:start, job:success, …): tests and metrics listen. */
  events: WorkerEvents;
  /** This process as a delivery claimant. */
  claimant: string;
}

/** A worker process's share of the queue: runs jobs until stopped. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { url, deps } = options;
  const log = deps.log;
  await migrateJobQueue(url, log);
  const producer = postgresProducer({ url, db: deps.db, log });
  const utils = await producer.utils();
  const liveness = await openLiveness(url);
  const claimant = deps.processor.claimant ?? workerName();
  await liveness.hold(claimant);
  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  events.on("worker:create", ({ worker }) => {
    liveness.hold(worker.workerId).catch((err: unknown) => log.error({ err }, "could not mark the queue worker alive"));
  });
  const jobDeps: JobDeps = {
    ...deps,
    processor: { ...deps.processor, claimant, onIncidentsOpened: (shop, ids) => producer.incidentsOpened(shop, ids) },
    work: producer,
  };
  const taskList: TaskList = {
    [TASKS.deliveries]: task(async (payload) => {
      await processDeliveriesJob(jobDeps, deliveriesPayload.parse(payload));
    }),
    [TASKS.remediate]: task((payload) => remediateIncidentJob(jobDeps, incidentPayload.parse(payload))),
    [TASKS.outbox]: task(async () => {
      await sendOutboxJob(jobDeps);
    }),
    [TASKS.sweep]: task(() => dueSweepJob(jobDeps)),
    [TASKS.catchUp]: task(() => catchUp({ deps: jobDeps, utils, liveness, producer })),
  };
  const cron: CronItem[] = [
    // Once a minute across every worker (graphile-worker records each minute it scheduled);
    // its own queue, so a slow sweep is never run twice at once. Not backfilled: the next
    // sweep covers what a missed one would have.
    { task: TASKS.sweep, match: "* * * * *", identifier: TASKS.sweep, options: { backfillPeriod: 0, maxAttempts: 1, queueName: TASKS.sweep, jobKey: TASKS.sweep, jobKeyMode: "preserve_run_at" } },
    { task: TASKS.outbox, match: "* * * * *", identifier: TASKS.outbox, options: { backfillPeriod: 0, maxAttempts: 5, jobKey: TASKS.outbox, jobKeyMode: "preserve_run_at" } },
  ];
  const runner: Runner = await run({
    connectionString: url,
    concurrency: options.concurrency,
    // Two connections a job at most (the job's own queries go through Prisma's pool).
    maxPoolSize: options.concurrency + 2,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList,
    parsedCronItems: parseCronItems(options.schedules === false ? [] : cron),
    logger: queueLogger(log),
    events,
    schema: QUEUE_SCHEMA,
  });
  // The catch-up: at start (what a crash left) and every catchUpMs. Queued with a job key, so
  // many workers asking at once still run it once.
  const askCatchUp = () => producer.deliveriesWaiting();
  askCatchUp();
  const timer = setInterval(askCatchUp, options.catchUpMs);
  timer.unref();
  log.info({ claimant, concurrency: options.concurrency }, "queue worker started");
  return {
    runner: "postgres-queue",
    events,
    claimant,
    deliveriesWaiting: () => producer.deliveriesWaiting(),
    incidentsOpened: (shop, ids) => producer.incidentsOpened(shop, ids),
    messagesWaiting: () => producer.messagesWaiting(),
    sweepNow: () => producer.sweepNow(),
    async stop() {
      clearInterval(timer);
      // Graceful: the jobs in hand finish (or are released for another worker).
      await runner.stop();
      await producer.stop();
      await liveness.close();
    },
  };
}

/** A task from a handler of the payload (graphile-worker hands it over as unknown JSON). */
function task(handler: (payload: unknown) => Promise<void>): Task {
  return async (payload) => {
    await handler(payload);
  };
}

/**
 * What a crash or a lost job left behind: a dead worker's jobs and delivery claims go to the
 * living, deliveries stored without a job get one (only when no delivery job waits, so a long
 * backlog is not queued twice), incidents the policy has not finished are queued again, and the
 * outbox is looked at.
 */
async function catchUp(ctx: { deps: JobDeps; utils: WorkerUtils; liveness: Liveness; producer: Producer }): Promise<void> {
  const { deps, utils, liveness, producer } = ctx;
  const now = deps.clock?.() ?? new Date();
  const log = deps.log;

  // Dead workers' jobs (graphile-worker would wait 4 hours) and delivery claims.
  const dead = await utils.withPgClient(async (client) => {
    const locked = await client.query<{ locked_by: string }>(
      `SELECT DISTINCT locked_by FROM "${QUEUE_SCHEMA}".jobs WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
      [DEAD_AFTER_SECONDS],
    );
    const claimants = await deps.db.webhookDelivery.findMany({
      where: { status: "processing", claimedBy: { not: null }, claimedAt: { lt: new Date(now.getTime() - DEAD_AFTER_SECONDS * 1000) } },
      distinct: ["claimedBy"],
      select: { claimedBy: true },
    });
    const workers: string[] = [];
    for (const { locked_by } of locked.rows) if (!(await liveness.alive(locked_by, client))) workers.push(locked_by);
    const gone: string[] = [];
    for (const { claimedBy } of claimants) if (claimedBy && !(await liveness.alive(claimedBy, client))) gone.push(claimedBy);
    return { workers, claimants: gone };
  });
  // Claims first: the job that comes back finds its deliveries due again.
  for (const claimant of dead.claimants) {
    const released = await releaseClaimsOf(deps.db, claimant, now);
    log.warn({ claimant, released }, "deliveries held by a worker that died are back in line");
  }
  if (dead.workers.length > 0) {
    await utils.forceUnlockWorkers(dead.workers);
    log.warn({ workers: dead.workers }, "jobs held by a worker that died are back in the queue");
  }
  await releaseExpiredClaims(deps.db, now);

  // Deliveries stored without a job, or back in line (a replay, a retry whose time came).
  const waiting = await utils.withPgClient((client) =>
    client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${QUEUE_SCHEMA}".jobs WHERE task_identifier = $1 AND attempts < max_attempts`, [TASKS.deliveries]),
  );
  if ((waiting.rows[0]?.n ?? 0) === 0) {
    const due = await deps.db.webhookDelivery.findMany({
      where: { status: "received", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
      orderBy: [{ receivedAt: "asc" }, { triggeredAt: "asc" }],
      take: CATCH_UP_LIMIT,
      select: { id: true },
    });
    for (let i = 0; i < due.length; i += CATCH_UP_BATCH) {
      const ids = due.slice(i, i + CATCH_UP_BATCH).map((d) => d.id);
      await utils.addJob(TASKS.deliveries, { ids }, { maxAttempts: 10 });
    }
    if (due.length > 0) log.info({ deliveries: due.length }, "deliveries waiting without a job queued");
  }

  // Incidents the policy has not finished with (undecided, decided and not started, abandoned).
  const left = await new AutoRemediator(deps.remediation).leftBehind(now);
  const byShop = new Map<string, string[]>();
  for (const { shop, id } of left) byShop.set(shop, [...(byShop.get(shop) ?? []), id]);
  for (const [shop, ids] of byShop) producer.incidentsOpened(shop, ids);
  producer.messagesWaiting();
}
