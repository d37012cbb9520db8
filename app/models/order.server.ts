// Amends' copy of each order's state. Writes never go back in time: a delivery carrying data
// older than what is stored leaves the row as it is.
import type { Database } from "../db.server";
import type { Gid, OrderState } from "../incidents/model";
import { notFromShops, uninstalledShops } from "./shop.server";

export interface StoredOrder {
  state: OrderState;
  sourceUpdatedAt: Date;
  dueAt: Date | null;
}

export async function loadOrder(db: Database, shop: string, orderId: Gid): Promise<StoredOrder | null> {
  const row = await db.orderRecord.findUnique({ where: { shop_orderId: { shop, orderId } } });
  if (!row) return null;
  return { state: row.state as unknown as OrderState, sourceUpdatedAt: row.sourceUpdatedAt, dueAt: row.dueAt };
}

export type SaveOutcome = "created" | "updated" | "stale";

/**
 * Stores the order unless what is stored is newer (`sourceUpdatedAt` later than this copy's).
 * The check is part of the UPDATE's WHERE clause, so two processes cannot interleave a read and
 * a write and roll the order back.
 */
export async function saveOrder(
  db: Database,
  shop: string,
  state: OrderState,
  sourceUpdatedAt: Date,
  dueAt: Date | null,
): Promise<SaveOutcome> {
  const data = {
    name: state.name,
    customerId: state.customer?.id ?? null,
    state: state as unknown as object,
    sourceUpdatedAt,
    dueAt,
  };
  const updated = await db.orderRecord.updateMany({
    where: { shop, orderId: state.id, sourceUpdatedAt: { lte: sourceUpdatedAt } },
    data,
  });
  let outcome: SaveOutcome = "updated";
  if (updated.count === 0) {
    const exists = await db.orderRecord.count({ where: { shop, orderId: state.id } });
    if (exists) return "stale";
    try {
      await db.orderRecord.create({ data: { shop, orderId: state.id, ...data } });
      outcome = "created";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another process created it a moment ago: try once more as an update.
      return saveOrder(db, shop, state, sourceUpdatedAt, dueAt);
    }
  }
  await saveWaitingLines(db, shop, state);
  return outcome;
}

/** Re-indexes the units the order still waits for, by variant. */
async function saveWaitingLines(db: Database, shop: string, state: OrderState): Promise<void> {
  const waiting = new Map<string, number>();
  if (!state.cancelledAt) {
    for (const line of state.lines) {
      if (line.variantId && line.unfulfilledQuantity > 0) {
        waiting.set(line.variantId, (waiting.get(line.variantId) ?? 0) + line.unfulfilledQuantity);
      }
    }
  }
  const orderedAt = new Date(state.paidAt ?? state.createdAt);
  await db.$transaction([
    db.waitingLine.deleteMany({ where: { shop, orderId: state.id } }),
    db.waitingLine.createMany({
      data: [...waiting].map(([variantId, quantity]) => ({ shop, orderId: state.id, variantId, quantity, orderedAt })),
    }),
  ]);
}

/** Orders still waiting for units of this variant, newest first. */
export async function ordersWaitingFor(db: Database, shop: string, variantId: Gid): Promise<OrderState[]> {
  const lines = await db.waitingLine.findMany({
    where: { shop, variantId },
    orderBy: { orderedAt: "desc" },
    select: { orderId: true },
  });
  if (lines.length === 0) return [];
  const rows = await db.orderRecord.findMany({ where: { shop, orderId: { in: lines.map((l) => l.orderId) } } });
  const byId = new Map(rows.map((row) => [row.orderId, row.state as unknown as OrderState]));
  return lines.flatMap((line) => {
    const state = byId.get(line.orderId);
    return state ? [state] : [];
  });
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

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}
