// The SQLite writer (writer.thread.ts): in this thread, then as the delivery store runs it, in a
// thread of its own. Each batch commits as one transaction, before it is answered; a batch that
// cannot be written is answered with SQLite's reason for every delivery in it.
import { randomUUID } from "node:crypto";
import path from "node:path";

import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

import type { DeliveryRow } from "../delivery-store.server";
import { openDeliveryStore } from "../delivery-store.server";
import { packBatch } from "./messages";
import { openWriter } from "./writer.thread";

const file = path.resolve((process.env.DATABASE_URL ?? "").replace(/^file:/, ""));
/** A SQLite database without Amends' tables (not migrated). */
function emptyDatabase(): string {
  const empty = path.join(path.dirname(file), `${randomUUID()}.sqlite`);
  new Database(empty).close();
  return empty;
}
const shop = `writer-${randomUUID().slice(0, 8)}.myshopify.com`;

function row(overrides: Partial<DeliveryRow> = {}): DeliveryRow {
  const eventId = randomUUID();
  return {
    id: randomUUID(),
    shop,
    topic: "orders/create",
    webhookId: randomUUID(),
    eventId,
    triggeredAt: new Date("2026-11-20T10:00:00.123Z"),
    apiVersion: "2026-10",
    payload: Buffer.from(JSON.stringify({ id: 820982911946154508n.toString(), eventId, note: "Grüße" })),
    receivedAt: new Date("2026-11-20T10:00:01.456Z"),
    ...overrides,
  };
}

/** What another connection (the worker's, Prisma's) reads. */
const reader = new Database(file, { readonly: true });
const stored = (ids: string[]) =>
  reader
    .prepare(`SELECT id, payload, triggeredAt, receivedAt, apiVersion FROM "WebhookDelivery" WHERE id IN (${ids.map(() => "?").join(", ")}) ORDER BY id`)
    .all(...ids) as { id: string; payload: string; triggeredAt: string | null; receivedAt: string; apiVersion: string | null }[];
afterAll(() => reader.close());

describe("the SQLite writer", () => {
  const finish = new Int32Array(new SharedArrayBuffer(4));
  const writer = openWriter({ file, finish });
  afterAll(() => writer.close());

  it("commits a batch in one statement, bodies as received and times as Prisma reads them", () => {
    const rows = [row(), row({ triggeredAt: null, apiVersion: null }), row()];
    expect(writer.write(packBatch(1, rows))).toEqual({ id: 1 });
    const read = stored(rows.map((r) => r.id));
    expect(read).toHaveLength(3);
    const first = read.find((r) => r.id === rows[0]!.id)!;
    expect(first.payload).toBe(rows[0]!.payload.toString("utf8"));
    expect(first.triggeredAt).toBe("2026-11-20T10:00:00.123+00:00");
    expect(first.receivedAt).toBe("2026-11-20T10:00:01.456+00:00");
    const second = read.find((r) => r.id === rows[1]!.id)!;
    expect(second.triggeredAt).toBeNull();
    expect(second.apiVersion).toBeNull();
  });

  it("stores every copy of an event, in the same batch or a later one (the processor tells them apart)", () => {
    const original = row();
    const sameEvent = row({ eventId: original.eventId });
    const sameWebhook = row({ webhookId: original.webhookId });
    expect(writer.write(packBatch(2, [original, sameEvent]))).toEqual({ id: 2 });
    expect(writer.write(packBatch(3, [sameWebhook]))).toEqual({ id: 3 });
    expect(stored([original.id, sameEvent.id, sameWebhook.id]).map((r) => r.id).sort()).toEqual([original.id, sameEvent.id, sameWebhook.id].sort());
  });

  it("reads only the batch in a shared buffer packed again, never what an earlier, longer batch left in it", () => {
    const shared = new SharedArrayBuffer(1024 * 1024);
    const earlier = [row(), row(), row()];
    expect(writer.write(packBatch(8, earlier, shared))).toEqual({ id: 8 });
    const later = row({ payload: Buffer.from('{"id":"1"}') });
    expect(writer.write(packBatch(9, [later], shared))).toEqual({ id: 9 });
    expect(stored([later.id])).toEqual([expect.objectContaining({ id: later.id, payload: '{"id":"1"}' })]);
    expect(stored(earlier.map((r) => r.id))).toHaveLength(3);
    // Cut to less than its length, the batch fails as a whole instead of reading past it.
    const next = row();
    const packed = packBatch(10, [next], shared);
    expect(writer.write({ ...packed, length: packed.length - 1 }).error).toBeDefined();
    expect(stored([next.id])).toEqual([]);
  });

  it("answers a batch it cannot write with SQLite's reason, and goes on with the next", () => {
    const unmigrated = openWriter({ file: emptyDatabase(), finish });
    const answer = unmigrated.write(packBatch(4, [row(), row()]));
    unmigrated.close();
    expect(answer).toEqual({ id: 4, error: expect.stringContaining("no such table: WebhookDelivery") });
    // The same thread goes on: a batch it cannot read (cut short) fails alone, the good row in
    // it with it.
    const good = row();
    const cut = packBatch(5, [good]);
    expect(writer.write({ ...cut, length: 40 }).error).toBeDefined();
    expect(stored([good.id])).toEqual([]);
    expect(writer.write(packBatch(6, [good]))).toEqual({ id: 6 });
    expect(stored([good.id])).toHaveLength(1);
  });

  it("finishes the checkpoint after its batch is answered when the checkpointer asks, and takes the request", () => {
    Atomics.store(finish, 0, 1);
    writer.write(packBatch(7, [row()]));
    // The batch's answer does not wait for the checkpoint: that comes once it is sent.
    expect(Atomics.load(finish, 0)).toBe(1);
    writer.maintain();
    expect(Atomics.load(finish, 0)).toBe(0);
    // Copied back: the next checkpoint finds nothing left of the log to copy.
    const [result] = reader.pragma("wal_checkpoint(PASSIVE)") as { log: number; checkpointed: number }[];
    expect(result!.checkpointed).toBe(result!.log);
  });
});

describe("the writer in its thread, as the delivery store runs it", () => {
  it("answers each insert once its batch is committed: another connection reads it at once", async () => {
    const store = openDeliveryStore(`file:${file}`);
    const batches = [[row(), row()], [row()], [row(), row(), row()]];
    await Promise.all(
      batches.map(async (rows) => {
        await store.insert(rows);
        // Answered: committed, so readable by another connection (and kept if the app dies now).
        expect(stored(rows.map((r) => r.id))).toHaveLength(rows.length);
      }),
    );
    await store.close();
  });

  it("stores batches one after another in the buffers it keeps, and a batch too big to keep one for", async () => {
    const store = openDeliveryStore(`file:${file}`);
    // 4 × 5 MB is over what the store keeps a buffer for: that batch gets one of its own.
    const big = Array.from({ length: 4 }, (_, i) => row({ payload: Buffer.alloc(5 * 1024 * 1024, 48 + i) }));
    const rounds = [[row(), row(), row()], [row()], big, [row(), row()], [row()]];
    for (const rows of rounds) await store.insert(rows);
    for (const rows of rounds) {
      const read = new Map(stored(rows.map((r) => r.id)).map((r) => [r.id, r.payload]));
      expect(read.size).toBe(rows.length);
      for (const r of rows) expect(read.get(r.id) === r.payload.toString("utf8")).toBe(true);
    }
    await store.close();
  });

  it("rejects every delivery of a batch that was not written, with the reason", async () => {
    const store = openDeliveryStore(`file:${emptyDatabase()}`);
    const outcomes = await Promise.allSettled([store.insert([row(), row()]), store.insert([row()])]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    for (const outcome of outcomes) expect(String((outcome as PromiseRejectedResult).reason)).toContain("no such table");
    await store.close();
  });

  it("rejects a batch when its thread cannot open the database, and does not hang", async () => {
    const store = openDeliveryStore(`file:${path.join(path.dirname(file), randomUUID(), "missing.sqlite")}`);
    await expect(store.insert([row()])).rejects.toThrow();
    await store.close();
  });
});
