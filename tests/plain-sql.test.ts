// The processor's plain SQL (app/models/sql.server.ts) on both databases: rows it writes read
// back through Prisma exactly as Prisma's own writes do and the other way round, its
// transactions are all or nothing, a unique key's refusal is recognised, and inside an
// interactive transaction it runs in that transaction. On SQLite it must run on Prisma's own
// connection (prepared statements), not through Prisma's raw queries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { sqliteConnectionOf } from "../app/db.server";
import { isUniqueViolation } from "../app/models/order.server";
import { execute, executeAll, queryAllRows, queryRows, sql } from "../app/models/sql.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";

const SHOP = "plain-sql.myshopify.com";

describe.each(testDatabases())("plain SQL on $name", ({ name, url }) => {
  let db: Database;

  beforeAll(async () => {
    db = databaseFor(url);
    await clearShop(db, SHOP);
  });
  afterAll(() => clearShop(db, SHOP));

  const state = { id: "gid://shopify/Order/1", name: "#1001", lines: [{ q: 2, note: "ü \"quoted\"" }], cancelledAt: null };
  const dueAt = new Date(Date.UTC(2026, 10, 27, 8, 30, 15, 123));

  it("reads what Prisma wrote, with the columns decoded as Prisma decodes them", async () => {
    await db.orderRecord.create({
      data: { shop: SHOP, orderId: "prisma-wrote", name: "#1001", state, sourceUpdatedAt: dueAt, dueAt, copyVersion: { v: 1 }, revision: 3 },
    });
    const rows = await queryRows(
      db,
      sql`SELECT "state", "sourceUpdatedAt", "dueAt", "copyVersion", "revision", "customerId" FROM "OrderRecord" WHERE "shop" = ${SHOP} AND "orderId" = ${"prisma-wrote"}`,
      { state: "json", sourceUpdatedAt: "date", dueAt: "date", copyVersion: "json", revision: "int" },
    );
    expect(rows).toEqual([{ state, sourceUpdatedAt: dueAt, dueAt, copyVersion: { v: 1 }, revision: 3, customerId: null }]);
    if (name === "sqlite") expect(sqliteConnectionOf(db)).toBeDefined();
  });

  it("writes what Prisma reads back exactly as its own writes", async () => {
    const changed = await execute(
      db,
      sql`INSERT INTO "OrderRecord" ("shop", "orderId", "name", "state", "sourceUpdatedAt", "dueAt", "updatedAt", "copyVersion", "revision")
      VALUES (${SHOP}, ${"sql-wrote"}, ${"#1001"}, ${JSON.stringify(state)}, ${dueAt}, ${dueAt}, ${dueAt}, ${null}, ${0})`,
    );
    expect(changed).toBe(1);
    const read = await db.orderRecord.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: "sql-wrote" } } });
    expect(read).toMatchObject({ state, sourceUpdatedAt: dueAt, dueAt, copyVersion: null, revision: 0 });
    // A Date compares with what Prisma stored: the later one is due, the earlier one not.
    const due = (at: Date) =>
      queryRows(db, sql`SELECT "orderId" FROM "OrderRecord" WHERE "shop" = ${SHOP} AND "dueAt" <= ${at} ORDER BY "orderId"`, {});
    expect((await due(new Date(dueAt.getTime() + 1))).map((r) => r.orderId)).toEqual(["prisma-wrote", "sql-wrote"]);
    expect(await due(new Date(dueAt.getTime() - 1))).toEqual([]);
    // The same instant compares equal, both ways, to what either wrote: stored alike.
    expect((await due(dueAt)).map((r) => r.orderId)).toEqual(["prisma-wrote", "sql-wrote"]);
    const notBefore = await queryRows(db, sql`SELECT "orderId" FROM "OrderRecord" WHERE "shop" = ${SHOP} AND "dueAt" >= ${dueAt} ORDER BY "orderId"`, {});
    expect(notBefore.map((r) => r.orderId)).toEqual(["prisma-wrote", "sql-wrote"]);
  });

  it("writes a transaction's statements all or none, and says a unique key refused one", async () => {
    const insert = (orderId: string) => sql`INSERT INTO "WaitingLine" ("shop", "orderId", "variantId", "quantity", "orderedAt")
      VALUES (${SHOP}, ${orderId}, ${"v1"}, ${1}, ${dueAt})`;
    const error = await executeAll(db, [insert("first"), insert("second"), insert("first")]).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await db.waitingLine.count({ where: { shop: SHOP } })).toBe(0);
    expect(await executeAll(db, [insert("first"), insert("second")])).toEqual([1, 1]);
    const returned = await queryAllRows(
      db,
      [sql`UPDATE "WaitingLine" SET "quantity" = 5 WHERE "shop" = ${SHOP} AND "orderId" = ${"first"} RETURNING "orderId", "quantity", "orderedAt"`],
      { quantity: "int", orderedAt: "date" },
    );
    expect(returned).toEqual([{ orderId: "first", quantity: 5, orderedAt: dueAt }]);
  });

  it("runs inside an interactive transaction, and is rolled back with it", async () => {
    const rollback = new Error("roll back");
    await expect(
      db.$transaction(async (tx) => {
        await executeAll(tx as Database, [sql`DELETE FROM "WaitingLine" WHERE "shop" = ${SHOP}`]);
        const inside = await queryRows(tx as Database, sql`SELECT "orderId" FROM "WaitingLine" WHERE "shop" = ${SHOP}`, {});
        expect(inside).toEqual([]);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await db.waitingLine.count({ where: { shop: SHOP } })).toBe(2);
  });
});
