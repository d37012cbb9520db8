// The database: SQLite (embedded default, WAL mode) or PostgreSQL when DATABASE_URL says so.
// Driver adapters only, so no native Prisma engine is needed.
import { createRequire } from "node:module";

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

import { isPostgresUrl } from "../prisma/database-url";
import { env } from "./env.server";
import { logger } from "./logger.server";

export type Database = PrismaClient;

const require = createRequire(import.meta.url);

export function createDatabase(url: string): Database {
  if (isPostgresUrl(url)) {
    // Generated from the same data model by scripts/prisma.mjs: the API is the SQLite
    // client's, only the provider differs, so it is used through the same type.
    const generated = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
    return new generated.PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) });
  // WAL (set persistently by the migration step too) lets readers work while a writer commits;
  // synchronous=NORMAL is per connection, durable across app crashes, and triples insert
  // throughput here. Prisma runs it before any query that follows on the same connection.
  client.$queryRawUnsafe("PRAGMA journal_mode = WAL").then(
    () => client.$queryRawUnsafe("PRAGMA synchronous = NORMAL"),
  ).catch((error: unknown) => logger.error({ err: error }, "could not configure SQLite"));
  return client;
}

declare global {
  // Reused across dev-server reloads so connections do not pile up.
  var amendsDatabase: Database | undefined;
}

/** The app's database, opened on first use. */
export function db(): Database {
  globalThis.amendsDatabase ??= createDatabase(env().DATABASE_URL);
  return globalThis.amendsDatabase;
}
