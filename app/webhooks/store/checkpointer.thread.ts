// The checkpointer: copies what the writer (writer.thread.ts) appends to the write-ahead log into
// the database, alongside it (PASSIVE never holds up a writer), so the writer does not have to
// stop and do it. While deliveries keep arriving, though, a pass never reaches the end of the
// log (the writer appends during it), and then SQLite neither syncs the database file nor starts
// the log over: the writer did both when the log reached its limit (wal_autocheckpoint),
// copying and syncing everything left in one go — 50–80 ms, and up to 400 ms, once a second
// during a burst, with every delivery in flight waiting. So: passes come every 50 ms while there
// is work (every 20 ms cost ~30 % more: a page the writer changes again and again, the end of
// each index, is copied once a pass); the checkpointer syncs the database file itself (at most
// every 50 ms; an extra sync is always safe); and once the log passes 60 % of the writer's
// limit, each pass asks the writer to copy what is left after its next batch — a pass's worth of
// pages — so the log starts over long before the limit.
import { fdatasyncSync } from "node:fs";
import { workerData } from "node:worker_threads";

import Database from "better-sqlite3";

import type { CheckpointerData } from "./messages";
import { WRITER_WAL_LIMIT } from "./messages";

export const CHECKPOINT_BUSY_MS = 50;
export const CHECKPOINT_IDLE_MS = 250;
export const CHECKPOINT_SYNC_MS = 50;
export const CHECKPOINT_NEAR_MS = 5;
/** Log pages past which the writer is asked to finish the checkpoint. */
export const NEAR_LIMIT = Math.round(WRITER_WAL_LIMIT * 0.6);

export interface Checkpointer {
  /** One pass; returns the milliseconds until the next. */
  pass(): number;
  close(): void;
}

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export function openCheckpointer(
  data: Pick<CheckpointerData, "file" | "syncFd" | "finish">,
  options: { now?: () => number; sync?: (fd: number) => void; nearPages?: number } = {},
): Checkpointer {
  const nearPages = options.nearPages ?? NEAR_LIMIT;
  const now = options.now ?? (() => performance.now());
  const sync = options.sync ?? fdatasyncSync;
  const sqlite = new Database(data.file, { timeout: 5000 });
  sqlite.pragma("synchronous = NORMAL");
  let last = "";
  let synced = 0;
  let unsynced = false;
  return {
    pass() {
      let worked = false;
      let near = false;
      try {
        const [result] = sqlite.pragma("wal_checkpoint(PASSIVE)") as CheckpointResult[];
        const { log, checkpointed } = result ?? { log: 0, checkpointed: 0 };
        worked = checkpointed > 0 && `${log}/${checkpointed}` !== last;
        last = `${log}/${checkpointed}`;
        near = worked && log >= nearPages;
        unsynced ||= worked;
        if (unsynced && (near || now() - synced >= CHECKPOINT_SYNC_MS)) {
          sync(data.syncFd);
          synced = now();
          unsynced = false;
        }
        // What is left is what the writer appended during this pass: the writer copies it after
        // its next batch, and the log starts over (a pass never catches up while it writes).
        if (near) Atomics.store(data.finish, 0, 1);
      } catch {
        // Busy or failed: the next pass tries again, and the writer's own limit is the backstop.
      }
      return near ? CHECKPOINT_NEAR_MS : worked || unsynced ? CHECKPOINT_BUSY_MS : CHECKPOINT_IDLE_MS;
    },
    close: () => sqlite.close(),
  };
}

function isCheckpointerData(data: unknown): data is CheckpointerData {
  return (data as Partial<CheckpointerData> | null)?.thread === "amends-sqlite-checkpointer";
}

// Run as a thread (sqlite-store.server.ts): passes until the thread is terminated.
if (isCheckpointerData(workerData)) {
  const checkpointer = openCheckpointer(workerData);
  const pass = () => setTimeout(pass, checkpointer.pass());
  pass();
}
