// SQLite through better-sqlite3 in a writer thread (writer.thread.ts): WAL, synchronous=NORMAL,
// and a checkpointer thread (checkpointer.thread.ts) that keeps the log short. The main thread
// only packs each batch and hands it over; each delivery in it is answered once the writer says
// the batch is committed.
import { openSync } from "node:fs";
import path from "node:path";
import type { Worker } from "node:worker_threads";

import type { DeliveryStore } from "../delivery-store.server";
import type { BatchAnswer, CheckpointerData, WriterData } from "./messages";
import { packBatch, packedSize } from "./messages";
import { startThread } from "./thread.server";

// One descriptor per database file for the checkpointer's syncs, kept open (messages.ts).
const syncDescriptors = new Map<string, number>();

// Batches are packed into shared buffers that are kept and packed again once their batch is
// answered: with a fresh buffer per batch, allocated here, moved to the thread and freed there,
// packing a batch of ~15 deliveries took the main thread 92–126 µs; into a kept buffer it takes
// 74–91 µs (alternated runs, bench/RESULTS.md). A buffer bigger than this is not kept.
const KEPT_BUFFER_LIMIT = 16 * 1024 * 1024;
const SMALLEST_BUFFER = 1024 * 1024;
/** The batches in hand at once (pipeline: 2), and one more of another size. */
const KEPT_BUFFERS = 3;

export function sqliteStore(url: string): DeliveryStore {
  const file = path.resolve(url.replace(/^file:/, ""));
  let thread: Worker | null = null;
  let checkpointer: Worker | null = null;
  let closed = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void; buffer: SharedArrayBuffer }>();
  const spare: SharedArrayBuffer[] = [];
  const bufferFor = (size: number): SharedArrayBuffer => {
    const fits = spare.findIndex((buffer) => buffer.byteLength >= size);
    if (fits >= 0) return spare.splice(fits, 1)[0]!;
    return new SharedArrayBuffer(Math.max(SMALLEST_BUFFER, 2 ** Math.ceil(Math.log2(size))));
  };
  // Set by the checkpointer, taken by the writer: "finish the checkpoint after your batch".
  const finish = new Int32Array(new SharedArrayBuffer(4));

  const start = () => {
    const workerData: WriterData = { thread: "amends-sqlite-writer", file, finish };
    const started = startThread(new URL("./writer.thread.ts", import.meta.url), { workerData });
    started.on("message", ({ id, error }: BatchAnswer) => {
      const pending = waiting.get(id);
      waiting.delete(id);
      // Answered: the thread is done reading the batch's buffer.
      if (pending && pending.buffer.byteLength <= KEPT_BUFFER_LIMIT && spare.length < KEPT_BUFFERS) spare.push(pending.buffer);
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
    started.on("exit", (code) => died(new Error(`the SQLite writer thread exited with code ${code}`)));
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
    const workerData: CheckpointerData = { thread: "amends-sqlite-checkpointer", file, syncFd, finish };
    const started = startThread(new URL("./checkpointer.thread.ts", import.meta.url), { workerData });
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
      thread ??= start();
      const writer = thread;
      const id = ++nextId;
      return new Promise<void>((resolve, reject) => {
        const buffer = bufferFor(packedSize(rows));
        waiting.set(id, { resolve, reject, buffer });
        writer.ref();
        const batch = packBatch(id, rows, buffer);
        writer.postMessage(batch);
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
