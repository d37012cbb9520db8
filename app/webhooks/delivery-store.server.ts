// Where the intake writes deliveries: straight through the database driver, one multi-row
// INSERT per batch. Prisma's raw-query path costs ~1 ms per 10 KB row here (it serialises every
// parameter through its query engine), six times the driver's own cost, and this is the hot
// path. The table is Prisma's (WebhookDelivery); timestamps are written in the formats Prisma
// reads back.
import { openSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

import pg from "pg";

import { isPostgresUrl } from "../../prisma/database-url";

export interface DeliveryRow {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: Date | null;
  apiVersion: string | null;
  /** The body as received (UTF-8), stored as text. */
  payload: Buffer;
  receivedAt: Date;
}

export interface DeliveryStore {
  /** Writes the rows in one transaction; a row whose event is already stored is skipped. */
  insert(rows: DeliveryRow[]): Promise<void>;
  close(): Promise<void>;
  /** How many batches it takes at once (the next one waits in line while one is written). */
  pipeline?: number;
}

const COLUMNS = [
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
const COLUMN_LIST = COLUMNS.map((c) => `"${c}"`).join(", ");

/** Pages of write-ahead log at which the writer checkpoints by itself (the backstop). */
const WRITER_WAL_LIMIT = 25_000;
const CHECKPOINT_BUSY_MS = 20;
const CHECKPOINT_IDLE_MS = 250;
const CHECKPOINT_SYNC_MS = 50;
const CHECKPOINT_NEAR_MS = 5;
const FIELDS_PER_ROW = 9; // id, shop, topic, webhookId, eventId, triggeredAt, apiVersion, receivedAt, body length

// The SQLite writer: a worker thread of its own holding the connection. better-sqlite3 is
// synchronous, so on the main thread every commit (~60 µs a 10 KB row, mostly the system calls
// that append to the write-ahead log) would keep the intake from reading, verifying and
// answering other requests. Here the main thread hands each batch over and goes on; the thread
// commits it and reports back, and each delivery in it is answered only then.
//
// A batch crosses as one array of plain values and one buffer holding the bodies, moved to the
// thread rather than copied; rows as objects with their bodies as strings cost twice as much on
// the main thread to send (structured cloning). Plain JavaScript (CommonJS), evaluated as is in
// the thread: the app's bundle is not loaded there.
const WRITER_THREAD = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const sqlite = new Database(workerData.file, { timeout: 5000 });
sqlite.pragma("journal_mode = WAL");
// Durable across crashes of the app (the log is synced at checkpoints, not at every commit).
sqlite.pragma("synchronous = NORMAL");
// Copying the log back into the database (checkpointing) is the checkpointer thread's (below);
// this connection only does it when the log reaches its limit, and the log then starts over.
sqlite.pragma("wal_autocheckpoint = ${WRITER_WAL_LIMIT}");
const statements = new Map();
function statement(count) {
  let prepared = statements.get(count);
  if (!prepared) {
    // The body is bound as the bytes received and stored as text: no decoding it into a string
    // here and encoding it back for SQLite (~8 µs a 10 KB body).
    const tuple = "(" + workerData.columns.map((c) => (c === "payload" ? "CAST(? AS TEXT)" : "?")).join(", ") + ")";
    prepared = sqlite.prepare(
      'INSERT OR IGNORE INTO "WebhookDelivery" (' + workerData.columnList + ") VALUES " +
        Array(count).fill(tuple).join(", "),
    );
    statements.set(count, prepared);
  }
  return prepared;
}
// Prisma's SQLite adapter stores DateTime as ISO 8601 text with an explicit offset.
function time(ms) {
  return ms === null ? null : new Date(ms).toISOString().replace("Z", "+00:00");
}
parentPort.on("message", ({ id, values, bodies }) => {
  try {
    const bytes = Buffer.from(bodies);
    const params = [];
    let offset = 0;
    for (let i = 0; i < values.length; i += ${FIELDS_PER_ROW}) {
      const end = offset + values[i + 8];
      // Same order as workerData.columns.
      params.push(values[i], values[i + 1], values[i + 2], values[i + 3], values[i + 4], time(values[i + 5]),
        values[i + 6], bytes.subarray(offset, end), time(values[i + 7]));
      offset = end;
    }
    statement(values.length / ${FIELDS_PER_ROW}).run(params);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
  // The checkpointer has copied all but the last few pages and asks this thread, the only one
  // that can stop the log from growing meanwhile, to finish: the log then starts over (below).
  if (Atomics.exchange(workerData.finish, 0, 0) === 1) {
    try {
      sqlite.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // Busy: the checkpointer asks again.
    }
  }
});
`;

// The checkpointer: copies what the writer appends to the write-ahead log into the database,
// alongside it (PASSIVE never holds up a writer), so the writer does not have to stop and do it.
// While deliveries keep arriving, though, a pass never reaches the end of the log (the writer
// appends during it), and then SQLite neither syncs the database file nor starts the log over:
// the writer did both when the log reached its limit (wal_autocheckpoint), copying and syncing
// everything left in one go — 50–80 ms, and up to 400 ms, once a second during a burst, with
// every delivery in flight waiting. So: passes come every 20 ms while there is work; the
// checkpointer syncs the database file itself (at most every 50 ms; an extra sync is always
// safe); and once the log passes 60 % of the writer's limit, each pass asks the writer to copy
// what is left after its next batch — a pass's worth of pages — so the log starts over long
// before the limit. The sync uses a descriptor of its own that is never closed: closing any
// descriptor of a SQLite file drops the process's locks on it.
const CHECKPOINT_THREAD = `
"use strict";
const { fdatasyncSync } = require("node:fs");
const { workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const sqlite = new Database(workerData.file, { timeout: 5000 });
sqlite.pragma("synchronous = NORMAL");
let last = "";
let synced = 0;
let unsynced = false;
function pass() {
  let worked = false;
  let near = false;
  try {
    const [{ log, checkpointed }] = sqlite.pragma("wal_checkpoint(PASSIVE)");
    worked = checkpointed > 0 && log + "/" + checkpointed !== last;
    last = log + "/" + checkpointed;
    near = worked && log >= ${Math.round(WRITER_WAL_LIMIT * 0.6)};
    unsynced ||= worked;
    if (unsynced && (near || performance.now() - synced >= ${CHECKPOINT_SYNC_MS})) {
      fdatasyncSync(workerData.syncFd);
      synced = performance.now();
      unsynced = false;
    }
    // What is left is what the writer appended during this pass: the writer copies it after
    // its next batch, and the log starts over (a pass never catches up while it keeps writing).
    if (near) Atomics.store(workerData.finish, 0, 1);
  } catch {
    // Busy or failed: the next pass tries again, and the writer's own limit is the backstop.
  }
  setTimeout(pass, near ? ${CHECKPOINT_NEAR_MS} : worked || unsynced ? ${CHECKPOINT_BUSY_MS} : ${CHECKPOINT_IDLE_MS});
}
pass();
`;
// One descriptor per database file for the checkpointer's syncs, kept open (see above).
const syncDescriptors = new Map<string, number>();

/** SQLite through better-sqlite3 in a writer thread: WAL, synchronous=NORMAL. */
function sqliteStore(url: string): DeliveryStore {
  const file = path.resolve(url.replace(/^file:/, ""));
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  let thread: Worker | null = null;
  let checkpointer: Worker | null = null;
  let closed = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  // Set by the checkpointer, taken by the writer: "finish the checkpoint after your batch".
  const finish = new Int32Array(new SharedArrayBuffer(4));

  const start = () => {
    const started = new Worker(WRITER_THREAD, {
      eval: true,
      workerData: { file, driver, columns: COLUMNS, columnList: COLUMN_LIST, finish },
    });
    started.on("message", ({ id, error }: { id: number; error?: string }) => {
      const pending = waiting.get(id);
      waiting.delete(id);
      if (waiting.size === 0) started.unref();
      if (error === undefined) pending?.resolve();
      else pending?.reject(new Error(error));
    });
    // The thread died (it could not open the database, or crashed): what it had in hand is
    // answered as not stored, and the next batch starts a new thread.
    const died = (error: Error) => {
      if (thread !== started) return;
      thread = null;
      for (const { reject } of waiting.values()) reject(error);
      waiting.clear();
    };
    started.on("error", died);
    started.on("exit", (code) =>
      died(new Error(`the SQLite writer thread exited with code ${code}`)),
    );
    // Idle, it does not keep the process alive; it does while a batch is in hand.
    started.unref();
    checkpointer ??= startCheckpointer();
    return started;
  };
  // Not vital: without it (the file is missing, the thread died) the writer checkpoints by itself
  // at its limit, and the next writer thread tries again.
  const startCheckpointer = () => {
    let syncFd = syncDescriptors.get(file);
    try {
      syncFd ??= openSync(file, "r+");
    } catch {
      return null;
    }
    syncDescriptors.set(file, syncFd);
    const started = new Worker(CHECKPOINT_THREAD, {
      eval: true,
      workerData: { file, driver, syncFd, finish },
    });
    started.unref();
    started.on("error", () => {});
    started.on("exit", () => {
      if (checkpointer === started) checkpointer = null;
    });
    return started;
  };

  return {
    pipeline: 2,
    insert(rows) {
      if (closed) return Promise.reject(new Error("the delivery store is closed"));
      const values: (string | number | null)[] = [];
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
      // A buffer of its own (never one of Node's shared pools), so it can be moved.
      const bodies = Buffer.allocUnsafeSlow(
        rows.reduce((size, row) => size + row.payload.length, 0),
      );
      let offset = 0;
      for (const row of rows) {
        bodies.set(row.payload, offset);
        offset += row.payload.length;
      }
      thread ??= start();
      const writer = thread;
      const id = ++nextId;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        writer.ref();
        writer.postMessage({ id, values, bodies: bodies.buffer }, [bodies.buffer]);
      });
    },
    async close() {
      closed = true;
      // Batches in hand are finished first; the thread closes the connection as it ends.
      while (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, 1));
      const writer = thread;
      const checkpoints = checkpointer;
      thread = checkpointer = null;
      await Promise.all([writer?.terminate(), checkpoints?.terminate()]);
    },
  };
}

export interface DeliveryStoreOptions {
  /**
   * PostgreSQL only: a job for the stored deliveries is added to graphile-worker's queue by the
   * same statement that stores them (`<schema>.add_job(task, {"ids": [...]})`), so a crash can
   * never leave a delivery stored without its job. Only rows actually inserted (not a redelivery
   * of a stored event) are in the job. `ready` resolves once the queue's schema exists.
   */
  queue?: { schema: string; task: string; ready: () => Promise<void> };
}

/** Deliveries per queued job: small enough that a batch is spread over the workers, large
 * enough that the queue's own bookkeeping stays a small share of the work. */
const QUEUED_PER_JOB = 20;

/** PostgreSQL through a small pg pool. */
function postgresStore(url: string, options: DeliveryStoreOptions = {}): DeliveryStore {
  // A write that cannot go through within Shopify's 5 s (a locked table, a stalled server) fails
  // and is answered 503, so Shopify retries, instead of holding the delivery until Shopify
  // gives up on it.
  const pool = new pg.Pool({ connectionString: url, max: 4, statement_timeout: 4_000, connectionTimeoutMillis: 4_000 });
  // TIMESTAMP(3) without time zone, read by Prisma as UTC.
  const time = (d: Date | null) => d?.toISOString().replace("Z", "") ?? null;
  return {
    async insert(rows) {
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
      const tuples = rows.map(
        (_, r) => `(${COLUMNS.map((__, c) => `$${r * COLUMNS.length + c + 1}`).join(", ")})`,
      );
      const insert = `INSERT INTO "WebhookDelivery" (${COLUMN_LIST}) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`;
      const queue = options.queue;
      if (!queue) {
        await pool.query(insert, params);
        return;
      }
      await queue.ready();
      params.push(queue.task, String(QUEUED_PER_JOB));
      const task = `$${params.length - 1}::text`;
      // A job per QUEUED_PER_JOB deliveries, so a large batch is shared among the workers.
      await pool.query(
        `WITH stored AS (${insert} RETURNING id),
         numbered AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $${params.length}::int AS job FROM stored)
         SELECT "${queue.schema}".add_job(${task}, json_build_object('ids', json_agg(id ORDER BY id)), max_attempts => 10)
         FROM numbered GROUP BY job`,
        params,
      );
    },
    async close() {
      await pool.end();
    },
  };
}

export function openDeliveryStore(databaseUrl: string, options: DeliveryStoreOptions = {}): DeliveryStore {
  return isPostgresUrl(databaseUrl) ? postgresStore(databaseUrl, options) : sqliteStore(databaseUrl);
}
