// Plain SQL for the webhook processor's hot path: the few queries it runs for nearly every
// delivery (the order's row, its compare-and-swap, the waiting line, shortfalls, incident
// look-ups). Prisma compiles every query, raw ones included, and on SQLite that compile cost
// several times the query itself (bench/processing.ts, profiled). So on SQLite these run as
// prepared statements, kept per call site, on the connection Prisma itself uses
// (sqliteConnectionOf); on PostgreSQL, inside a transaction's `tx`, or before Prisma has
// connected, they go through Prisma's $queryRaw/$executeRaw exactly as written.
//
// A query is written with the `sql` tag, in SQL both databases accept ("quoted" identifiers,
// one placeholder per value); rows come back with the columns the caller names decoded to the
// same JavaScript types on either path.
import type BetterSqlite3 from "better-sqlite3";

import type { Database } from "../db.server";
import { hasSqliteConnection, sqliteConnectionOf } from "../db.server";

/** Arrays are for PostgreSQL only (`= ANY(…)`, `unnest(…)`): SQLite has no array values. */
export type SqlValue = string | number | boolean | Date | null | readonly (string | null)[] | readonly number[];

export interface SqlQuery {
  /** The template's literal parts: the same object for every run of one call site, which is
   * what keys the prepared statement. */
  strings: TemplateStringsArray;
  values: SqlValue[];
}

export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlQuery {
  return { strings, values };
}

/** How a column is decoded: "date" (DateTime), "json" (Json), "int" (Int), or kept as it is. */
export type ColumnKind = "date" | "json" | "int";
type Decoded<K extends ColumnKind> = K extends "date" ? Date : K extends "json" ? unknown : number;
export type Row<C extends Record<string, ColumnKind>> = { [K in keyof C]: Decoded<C[K]> | null } & Record<string, unknown>;

const statements = new WeakMap<BetterSqlite3.Database, WeakMap<TemplateStringsArray, BetterSqlite3.Statement>>();

function prepared(connection: BetterSqlite3.Database, strings: TemplateStringsArray): BetterSqlite3.Statement {
  let cache = statements.get(connection);
  if (!cache) {
    cache = new WeakMap();
    statements.set(connection, cache);
  }
  let statement = cache.get(strings);
  if (!statement) {
    statement = connection.prepare(strings.join("?"));
    cache.set(strings, statement);
  }
  return statement;
}

const isArray = (value: SqlValue): value is readonly (string | null)[] | readonly number[] => Array.isArray(value);

/** A value as Prisma's SQLite adapter stores it (so rows written either way are alike). */
function sqliteValue(value: SqlValue): string | number | null {
  if (isArray(value)) throw new TypeError("SQLite has no array values: this statement is PostgreSQL's");
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** The connection to use directly, connecting Prisma first if it has not yet. */
async function directConnection(db: Database): Promise<BetterSqlite3.Database | undefined> {
  if (!hasSqliteConnection(db)) return undefined;
  const open = sqliteConnectionOf(db);
  if (open) return open;
  await db.$connect();
  return sqliteConnectionOf(db);
}

function decode<C extends Record<string, ColumnKind>>(row: Record<string, unknown>, columns: C, direct: boolean): Row<C> {
  for (const [name, kind] of Object.entries(columns)) {
    const value = row[name];
    if (value === null || value === undefined) continue;
    if (kind === "int") row[name] = Number(value);
    // Through Prisma these arrive typed already; straight from SQLite, as stored (text).
    else if (direct && kind === "date") row[name] = new Date(value as string);
    else if (direct && kind === "json") row[name] = JSON.parse(value as string);
  }
  return row as Row<C>;
}

/** The rows `query` selects, with `columns` decoded. */
export async function queryRows<C extends Record<string, ColumnKind>>(db: Database, query: SqlQuery, columns: C): Promise<Row<C>[]> {
  const connection = await directConnection(db);
  if (connection) {
    const rows = prepared(connection, query.strings).all(...query.values.map(sqliteValue)) as Record<string, unknown>[];
    return rows.map((row) => decode(row, columns, true));
  }
  const rows = await db.$queryRaw<Record<string, unknown>[]>(query.strings, ...query.values);
  return rows.map((row) => decode(row, columns, false));
}

/** Runs `query` (INSERT, UPDATE, DELETE); returns how many rows it changed. */
export async function execute(db: Database, query: SqlQuery): Promise<number> {
  const connection = await directConnection(db);
  if (connection) return prepared(connection, query.strings).run(...query.values.map(sqliteValue)).changes;
  return db.$executeRaw(query.strings, ...query.values);
}

/** Runs the statements in one transaction (a savepoint inside one already open on SQLite);
 * returns how many rows each changed. */
export async function executeAll(db: Database, queries: SqlQuery[]): Promise<number[]> {
  if (queries.length === 0) return [];
  const connection = await directConnection(db);
  if (connection) {
    // Synchronous, so nothing else on this connection runs between the statements.
    return connection.transaction(() => queries.map((query) => prepared(connection, query.strings).run(...query.values.map(sqliteValue)).changes))();
  }
  if (!isClient(db)) return sequentially(queries.map((query) => () => db.$executeRaw(query.strings, ...query.values)));
  return db.$transaction(queries.map((query) => db.$executeRaw(query.strings, ...query.values)));
}

/**
 * Runs `first`, and the rest only if it changed a row, in one transaction; returns how many rows
 * `first` changed. For a conditional write whose follow-ups must not land when it did not (on
 * PostgreSQL an interactive transaction: the condition is known only from the first answer).
 */
export async function executeIfChanged(db: Database, first: SqlQuery, rest: SqlQuery[]): Promise<number> {
  const connection = await directConnection(db);
  if (connection) {
    const run = (query: SqlQuery) => prepared(connection, query.strings).run(...query.values.map(sqliteValue)).changes;
    return connection.transaction(() => {
      const changed = run(first);
      if (changed > 0) rest.forEach(run);
      return changed;
    })();
  }
  const inOrder = async (tx: Database) => {
    let changed = 0;
    for (const [index, query] of [first, ...rest].entries()) {
      const rows = await tx.$executeRaw(query.strings, ...query.values);
      if (index > 0) continue;
      changed = rows;
      if (changed === 0) break;
    }
    return changed;
  };
  return isClient(db) ? db.$transaction((tx) => inOrder(tx as unknown as Database)) : inOrder(db);
}

/** Whether `db` is a client rather than an interactive transaction's `tx` (which has no
 * $transaction of its own: what it runs is in its transaction already). */
function isClient(db: Database): boolean {
  return typeof (db as Partial<Database>).$transaction === "function";
}

async function sequentially<T>(steps: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const step of steps) results.push(await step());
  return results;
}

/** The rows of each statement (SELECT, or a write … RETURNING), run in one transaction. */
export async function queryAllRows<C extends Record<string, ColumnKind>>(db: Database, queries: SqlQuery[], columns: C): Promise<Row<C>[]> {
  if (queries.length === 0) return [];
  const connection = await directConnection(db);
  if (connection) {
    const rows = connection.transaction(() =>
      queries.flatMap((query) => prepared(connection, query.strings).all(...query.values.map(sqliteValue)) as Record<string, unknown>[]),
    )();
    return rows.map((row) => decode(row, columns, true));
  }
  const results = isClient(db)
    ? await db.$transaction(queries.map((query) => db.$queryRaw<Record<string, unknown>[]>(query.strings, ...query.values)))
    : await sequentially(queries.map((query) => () => db.$queryRaw<Record<string, unknown>[]>(query.strings, ...query.values)));
  return results.flat().map((row) => decode(row, columns, false));
}
