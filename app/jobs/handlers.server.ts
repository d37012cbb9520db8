// What each kind of background job does: plain functions of their dependencies and payload.
// The PostgreSQL queue calls them (postgres-queue.server.ts); on SQLite the same services run in
// the app's worker process (app/webhooks/runtime.server.ts). None knows which runs it.
import { z } from "zod";

import type { Database } from "../db.server";
import type { Logger } from "../logger.server";
import type { SenderDeps } from "../messaging/sender.server";
import { sendDueMessages } from "../messaging/sender.server";
import { remediateAutomatically } from "../remediation/auto.server";
import type { RemediationDeps } from "../remediation/engine/index.server";
import { pruneDeliveries } from "../scheduler/prune.server";
import { sweepDueOrders } from "../scheduler/sweep.server";
import type { ProcessorDeps } from "../webhooks/process.server";
import { processDeliveries } from "../webhooks/process.server";
import type { BackgroundWork } from "./background-work";

export interface JobDeps {
  db: Database;
  log: Logger;
  /** Tells the processor's handlers' news (incidents opened) to the background work. */
  processor: ProcessorDeps;
  remediation: RemediationDeps & { db: Database; log: Logger };
  sender: SenderDeps;
  /** WEBHOOK_RETENTION_DAYS */
  retentionDays: number;
  work: Pick<BackgroundWork, "incidentsOpened" | "messagesWaiting">;
  clock?: () => Date;
}

export const deliveriesPayload = z.object({ ids: z.array(z.string()).min(1) });
export const incidentPayload = z.object({ shop: z.string().min(1), incidentId: z.string().min(1) });

/** Processes the stored deliveries the job names (those still due: a redelivered job is harmless). */
export function processDeliveriesJob(deps: JobDeps, payload: z.infer<typeof deliveriesPayload>): Promise<number> {
  return processDeliveries(deps.processor, payload.ids);
}

/** Puts an incident to its shop's policy; what it sends the customer goes to the outbox. */
export async function remediateIncidentJob(deps: JobDeps, payload: z.infer<typeof incidentPayload>): Promise<void> {
  await remediateAutomatically(deps.remediation, payload.shop, payload.incidentId);
  deps.work.messagesWaiting();
}

/** E-mails what is due in the outbox (each message claimed, so senders never send one twice). */
export async function sendOutboxJob(deps: JobDeps): Promise<number> {
  let settled = 0;
  for (let batch = await sendDueMessages(deps.sender); batch > 0; batch = await sendDueMessages(deps.sender)) settled += batch;
  return settled;
}

/** The time-based rules for the orders due, then the webhook bodies past their retention. */
export async function dueSweepJob(deps: JobDeps): Promise<void> {
  const now = deps.clock?.() ?? new Date();
  const result = await sweepDueOrders(deps.db, now, deps.log);
  const byShop = new Map<string, string[]>();
  for (const { shop, incidentId } of result.opened) byShop.set(shop, [...(byShop.get(shop) ?? []), incidentId]);
  for (const [shop, ids] of byShop) deps.work.incidentsOpened(shop, ids);
  const pruned = await pruneDeliveries(deps.db, now, deps.retentionDays);
  if (pruned > 0) deps.log.info({ pruned }, "webhook deliveries past their retention deleted");
}
