// Amends' copy of each order's state. Writes never go back in time: whether a copy is newer is
// decided by the caller (app/incidents/ordering.ts) on what it read, and the write lands only if
// nothing was written since that read.
import type { Database } from "../db.server";
import type { CopyVersion, Gid, OrderState } from "../incidents/model";
import { notFromShops, uninstalledShops } from "./shop.server";
import type { SqlQuery } from "./sql.server";
import { execute, executeAll, executeIfChanged, queryRows, sql } from "./sql.server";

export interface StoredOrder {
  state: OrderState;
  sourceUpdatedAt: Date;
  dueAt: Date | null;
  /** The order copy applied (null: the record was started from a fulfilment or an event). */
  copyVersion: CopyVersion | null;
}

export async function loadOrder(db: Database, shop: string, orderId: Gid): Promise<StoredOrder | null> {
  const row = await db.orderRecord.findUnique({ where: { shop_orderId: { shop, orderId } } });
  return row ? storedOrder(row) : null;
}

function storedOrder(row: { state: unknown; sourceUpdatedAt: Date; dueAt: Date | null; copyVersion: unknown }): StoredOrder {
  return {
    state: row.state as OrderState,
    sourceUpdatedAt: row.sourceUpdatedAt,
    dueAt: row.dueAt,
    copyVersion: (row.copyVersion ?? null) as CopyVersion | null,
  };
}

type OrderRow = { state: unknown; sourceUpdatedAt: Date; dueAt: Date | null; copyVersion: unknown; revision: number; customerId: string | null };

const ORDER_COLUMNS = { state: "json", sourceUpdatedAt: "date", dueAt: "date", copyVersion: "json", revision: "int" } as const;

/**
 * The order's row, read by its key. Plain SQL (sql.server.ts): the webhook processor reads an
 * order for nearly every delivery, and Prisma's query compile costs several times the read.
 */
async function orderRow(db: Database, shop: string, orderId: Gid): Promise<OrderRow | null> {
  const rows = await queryRows(
    db,
    sql`SELECT "state", "sourceUpdatedAt", "dueAt", "copyVersion", "revision", "customerId" FROM "OrderRecord"
    WHERE "shop" = ${shop} AND "orderId" = ${orderId}`,
    ORDER_COLUMNS,
  );
  return (rows[0] as OrderRow | undefined) ?? null;
}

/**
 * The conditional UPDATE of changeOrder, in plain SQL for the reason orderRow gives (JSON
 * columns are written as their text, as Prisma writes them). The indexed columns (dueAt,
 * customerId) are set only when they change, by statements of their own that run only if the
 * conditional UPDATE landed, in its transaction: SQLite rewrites the index entries of every
 * column an UPDATE sets, changed or not, and most news (a carrier event) changes neither. Set on
 * their own, the row keeps its size and SQLite rewrites only the bytes that changed; set with
 * the state, they cost more than both statements apart (bench/RESULTS.md).
 */
function updateOrderRow(db: Database, shop: string, orderId: Gid, read: OrderRow, write: OrderWrite, revision: number): Promise<number> {
  const state = JSON.stringify(write.state);
  const now = new Date();
  const update = write.copy
    ? sql`UPDATE "OrderRecord" SET "name" = ${write.state.name}, "state" = ${state}, "copyVersion" = ${JSON.stringify(write.copy.version)},
        "sourceUpdatedAt" = ${write.copy.sourceUpdatedAt}, "revision" = ${revision}, "updatedAt" = ${now}
      WHERE "shop" = ${shop} AND "orderId" = ${orderId} AND "revision" = ${read.revision}`
    : sql`UPDATE "OrderRecord" SET "name" = ${write.state.name}, "state" = ${state}, "revision" = ${revision}, "updatedAt" = ${now}
      WHERE "shop" = ${shop} AND "orderId" = ${orderId} AND "revision" = ${read.revision}`;
  const indexed: SqlQuery[] = [];
  if ((write.dueAt?.getTime() ?? null) !== (read.dueAt?.getTime() ?? null)) {
    indexed.push(sql`UPDATE "OrderRecord" SET "dueAt" = ${write.dueAt} WHERE "shop" = ${shop} AND "orderId" = ${orderId}`);
  }
  const customerId = write.state.customer?.id ?? null;
  if (customerId !== read.customerId) {
    indexed.push(sql`UPDATE "OrderRecord" SET "customerId" = ${customerId} WHERE "shop" = ${shop} AND "orderId" = ${orderId}`);
  }
  return indexed.length === 0 ? execute(db, update) : executeIfChanged(db, update, indexed);
}

/** The order's first row (revision 0), in plain SQL for the reason orderRow gives; 0 when
 * another process created it meanwhile (the caller reads it and builds on it). */
function insertOrderRow(db: Database, shop: string, orderId: Gid, write: OrderWrite): Promise<number> {
  const customerId = write.state.customer?.id ?? null;
  const copyVersion = write.copy ? JSON.stringify(write.copy.version) : null;
  const sourceUpdatedAt = write.copy?.sourceUpdatedAt ?? new Date(0);
  return execute(
    db,
    sql`INSERT INTO "OrderRecord" ("shop", "orderId", "name", "customerId", "state", "sourceUpdatedAt", "dueAt", "updatedAt", "copyVersion", "revision")
    VALUES (${shop}, ${orderId}, ${write.state.name}, ${customerId}, ${JSON.stringify(write.state)}, ${sourceUpdatedAt}, ${write.dueAt}, ${new Date()}, ${copyVersion}, 0)
    ON CONFLICT ("shop", "orderId") DO NOTHING`,
  );
}

export interface OrderWrite {
  state: OrderState;
  dueAt: Date | null;
  /** Given when the write applies an order copy; otherwise the held ones are kept. */
  copy?: { version: CopyVersion; sourceUpdatedAt: Date };
}

export type SaveOutcome = "created" | "updated" | "unchanged";

/**
 * Reads the order, asks `change` what to write (null: nothing), and writes it only if no one
 * wrote the order in between — the UPDATE is conditional on the revision read — or else reads
 * it again and asks again. So two deliveries of one order processed at once each build on the
 * other's news, and none is overwritten by a state read before it.
 */
export async function changeOrder(
  db: Database,
  shop: string,
  orderId: Gid,
  change: (stored: StoredOrder | null) => Promise<OrderWrite | null> | OrderWrite | null,
): Promise<{ outcome: SaveOutcome; state: OrderState | null }> {
  for (;;) {
    const row = await orderRow(db, shop, orderId);
    const stored = row ? storedOrder(row) : null;
    const write = await change(stored);
    if (!write) return { outcome: "unchanged", state: stored?.state ?? null };
    let revision = 0;
    if (!row) {
      if ((await insertOrderRow(db, shop, orderId, write)) === 0) continue; // another process created it a moment ago
    } else {
      revision = row.revision + 1;
      const updated = await updateOrderRow(db, shop, orderId, row, write, revision);
      if (updated === 0) continue; // written meanwhile: build on what is there now
    }
    // Most news (a carrier event, a refund) leaves what the order waits for as it was: then the
    // index already says it (a writer that changed it re-indexes what is newest, see below).
    if (waitingKey(write.state) !== (stored ? waitingKey(stored.state) : NOTHING_WAITING)) {
      await saveWaitingLines(db, shop, write.state, revision);
    }
    return { outcome: row ? "updated" : "created", state: write.state };
  }
}

/**
 * Re-indexes the units the order still waits for, by variant. A writer that finds the order
 * written again after its own write indexes that newer state instead: the last writer's index
 * is the one left, whatever order the writers' index writes land in.
 */
async function saveWaitingLines(db: Database, shop: string, written: OrderState, writtenRevision: number): Promise<void> {
  let state = written;
  let revision = writtenRevision;
  for (;;) {
    try {
      await indexWaitingLines(db, shop, state);
    } catch (error) {
      if (isUniqueViolation(error)) continue; // two writers' indexes crossed: index again
      throw error;
    }
    const now = await orderRow(db, shop, state.id);
    if (!now || now.revision === revision) return;
    state = now.state as unknown as OrderState;
    revision = now.revision;
  }
}

/** Units the order waits for, by variant. */
function waitingUnits(state: OrderState): Map<string, number> {
  const waiting = new Map<string, number>();
  if (!state.cancelledAt) {
    for (const line of state.lines) {
      if (line.variantId && line.unfulfilledQuantity > 0) {
        waiting.set(line.variantId, (waiting.get(line.variantId) ?? 0) + line.unfulfilledQuantity);
      }
    }
  }
  return waiting;
}

const NOTHING_WAITING = "[]";

/** What the order's index rows hold, as one string (NOTHING_WAITING: no rows). */
function waitingKey(state: OrderState): string {
  const waiting = [...waitingUnits(state)];
  return waiting.length === 0 ? NOTHING_WAITING : JSON.stringify([state.paidAt ?? state.createdAt, ...waiting]);
}

async function indexWaitingLines(db: Database, shop: string, state: OrderState): Promise<void> {
  const waiting = waitingUnits(state);
  const orderedAt = new Date(state.paidAt ?? state.createdAt);
  // Plain SQL, in one transaction, for the reason orderRow gives. Another writer's rows that
  // land in between are overwritten (this writer's index wins its variants), and saveWaitingLines
  // re-indexes if that writer's state is the newer.
  await executeAll(db, [
    sql`DELETE FROM "WaitingLine" WHERE "shop" = ${shop} AND "orderId" = ${state.id}`,
    ...[...waiting].map(
      ([variantId, quantity]) => sql`
        INSERT INTO "WaitingLine" ("shop", "orderId", "variantId", "quantity", "orderedAt")
        VALUES (${shop}, ${state.id}, ${variantId}, ${quantity}, ${orderedAt})
        ON CONFLICT ("shop", "orderId", "variantId") DO UPDATE SET "quantity" = excluded."quantity", "orderedAt" = excluded."orderedAt"`,
    ),
  ]);
}

/** A stock level below zero (InventoryShortfall) as the oversell rule judges it. */
export interface Shortfall {
  variantId: Gid;
  inventoryItemId: Gid;
  locationId: Gid;
  available: number;
}

/**
 * The shortfalls held for these variants, by variant then location. Plain SQL, one key lookup
 * per variant (an order has a few), for the reason orderRow gives: every order the processor
 * takes is checked against them.
 */
export async function shortfallsFor(db: Database, shop: string, variants: readonly Gid[]): Promise<Shortfall[]> {
  const found: Shortfall[] = [];
  for (const variantId of [...new Set(variants)].sort()) {
    const rows = await queryRows(
      db,
      sql`SELECT "variantId", "inventoryItemId", "locationId", "available" FROM "InventoryShortfall"
      WHERE "shop" = ${shop} AND "variantId" = ${variantId} ORDER BY "locationId"`,
      { available: "int" },
    );
    found.push(...(rows as unknown as Shortfall[]));
  }
  return found;
}

/**
 * Orders still waiting for units of this variant, newest first. Plain SQL for the reason
 * orderRow gives (an inventory level below zero and each order near one reads them).
 */
export async function ordersWaitingFor(db: Database, shop: string, variantId: Gid): Promise<OrderState[]> {
  const rows = await queryRows(
    db,
    sql`SELECT o."state" FROM "WaitingLine" w
    JOIN "OrderRecord" o ON o."shop" = w."shop" AND o."orderId" = w."orderId"
    WHERE w."shop" = ${shop} AND w."variantId" = ${variantId}
    ORDER BY w."orderedAt" DESC, w."orderId" DESC`,
    { state: "json" },
  );
  return rows.map((row) => row.state as OrderState);
}

/** Orders whose time-based rules are due: reads only due rows, through the dueAt index. Orders
 * of shops that uninstalled Amends stay due but are not read: they are looked at again if the
 * shop installs Amends again before shop/redact erases them. */
export async function dueOrders(db: Database, now: Date, limit: number) {
  const uninstalled = await uninstalledShops(db);
  return db.orderRecord.findMany({
    where: { dueAt: { lte: now }, ...notFromShops(uninstalled) },
    orderBy: { dueAt: "asc" },
    take: limit,
  });
}

export async function setDueAt(db: Database, shop: string, orderId: Gid, dueAt: Date | null): Promise<void> {
  await db.orderRecord.update({ where: { shop_orderId: { shop, orderId } }, data: { dueAt } });
}

/** A unique key refused a row: Prisma's P2002; from a plain statement (sql.server.ts), SQLite's
 * own code, or Prisma's P2010 (raw query failed) with the driver's unique violation under it. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  if (error.code === "P2010" && "meta" in error) {
    const cause = (error.meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined)?.driverAdapterError?.cause;
    return cause?.kind === "UniqueConstraintViolation";
  }
  return error.code === "P2002" || error.code === "SQLITE_CONSTRAINT_UNIQUE" || error.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
