// Stored webhook bodies hold customers' names, e-mails and addresses: once acted on they are
// kept only as long as the retention (WEBHOOK_RETENTION_DAYS), for support and for Shopify's
// redeliveries to be recognised. Deliveries that failed or were invalid stay on the merchant's
// list until then too, and then go. Deleted in small batches, letting the event loop and the
// intake breathe between them: a first run after a long time may have months to delete.
import { setImmediate as nextTurn } from "node:timers/promises";

import type { Database } from "../db.server";
import { deleteDeliveries, finishedDeliveriesBefore } from "../models/delivery.server";

const DAY_MS = 86_400_000;

export interface PruneOptions {
  batchSize?: number;
  /** Asked between batches: true stops (the intake needs the machine); the next sweep goes on. */
  holdOff?: () => boolean;
}

/** Deletes finished deliveries received more than `retentionDays` before `now`; returns how many. */
export async function pruneDeliveries(
  db: Database,
  now: Date,
  retentionDays: number,
  options: PruneOptions = {},
): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  const batchSize = options.batchSize ?? 500;
  let pruned = 0;
  for (;;) {
    const ids = await finishedDeliveriesBefore(db, before, batchSize);
    if (ids.length > 0) pruned += await deleteDeliveries(db, ids);
    if (ids.length < batchSize) return pruned;
    await nextTurn();
    if (options.holdOff?.()) return pruned;
  }
}
