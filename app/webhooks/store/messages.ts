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

/** Pages of write-ahead log at which the writer checkpoints by itself (the backstop). The log
 * starts over at 60 % of it (checkpointer.thread.ts), with the writer stopped for its last
 * copy and syncs (10–30 ms); with 50 connections waiting each time, that must stay well under
 * 1 % of deliveries (p99): 240 MB of log, ~1 s of a burst at 10,000 deliveries a second. */
export const WRITER_WAL_LIMIT = 50_000;

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

/** One batch, packed into one buffer the writer thread reads in place (rows as objects or arrays
 * of strings are structured-cloned by postMessage, ~3 µs a row on the main thread). Per row: six
 * strings (UTF-8, each after its byte length as a uint32; NULL as 0xFFFFFFFF) — id, shop, topic,
 * webhookId, eventId, apiVersion — then triggeredAt and receivedAt as float64 milliseconds (NaN:
 * NULL), then the body after its byte length. */
export interface BatchMessage {
  id: number;
  rows: number;
  /** Holds the packed rows in its first `length` bytes; shared with the thread, not copied, and
   * packed again once this batch is answered (sqlite-store.server.ts). */
  data: SharedArrayBuffer;
  length: number;
}

/** The batch is committed (durable as SQLite's WAL with synchronous=NORMAL makes it), or
 * `error` says why none of it is. */
export interface BatchAnswer {
  id: number;
  error?: string;
}

const NULL_LENGTH = 0xffffffff;

/** One row as the writer binds it (see COLUMNS): times as milliseconds, the body as bytes. */
export interface PackedRow {
  id: string | null;
  shop: string | null;
  topic: string | null;
  webhookId: string | null;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: number | null;
  receivedAt: number | null;
  payload: Buffer;
}

/** Bytes that always hold these rows packed (a UTF-16 code unit is at most 3 bytes of UTF-8). */
export function packedSize(rows: readonly DeliveryRow[]): number {
  let size = 0;
  for (const row of rows) {
    size += 4 * 7 + 16 + row.payload.length;
    size += 3 * (row.id.length + row.shop.length + row.topic.length + row.webhookId.length + row.eventId.length);
    size += 3 * (row.apiVersion?.length ?? 0);
  }
  return size;
}

/** Packs rows into `into` (at least packedSize(rows) bytes, not in use by the writer), or into a
 * buffer of their own. */
export function packBatch(id: number, rows: readonly DeliveryRow[], into?: SharedArrayBuffer): BatchMessage {
  const data = into ?? new SharedArrayBuffer(packedSize(rows));
  const buffer = Buffer.from(data);
  let offset = 0;
  const text = (value: string | null) => {
    if (value === null) {
      offset = buffer.writeUInt32LE(NULL_LENGTH, offset);
      return;
    }
    const written = buffer.write(value, offset + 4, "utf8");
    buffer.writeUInt32LE(written, offset);
    offset += 4 + written;
  };
  for (const row of rows) {
    text(row.id);
    text(row.shop);
    text(row.topic);
    text(row.webhookId);
    text(row.eventId);
    text(row.apiVersion);
    offset = buffer.writeDoubleLE(row.triggeredAt?.getTime() ?? Number.NaN, offset);
    offset = buffer.writeDoubleLE(row.receivedAt.getTime(), offset);
    offset = buffer.writeUInt32LE(row.payload.length, offset);
    offset += row.payload.copy(buffer, offset);
  }
  return { id, rows: rows.length, data, length: offset };
}

/** The rows of a batch, as packBatch packed them (in the writer thread). */
export function unpackBatch({ rows, data, length }: BatchMessage): PackedRow[] {
  const buffer = Buffer.from(data, 0, length);
  const out: PackedRow[] = [];
  let offset = 0;
  // Each length is checked against the end: toString and subarray would cut short without a word.
  const text = () => {
    const length = buffer.readUInt32LE(offset);
    offset += 4;
    if (length === NULL_LENGTH) return null;
    offset += length;
    if (offset > buffer.length) throw new RangeError("The batch ends inside a text");
    return buffer.toString("utf8", offset - length, offset);
  };
  const time = () => {
    const ms = buffer.readDoubleLE(offset);
    offset += 8;
    return Number.isNaN(ms) ? null : ms;
  };
  for (let r = 0; r < rows; r++) {
    const id = text();
    const shop = text();
    const topic = text();
    const webhookId = text();
    const eventId = text();
    const apiVersion = text();
    const triggeredAt = time();
    const receivedAt = time();
    const length = buffer.readUInt32LE(offset);
    offset += 4 + length;
    if (offset > buffer.length) throw new RangeError("The batch ends inside a body");
    out.push({ id, shop, topic, webhookId, eventId, apiVersion, triggeredAt, receivedAt, payload: buffer.subarray(offset - length, offset) });
  }
  return out;
}
