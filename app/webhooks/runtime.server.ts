// The webhook machinery of one app process: the intake (hot path) and the processor that acts
// on stored deliveries after the answer. Both servers use it — the lean one in front of Remix
// (app/server/app-server.ts) and the Remix route app/routes/webhooks.tsx used by `shopify app dev`.
import { db } from "../db.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { OutboxSender, smtpMailer } from "../messaging/sender.server";
import { webhookDeliveries } from "../metrics.server";
import { AutoRemediator } from "../remediation/auto.server";
import { pruneDeliveries } from "../scheduler/prune.server";
import { sweepDueOrders } from "../scheduler/sweep.server";
import { adminClientFor } from "../shopify/admin.server";
import { shopifyLookups } from "../shopify/lookups.server";
import { isInstalledShop } from "../models/shop.server";
import { MAX_WEBHOOK_BODY } from "./body.server";
import { openDeliveryStore } from "./delivery-store.server";
import { InstalledShops } from "./installed-shops.server";
import { REFUSALS, WebhookIntake } from "./intake.server";
import type { BackgroundWork } from "../jobs/background-work";
import { inProcessWork } from "../jobs/in-process.server";
import { postgresProducer, QUEUE_SCHEMA, migrateJobQueue, TASKS } from "../jobs/postgres-queue.server";
import { usesJobQueue } from "../jobs/worker.server";
import type { ProcessorDeps } from "./process.server";
import { processPendingDeliveries, releaseClaimsOf, workerName } from "./process.server";

export class DeliveryProcessor {
  private running = false;
  private again = false;
  private stopped = false;
  private paused = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ProcessorDeps) {}

  /** Runs the processor now (or right after the current run): single-flight per process. */
  kick(): void {
    if (this.stopped || this.paused) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  /** Polls for deliveries left by a crash or another process. */
  start(intervalMs = 5_000): void {
    this.stopped = false;
    this.timer ??= setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops after the delivery in hand; what is still stored waits for the next start. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Holds off after the delivery in hand, while the intake needs the machine (a burst): what
   * arrives meanwhile is stored and waits, and resume() takes it all up.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.kick();
  }

  /** Resolves once nothing is waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private async loop(): Promise<void> {
    const holdOff = () => this.stopped || this.paused;
    try {
      do {
        this.again = false;
        while (!holdOff() && (await processPendingDeliveries(this.deps, 50, holdOff)) > 0) {
          // keep going while there is work
        }
      } while (this.again && !holdOff());
    } catch (error) {
      this.deps.log.error({ err: error }, "webhook processor failed; retrying on the next tick");
    } finally {
      this.running = false;
    }
  }
}

/** Runs the time-based rules for the orders due, once a minute (and on demand), then prunes
 * the webhook bodies past their retention. */
export class DueSweeper {
  private running: Promise<unknown> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: Pick<ProcessorDeps, "db" | "log" | "clock" | "onIncidentsOpened"> & {
      /** WEBHOOK_RETENTION_DAYS */
      retentionDays: number;
    },
  ) {}

  private paused = false;
  private missed = false;

  start(intervalMs = 60_000): void {
    this.timer ??= setInterval(() => {
      if (this.paused) this.missed = true;
      else void this.sweep();
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Skips the timed sweeps while the intake needs the machine; resume() runs a missed one. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (!this.missed) return;
    this.missed = false;
    void this.sweep();
  }

  sweep(): Promise<unknown> {
    const now = this.deps.clock?.() ?? new Date();
    this.running ??= sweepDueOrders(this.deps.db, now, this.deps.log)
      .then(async (result) => {
        for (const { shop, incidentId } of result.opened) this.deps.onIncidentsOpened?.(shop, [incidentId]);
        const pruned = await pruneDeliveries(this.deps.db, now, this.deps.retentionDays, { holdOff: () => this.paused });
        if (pruned > 0) this.deps.log.info({ pruned }, "webhook deliveries past their retention deleted");
      })
      .catch((error: unknown) => this.deps.log.error({ err: error }, "due sweep failed; retrying next minute"))
      .finally(() => (this.running = null));
    return this.running;
  }
}

export interface WebhookRuntime {
  intake: WebhookIntake;
  /** Wakes whoever processes stored deliveries. */
  notify: () => void;
  /** Present when deliveries are processed in this process. */
  worker?: WebhookWorker;
}

export interface WebhookWorker {
  processor: DeliveryProcessor;
  sweeper: DueSweeper;
  remediator: AutoRemediator;
  /** E-mails the outbox (customer messages) in the background. */
  outbox: OutboxSender;
  /** The same parts as the one interface handlers are given (app/jobs/background-work.ts). */
  work: BackgroundWork;
  /** Holds off processing and timed sweeps while the intake is saturated (see app/server/intake-watch.ts). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** The processor and the due sweep. The production server runs them in a worker process of
 * their own (app/server/worker.ts), so acting on deliveries never slows down receiving them. */
export function startWebhookWorker(options: {
  /** The pid of this host's worker that died before this one: its claims are released first. */
  previousPid?: number;
} = {}): WebhookWorker {
  const remediator = new AutoRemediator({ db: db(), clientFor: adminClientFor, log: logger, leaseMs: env().REMEDIATION_LEASE_SECONDS * 1000 });
  const onIncidentsOpened = (shop: string, ids: string[]) => work.incidentsOpened(shop, ids);
  const processor = new DeliveryProcessor({ db: db(), lookups: shopifyLookups(), log: logger, onIncidentsOpened });
  const sweeper = new DueSweeper({ db: db(), log: logger, onIncidentsOpened, retentionDays: env().WEBHOOK_RETENTION_DAYS });
  const config = env();
  // Without SMTP_URL e-mail is off: the sender holds messages and says so on their timelines.
  const outbox = new OutboxSender({
    db: db(),
    mailer: config.SMTP_URL ? smtpMailer(config.SMTP_URL) : null,
    from: config.SMTP_FROM ?? "",
    log: logger,
  });
  let stopped = false;
  const stop = async () => {
    stopped = true;
    processor.stop();
    sweeper.stop();
    remediator.stop();
    outbox.stop();
    await processor.idle();
    await remediator.idle();
    await outbox.idle();
  };
  const work = inProcessWork({ processor, sweeper, remediator, outbox, stop });
  if (options.previousPid) {
    const claimant = workerName(options.previousPid);
    void releaseClaimsOf(db(), claimant)
      .then(
        (released) => logger.info({ claimant, released }, "deliveries held by the worker that stopped are back in line"),
        (error: unknown) => logger.error({ err: error, claimant }, "could not release the stopped worker's deliveries; they wait for their claims to expire"),
      )
      .finally(() => {
        if (!stopped) processor.start();
      });
  } else processor.start();
  sweeper.start();
  remediator.start();
  outbox.start();
  // SQLite: the write-ahead log is folded back into the database by the intake's delivery store
  // (its checkpointer thread, see delivery-store.server.ts), which writes nearly all of it; what
  // this process writes is folded back as it commits (SQLite's wal_autocheckpoint).
  return {
    processor,
    sweeper,
    remediator,
    outbox,
    work,
    pause() {
      processor.pause();
      sweeper.pause();
    },
    resume() {
      processor.resume();
      sweeper.resume();
    },
    stop,
  };
}

declare global {
  var amendsWebhookRuntime: WebhookRuntime | undefined;
}

/**
 * The intake of this process. With `notify`, stored deliveries are announced to a worker
 * elsewhere; without, they are processed here (the Remix dev server under `shopify app dev`).
 */
export function webhookRuntime(notify?: () => void): WebhookRuntime {
  if (!globalThis.amendsWebhookRuntime) {
    const config = env();
    // PostgreSQL: the job queue. Each batch the intake stores is queued by the statement that
    // stores it; worker processes (`npm run worker`, or the one the server starts) run
    // the jobs. Waking is for deliveries put back in line (a replay): the catch-up job.
    if (usesJobQueue(config.DATABASE_URL)) {
      const producer = postgresProducer({ url: config.DATABASE_URL, db: db(), log: logger });
      const wake = () => producer.deliveriesWaiting();
      const queue = { schema: QUEUE_SCHEMA, task: TASKS.deliveries, ready: () => migrateJobQueue(config.DATABASE_URL, logger) };
      const intake = new WebhookIntake({
        store: openDeliveryStore(config.DATABASE_URL, { queue }),
        secret: config.SHOPIFY_API_SECRET,
        shops: new InstalledShops({ lookup: (shop) => isInstalledShop(db(), shop) }),
        ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomain: config.SHOP_CUSTOM_DOMAIN } : {}),
        onOutcome: (topic, outcome) => webhookDeliveries.inc({ topic, outcome }),
      });
      for (const outcome of REFUSALS) webhookDeliveries.inc({ topic: "other", outcome }, 0);
      globalThis.amendsWebhookRuntime = { intake, notify: wake };
      return globalThis.amendsWebhookRuntime;
    }
    const worker = notify ? undefined : startWebhookWorker();
    const wake = notify ?? (() => worker?.processor.kick());
    const intake = new WebhookIntake({
      store: openDeliveryStore(config.DATABASE_URL),
      secret: config.SHOPIFY_API_SECRET,
      shops: new InstalledShops({ lookup: (shop) => isInstalledShop(db(), shop) }),
      ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomain: config.SHOP_CUSTOM_DOMAIN } : {}),
      onStored: wake,
      onOutcome: (topic, outcome) => webhookDeliveries.inc({ topic, outcome }),
    });
    // Refusals are counted from the start, at zero: a flood of them adds no series.
    for (const outcome of REFUSALS) webhookDeliveries.inc({ topic: "other", outcome }, 0);
    globalThis.amendsWebhookRuntime = { intake, notify: wake, ...(worker ? { worker } : {}) };
  }
  return globalThis.amendsWebhookRuntime;
}

/** What the production server (app/server/app-server.ts) holds each connection and request to. */
export function serverLimits() {
  const config = env();
  return {
    maxBody: MAX_WEBHOOK_BODY,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    bodyDeadlineMs: config.WEBHOOK_BODY_DEADLINE_MS,
  };
}

/** Wakes the processor of this process's runtime, if it has one; otherwise the worker's poll
 * (every 5 s) finds the work. For admin actions that put a delivery back in line. */
export function wakeWebhookProcessor(): void {
  globalThis.amendsWebhookRuntime?.notify();
}
