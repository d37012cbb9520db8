// Stock levels below zero held for the oversell rule (InventoryShortfall): the statements the
// inventory_levels/update handler runs for nearly every level Shopify sends. Plain SQL
// (sql.server.ts): Prisma's query compile cost several times the statements themselves.
import type { Gid } from "../incidents/model";
import type { Database } from "../db.server";
import type { Shortfall } from "./order.server";
import { execute, queryRows, sql } from "./sql.server";

/**
 * Forgets the item's shortfall at the location unless what is held is newer than `asOf` (a level
 * back at or above zero); returns the variants whose shortfall it forgot.
 */
export async function clearShortfalls(db: Database, shop: string, inventoryItemId: Gid, locationId: Gid, asOf: Date): Promise<Gid[]> {
  const rows = await queryRows(
    db,
    sql`DELETE FROM "InventoryShortfall"
    WHERE "shop" = ${shop} AND "inventoryItemId" = ${inventoryItemId} AND "locationId" = ${locationId} AND "updatedAt" <= ${asOf}
    RETURNING "variantId"`,
    {},
  );
  return rows.map((row) => row.variantId as Gid).sort();
}

/** The item's shortfalls at its other locations, by variant then location. */
export async function shortfallsElsewhere(db: Database, shop: string, inventoryItemId: Gid, locationId: Gid): Promise<Shortfall[]> {
  const rows = await queryRows(
    db,
    sql`SELECT "variantId", "inventoryItemId", "locationId", "available" FROM "InventoryShortfall"
    WHERE "shop" = ${shop} AND "inventoryItemId" = ${inventoryItemId} AND "locationId" <> ${locationId}
    ORDER BY "variantId", "locationId"`,
    { available: "int" },
  );
  return rows as unknown as Shortfall[];
}

/** A stock level below zero as Shopify reported it at `updatedAt`. */
export interface ReportedShortfall extends Shortfall {
  updatedAt: Date;
}

/**
 * Holds the level as the variant's shortfall at the location unless what is held is newer (a
 * copy that arrived late); returns whether it was held. One statement, for the reason at the top.
 */
export async function holdShortfall(db: Database, shop: string, level: ReportedShortfall): Promise<boolean> {
  const { variantId, inventoryItemId, locationId, available, updatedAt } = level;
  const changed = await execute(
    db,
    sql`INSERT INTO "InventoryShortfall" ("shop", "variantId", "inventoryItemId", "locationId", "available", "updatedAt")
    VALUES (${shop}, ${variantId}, ${inventoryItemId}, ${locationId}, ${available}, ${updatedAt})
    ON CONFLICT ("shop", "variantId", "locationId") DO UPDATE SET "available" = excluded."available", "updatedAt" = excluded."updatedAt"
    WHERE "InventoryShortfall"."updatedAt" <= excluded."updatedAt"`,
  );
  return changed > 0;
}
