// PostgreSQL through a small pg pool, written like SQLite's writer: one multi-row INSERT per
// batch (group commit), each delivery answered once its batch has committed. Copies of an event
// are stored too, as on SQLite: the processor tells them apart (WebhookEvent).
import pg from "pg";

import type { DeliveryRow, DeliveryStore, DeliveryStoreOptions } from "../delivery-store.server";
import { COLUMN_LIST, COLUMNS } from "./messages";

// TIMESTAMP(3) without time zone, read by Prisma as UTC.
const time = (d: Date | null) => d?.toISOString().replace("Z", "") ?? null;

/** The statement for a batch of `count` rows, prepared once per size on each connection. */
const statements = new Map<number, string>();
function statement(count: number): string {
  let text = statements.get(count);
  if (!text) {
    const tuples = Array.from(
      { length: count },
      (_, r) => `(${COLUMNS.map((__, c) => `$${r * COLUMNS.length + c + 1}`).join(", ")})`,
    );
    text = `INSERT INTO "WebhookDelivery" (${COLUMN_LIST}) VALUES ${tuples.join(", ")}`;
    statements.set(count, text);
  }
  return text;
}

/** Deliveries per queued job: small enough that a batch is spread over the workers, large
 * enough that the queue's own bookkeeping stays a small share of the work. */
const QUEUED_PER_JOB = 20;

/** The batch's INSERT, and with a job queue (options.queue) one job per QUEUED_PER_JOB of the
 * rows, added by the same statement so no delivery is stored without its job. */
function queuedStatement(count: number, queue: NonNullable<DeliveryStoreOptions["queue"]>): string {
  const params = count * COLUMNS.length;
  return `WITH stored AS (${statement(count)} RETURNING id),
    numbered AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $${params + 2}::int AS job FROM stored)
    SELECT "${queue.schema}".add_job($${params + 1}::text, json_build_object('ids', json_agg(id ORDER BY id)), max_attempts => 10)
    FROM numbered GROUP BY job`;
}

export function postgresStore(url: string, options: DeliveryStoreOptions = {}): DeliveryStore {
  // A write that cannot go through within Shopify's 5 s (a locked table, a stalled server) fails
  // and is answered 503, so Shopify retries, instead of holding the delivery until Shopify
  // gives up on it.
  const pool = new pg.Pool({ connectionString: url, max: 4, statement_timeout: 4_000, connectionTimeoutMillis: 4_000 });
  // A connection that fails while idle is dropped by the pool; the next batch takes another.
  pool.on("error", () => {});
  return {
    // While one batch commits, the next is already on its way on another connection.
    pipeline: 2,
    async insert(rows: DeliveryRow[]) {
      const params = rows.flatMap((row) => [
        row.id,
        row.shop,
        row.topic,
        row.webhookId,
        row.eventId,
        time(row.triggeredAt),
        row.apiVersion,
        row.payload.toString("utf8"),
        time(row.receivedAt),
      ]);
      const queue = options.queue;
      if (!queue) {
        await pool.query({ name: `amends-deliveries-${rows.length}`, text: statement(rows.length), values: params });
        return;
      }
      await queue.ready();
      await pool.query({
        name: `amends-queued-deliveries-${rows.length}`,
        text: queuedStatement(rows.length, queue),
        values: [...params, queue.task, String(QUEUED_PER_JOB)],
      });
    },
    async close() {
      await pool.end();
    },
  };
}
