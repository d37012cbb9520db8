// A worker process's background work, from the app's configuration: on PostgreSQL, a share of
// the job queue (`npm run worker`; start as many as the load needs, on any machines). On SQLite
// the app's own worker process runs it in-process (app/webhooks/runtime.server.ts).
import { isPostgresUrl } from "../../prisma/database-url";
import { db } from "../db.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { smtpMailer } from "../messaging/sender.server";
import { adminClientFor } from "../shopify/admin.server";
import { shopifyLookups } from "../shopify/lookups.server";
import type { QueueWorker } from "./postgres-queue.server";
import { startQueueWorker } from "./postgres-queue.server";

/** Whether background work runs on the PostgreSQL job queue (DATABASE_URL=postgres://…). */
export function usesJobQueue(url = env().DATABASE_URL): boolean {
  return isPostgresUrl(url);
}

export function startBackgroundWorker(): Promise<QueueWorker> {
  const config = env();
  if (!usesJobQueue(config.DATABASE_URL)) {
    throw new Error("The job queue needs DATABASE_URL=postgres://…; on SQLite the app's own worker process does the work (npm start).");
  }
  return startQueueWorker({
    url: config.DATABASE_URL,
    concurrency: config.WORKER_CONCURRENCY,
    catchUpMs: config.WORKER_CATCH_UP_SECONDS * 1000,
    schedules: config.WORKER_SCHEDULES,
    deps: {
      db: db(),
      log: logger,
      processor: { db: db(), lookups: shopifyLookups(), log: logger },
      remediation: { db: db(), clientFor: adminClientFor, log: logger, leaseMs: config.REMEDIATION_LEASE_SECONDS * 1000 },
      // Without SMTP_URL e-mail is off: the sender holds messages and says so on their timelines.
      sender: { db: db(), mailer: config.SMTP_URL ? smtpMailer(config.SMTP_URL) : null, from: config.SMTP_FROM ?? "", log: logger },
      retentionDays: config.WEBHOOK_RETENTION_DAYS,
    },
  });
}
