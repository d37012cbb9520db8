// The two real databases every persistence test runs against: this file's SQLite copy
// (tests/setup/each-file.ts) and the run's PostgreSQL database (tests/setup/global.ts).
import { inject } from "vitest";

import type { Database } from "../../app/db.server";
import { createDatabase } from "../../app/db.server";

export interface TestDatabase {
  name: "sqlite" | "postgres";
  url: string;
}

export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: "sqlite", url: process.env.DATABASE_URL ?? "" }];
  const postgres = inject("postgresUrl");
  if (postgres) list.push({ name: "postgres", url: postgres });
  return list;
}

const open = new Map<string, Database>();

/** One client per URL per test file. */
export function databaseFor(url: string): Database {
  let client = open.get(url);
  if (!client) {
    client = createDatabase(url);
    open.set(url, client);
  }
  return client;
}

/** Empties Amends' tables (PostgreSQL is shared by the run's files: scope rows by shop). */
export async function clearShop(database: Database, shop: string): Promise<void> {
  await database.incidentEvent.deleteMany({ where: { incident: { shop } } });
  await database.remediation.deleteMany({ where: { shop } });
  await database.incident.deleteMany({ where: { shop } });
  await database.webhookDelivery.deleteMany({ where: { shop } });
  await database.orderRecord.deleteMany({ where: { shop } });
  await database.waitingLine.deleteMany({ where: { shop } });
  await database.inventoryShortfall.deleteMany({ where: { shop } });
  await database.dataRequest.deleteMany({ where: { shop } });
  await database.outgoingMessage.deleteMany({ where: { shop } });
  await database.session.deleteMany({ where: { shop } });
  await database.shop.deleteMany({ where: { domain: shop } });
}
