// The SQLite writer: a worker thread of its own holding the connection. better-sqlite3 is
// synchronous, so on the main thread every commit (~60 µs a 10 KB row, mostly the system calls
// that append to the write-ahead log) would keep the intake from reading, verifying and
// answering other requests. Here the main thread hands each batch over and goes on; the thread
// commits it and reports back, and each delivery in it is answered only then.
//
// A batch crosses as one shared buffer holding its rows, bodies included, read here in place
// (messages.ts); anything structured-cloned costs the main thread per row.
import { parentPort, workerData } from "node:worker_threads";

import Database from "better-sqlite3";

import type { BatchAnswer, BatchMessage, WriterData } from "./messages";
import { COLUMN_LIST, COLUMNS, unpackBatch, WRITER_WAL_LIMIT } from "./messages";

export interface Writer {
  /** Commits the batch in one transaction: every row, copies of an event included (the
   * processor tells them apart, WebhookEvent in prisma/schema.prisma). */
  write(batch: BatchMessage): BatchAnswer;
  /** After a batch is answered: finishes the checkpoint if the checkpointer asked. */
  maintain(): void;
  close(): void;
}

// Prisma's SQLite adapter stores DateTime as ISO 8601 text with an explicit offset.
function time(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace("Z", "+00:00");
}

export function openWriter(data: Pick<WriterData, "file" | "finish">): Writer {
  const sqlite = new Database(data.file, { timeout: 5000 });
  sqlite.pragma("journal_mode = WAL");
  // Durable across crashes of the app (the log is synced at checkpoints, not at every commit).
  sqlite.pragma("synchronous = NORMAL");
  // Copying the log back into the database (checkpointing) is the checkpointer thread's; this
  // connection only does it when the log reaches its limit, and the log then starts over.
  sqlite.pragma(`wal_autocheckpoint = ${WRITER_WAL_LIMIT}`);

  const statements = new Map<number, Database.Statement>();
  function statement(count: number): Database.Statement {
    let prepared = statements.get(count);
    if (!prepared) {
      // The body is bound as the bytes received and stored as text: no decoding it into a
      // string here and encoding it back for SQLite (~8 µs a 10 KB body).
      const tuple = `(${COLUMNS.map((c) => (c === "payload" ? "CAST(? AS TEXT)" : "?")).join(", ")})`;
      prepared = sqlite.prepare(
        `INSERT INTO "WebhookDelivery" (${COLUMN_LIST}) VALUES ${Array<string>(count).fill(tuple).join(", ")}`,
      );
      statements.set(count, prepared);
    }
    return prepared;
  }

  return {
    write(batch) {
      const { id } = batch;
      let answer: BatchAnswer;
      try {
        const rows = unpackBatch(batch);
        const params: unknown[] = [];
        for (const row of rows) {
          // Same order as COLUMNS.
          params.push(
            row.id,
            row.shop,
            row.topic,
            row.webhookId,
            row.eventId,
            time(row.triggeredAt),
            row.apiVersion,
            row.payload,
            time(row.receivedAt),
          );
        }
        statement(rows.length).run(params);
        answer = { id };
      } catch (error) {
        answer = { id, error: error instanceof Error ? error.message : String(error) };
      }
      return answer;
    },
    maintain() {
      // The checkpointer has copied all but the last few pages and asks this thread, the only
      // one that can stop the log from growing meanwhile, to finish: the log then starts over.
      if (Atomics.exchange(data.finish, 0, 0) === 1) {
        try {
          sqlite.pragma("wal_checkpoint(PASSIVE)");
        } catch {
          // Busy: the checkpointer asks again.
        }
      }
    },
    close: () => sqlite.close(),
  };
}

function isWriterData(data: unknown): data is WriterData {
  return (data as Partial<WriterData> | null)?.thread === "amends-sqlite-writer";
}

// Run as a thread (sqlite-store.server.ts): one answer per batch, in the order they came.
const port = parentPort;
if (port && isWriterData(workerData)) {
  const writer = openWriter(workerData);
  port.on("message", (batch: BatchMessage) => {
    port.postMessage(writer.write(batch));
    // Once the batch is answered: its deliveries do not wait for the copy and syncs (10–30 ms).
    writer.maintain();
  });
}
