// The database: SQLite (embedded default, WAL mode) or PostgreSQL when DATABASE_URL says so.
// Driver adapters only, so no native Prisma engine is needed.
import { createRequire } from "node:module";

import type BetterSqlite3 from "better-sqlite3";

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

import { isPostgresUrl } from "../prisma/database-url";
import { env } from "./env.server";
import { logger } from "./logger.server";

export type Database = PrismaClient;

const require = createRequire(import.meta.url);

/**
 * The SQLite adapter, keeping hold of the better-sqlite3 connection it opens, so the webhook
 * processor's hot queries can run as prepared statements on that same connection
 * (app/models/sql.server.ts): the same transactions and locks as Prisma's own queries, without
 * Prisma's per-query compile. The adapter does not expose the connection; it keeps it as the
 * `client` property of what connect() returns, which is checked here, so a Prisma upgrade that
 * moves it only takes the fast path away (the queries then go through Prisma).
 */
class SharedSQLiteAdapter extends PrismaBetterSQLite3 {
  connection: BetterSqlite3.Database | undefined;

  override async connect() {
    const adapter = await super.connect();
    const client: unknown = (adapter as unknown as { client?: unknown }).client;
    const usable = typeof client === "object" && client !== null && "prepare" in client && typeof client.prepare === "function";
    this.connection = usable ? (client as BetterSqlite3.Database) : undefined;
    return adapter;
  }
}

const sqliteAdapters = new WeakMap<Database, SharedSQLiteAdapter>();

/**
 * The open better-sqlite3 connection behind `db`, or undefined: PostgreSQL, a client not made by
 * createDatabase (a transaction's `tx`, an extended client), or not connected yet.
 */
export function sqliteConnectionOf(db: Database): BetterSqlite3.Database | undefined {
  const connection = sqliteAdapters.get(db)?.connection;
  return connection?.open ? connection : undefined;
}

/** Whether `db` is a SQLite client of createDatabase's (connected or not). */
export function hasSqliteConnection(db: Database): boolean {
  return sqliteAdapters.has(db);
}

/** Whether `db` (a client, or a transaction's `tx`) is PostgreSQL's: the generated client names
 * its provider, and the PostgreSQL client is used through the SQLite client's type. */
export function isPostgres(db: Database): boolean {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql";
}

export function createDatabase(url: string): Database {
  if (isPostgresUrl(url)) {
    // Generated from the same data model by scripts/prisma.mjs: the API is the SQLite
    // client's, only the provider differs, so it is used through the same type.
    const generated = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
    return new generated.PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  const adapter = new SharedSQLiteAdapter({ url, timeout: 5000 });
  const client = new PrismaClient({ adapter });
  sqliteAdapters.set(client, adapter);
  // WAL (set persistently by the migration step too) lets readers work while a writer commits;
  // synchronous=NORMAL is per connection, durable across app crashes, and triples insert
  // throughput here. Prisma runs it before any query that follows on the same connection.
  // This connection folds the log back into the database itself only past 10,000 pages, a
  // backstop: the intake's checkpointer thread does it as the log grows. SQLite's default,
  // 1,000 pages, made the processor stop and copy every ~200 deliveries' order writes, each page
  // however often it was rewritten meanwhile: ~5 % of its CPU and more of its wall time
  // (bench/processing.ts).
  client.$queryRawUnsafe("PRAGMA journal_mode = WAL")
    .then(() => client.$queryRawUnsafe("PRAGMA synchronous = NORMAL"))
    .then(() => client.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 10000"))
    .catch((error: unknown) => logger.error({ err: error }, "could not configure SQLite"));
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
