// The checkpointer (checkpointer.thread.ts) beside a real writer on the test's SQLite file: it
// folds what the writer appended back into the database, syncs the file when it did, idles when
// there is nothing to do, and near the writer's limit asks the writer to finish the checkpoint.
import { randomUUID } from "node:crypto";
import { openSync } from "node:fs";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import type { DeliveryRow } from "../delivery-store.server";
import { CHECKPOINT_BUSY_MS, CHECKPOINT_IDLE_MS, CHECKPOINT_NEAR_MS, CHECKPOINT_SYNC_MS, openCheckpointer } from "./checkpointer.thread";
import { packBatch } from "./messages";
import { openWriter } from "./writer.thread";

const file = path.resolve((process.env.DATABASE_URL ?? "").replace(/^file:/, ""));
const shop = `checkpoint-${randomUUID().slice(0, 8)}.myshopify.com`;
const rows = (count: number): DeliveryRow[] =>
  Array.from({ length: count }, () => ({
    id: randomUUID(),
    shop,
    topic: "orders/create",
    webhookId: randomUUID(),
    eventId: randomUUID(),
    triggeredAt: null,
    apiVersion: null,
    payload: Buffer.alloc(8_000, "x"),
    receivedAt: new Date(),
  }));

describe("the checkpointer", () => {
  const finish = new Int32Array(new SharedArrayBuffer(4));
  const writer = openWriter({ file, finish });
  const syncFd = openSync(file, "r+");
  let clock = 1_000;
  const syncs: number[] = [];
  const checkpointer = openCheckpointer(
    { file, syncFd, finish },
    { now: () => clock, sync: (fd) => syncs.push(fd), nearPages: 1_000_000 },
  );
  afterAll(() => {
    writer.close();
    checkpointer.close();
  });

  it("copies the writer's log into the database and syncs the file, then idles", () => {
    expect(writer.write(packBatch(1, rows(20)))).toEqual({ id: 1 });
    expect(checkpointer.pass()).toBe(CHECKPOINT_BUSY_MS);
    expect(syncs).toEqual([syncFd]);
    // Nothing new: no sync, and the next pass comes later.
    clock += CHECKPOINT_SYNC_MS;
    expect(checkpointer.pass()).toBe(CHECKPOINT_IDLE_MS);
    expect(syncs).toHaveLength(1);
  });

  it("syncs at most every 50 ms while the writer keeps writing, and never leaves a copy unsynced", () => {
    syncs.length = 0;
    writer.write(packBatch(2, rows(5)));
    expect(checkpointer.pass()).toBe(CHECKPOINT_BUSY_MS);
    clock += 10;
    writer.write(packBatch(3, rows(5)));
    expect(checkpointer.pass()).toBe(CHECKPOINT_BUSY_MS);
    expect(syncs).toHaveLength(1); // 10 ms after the last: not yet
    clock += CHECKPOINT_SYNC_MS;
    // Nothing new copied, but what was copied is still unsynced: synced now, then idle.
    expect(checkpointer.pass()).toBe(CHECKPOINT_IDLE_MS);
    expect(syncs).toHaveLength(2);
  });

  it("near the writer's limit asks the writer to finish the checkpoint after its next batch", () => {
    const near = openCheckpointer({ file, syncFd, finish }, { now: () => clock, sync: () => {}, nearPages: 1 });
    writer.write(packBatch(4, rows(30)));
    expect(near.pass()).toBe(CHECKPOINT_NEAR_MS);
    expect(Atomics.load(finish, 0)).toBe(1);
    writer.write(packBatch(5, rows(1)));
    writer.maintain();
    expect(Atomics.load(finish, 0)).toBe(0);
    near.close();
  });
});
