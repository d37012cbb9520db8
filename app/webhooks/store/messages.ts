// What the SQLite delivery store (sqlite-store.server.ts) and its two threads say to each other:
// the writer thread (writer.thread.ts) that commits the intake's batches, and the checkpointer
// thread (checkpointer.thread.ts) that folds the write-ahead log back into the database.
import type { DeliveryRow } from "../delivery-store.server";

/** WebhookDelivery's columns, in the order the writer binds them. */
export const COLUMNS = [
  "id",
  "shop",
  "topic",
  "webhookId",
  "eventId",
  "triggeredAt",
  "apiVersion",
  "payload",
  "receivedAt",
] as const;
export const COLUMN_LIST = COLUMNS.map((c) => `"${c}"`).join(", ");

/** Values per row in a batch: id, shop, topic, webhookId, eventId, triggeredAt (ms or null),
 * apiVersion, receivedAt (ms), body length. The bodies travel in one buffer of their own. */
export const FIELDS_PER_ROW = 9;

/** Pages of write-ahead log at which the writer checkpoints by itself (the backstop). */
export const WRITER_WAL_LIMIT = 25_000;

/** What both threads are started with. `finish` is shared: the checkpointer sets it ("finish
 * the checkpoint after your batch"), the writer takes it. */
export interface WriterData {
  thread: "amends-sqlite-writer";
  file: string;
  finish: Int32Array;
}

export interface CheckpointerData {
  thread: "amends-sqlite-checkpointer";
  file: string;
  /** A descriptor of the database file that is never closed (closing any descriptor of a
   * SQLite file drops the process's locks on it), for the checkpointer's syncs. */
  syncFd: number;
  finish: Int32Array;
}

/** One batch: FIELDS_PER_ROW values a row, and the rows' bodies end to end (moved, not copied). */
export interface BatchMessage {
  id: number;
  values: (string | number | null)[];
  bodies: ArrayBuffer;
}

/** The batch is committed (durable as SQLite's WAL with synchronous=NORMAL makes it), or
 * `error` says why none of it is. */
export interface BatchAnswer {
  id: number;
  error?: string;
}

/** Packs rows into one batch for the writer: plain values, and the bodies end to end in a
 * buffer of its own (never one of Node's shared pools), so it can be moved to the thread. */
export function packBatch(id: number, rows: readonly DeliveryRow[]): BatchMessage {
  const values: BatchMessage["values"] = [];
  for (const row of rows) {
    values.push(
      row.id,
      row.shop,
      row.topic,
      row.webhookId,
      row.eventId,
      row.triggeredAt?.getTime() ?? null,
      row.apiVersion,
      row.receivedAt.getTime(),
      row.payload.length,
    );
  }
  const bodies = Buffer.allocUnsafeSlow(rows.reduce((size, row) => size + row.payload.length, 0));
  let offset = 0;
  for (const row of rows) {
    bodies.set(row.payload, offset);
    offset += row.payload.length;
  }
  return { id, values, bodies: bodies.buffer };
}
