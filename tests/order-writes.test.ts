// An order's write (app/models/order.server.ts) sets its indexed columns (dueAt, customerId)
// only when they change, and only as part of the write that lands: a write that loses the race
// to another writer changes nothing of the row the other wrote. On both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import type { OrderState } from "../app/incidents/model";
import { changeOrder, loadOrder } from "../app/models/order.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";

const SHOP = "order-writes.myshopify.com";

function order(id: string, customer: string | null): OrderState {
  return {
    id,
    name: "#1001",
    createdAt: "2026-11-20T10:00:00.000Z",
    paidAt: null,
    cancelledAt: null,
    cancelReason: null,
    customer: customer ? { id: customer, email: null, firstName: null, lastName: null } : null,
    lines: [],
    fulfillments: [],
    totalPrice: { amount: "10.00", currencyCode: "EUR" },
  };
}

describe.each(testDatabases())("order writes on $name", ({ url }) => {
  let db: Database;
  const early = new Date("2026-11-21T10:00:00Z");
  const late = new Date("2026-11-25T10:00:00Z");

  beforeAll(async () => {
    db = databaseFor(url);
    await clearShop(db, SHOP);
  });
  afterAll(() => clearShop(db, SHOP));

  it("a write that loses the race leaves the winner's due time and customer as the winner wrote them", async () => {
    const id = "gid://shopify/Order/9101";
    await changeOrder(db, SHOP, id, () => ({ state: order(id, null), dueAt: early }));
    let asked = 0;
    await changeOrder(db, SHOP, id, async (stored) => {
      asked++;
      if (asked > 1) return null; // on a second look, the winner's news leaves nothing to write
      // Another writer lands between this writer's read and its write.
      await changeOrder(db, SHOP, id, (theirs) => ({ state: { ...(theirs?.state as OrderState), name: "#1001-winner" }, dueAt: late }));
      return { state: { ...(stored?.state as OrderState), customer: order(id, "gid://shopify/Customer/7").customer }, dueAt: new Date("2026-11-30T10:00:00Z") };
    });
    expect(asked).toBe(2);
    const row = await db.orderRecord.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: id } } });
    expect(row).toMatchObject({ name: "#1001-winner", dueAt: late, customerId: null, revision: 1 });
  });

  it("sets the due time and the customer when they change, and keeps them when they do not", async () => {
    const id = "gid://shopify/Order/9102";
    await changeOrder(db, SHOP, id, () => ({ state: order(id, null), dueAt: early }));
    await changeOrder(db, SHOP, id, (stored) => ({ state: { ...(stored?.state as OrderState), name: "#1001-b" }, dueAt: early }));
    expect(await db.orderRecord.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: id } } })).toMatchObject({ name: "#1001-b", dueAt: early, customerId: null });
    await changeOrder(db, SHOP, id, (stored) => ({ state: { ...(stored?.state as OrderState), customer: order(id, "gid://shopify/Customer/8").customer }, dueAt: null }));
    const row = await db.orderRecord.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId: id } } });
    expect(row).toMatchObject({ dueAt: null, customerId: "gid://shopify/Customer/8", revision: 2 });
    expect((await loadOrder(db, SHOP, id))?.state.customer?.id).toBe("gid://shopify/Customer/8");
  });
});
