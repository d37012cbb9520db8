// Every table and column of a test database, read from the database itself (sqlite_master /
// information_schema), so a search over "everything Amends stores" covers a table or column
// added later without anyone listing it here.
import type { Database } from "../../app/db.server";

export interface ForeignKey {
  column: string;
  references: string;
  referencedColumn: string;
}

export interface Table {
  name: string;
  columns: string[];
  foreignKeys: ForeignKey[];
}

export type DatabaseKind = "sqlite" | "postgres";

/** Bookkeeping that holds no shop's or customer's data: Prisma's migrations, and the one row
 * GET /healthz writes to prove the database takes writes (app/health.server.ts). */
const BOOKKEEPING = new Set(["_prisma_migrations", "HealthProbe"]);

export async function discoverTables(db: Database, kind: DatabaseKind): Promise<Table[]> {
  if (kind === "sqlite") {
    const tables = await db.$queryRawUnsafe<{ name: string }[]>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    const out: Table[] = [];
    for (const { name } of tables.filter((t) => !BOOKKEEPING.has(t.name))) {
      const columns = await db.$queryRawUnsafe<{ name: string }[]>(
        `SELECT name FROM pragma_table_info('${name}')`,
      );
      const keys = await db.$queryRawUnsafe<{ from: string; table: string; to: string }[]>(
        `SELECT "from", "table", "to" FROM pragma_foreign_key_list('${name}')`,
      );
      out.push({
        name,
        columns: columns.map((c) => c.name),
        foreignKeys: keys.map((k) => ({
          column: k.from,
          references: k.table,
          referencedColumn: k.to,
        })),
      });
    }
    return out;
  }
  const columns = await db.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name::text, column_name::text FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const keys = await db.$queryRawUnsafe<
    { table_name: string; column_name: string; ref_table: string; ref_column: string }[]
  >(
    `SELECT kcu.table_name::text, kcu.column_name::text, ccu.table_name::text AS ref_table, ccu.column_name::text AS ref_column
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu
         ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
       JOIN information_schema.constraint_column_usage ccu
         ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`,
  );
  const byName = new Map<string, Table>();
  for (const c of columns) {
    if (BOOKKEEPING.has(c.table_name)) continue;
    const table = byName.get(c.table_name) ?? { name: c.table_name, columns: [], foreignKeys: [] };
    table.columns.push(c.column_name);
    byName.set(c.table_name, table);
  }
  for (const k of keys) {
    byName
      .get(k.table_name)
      ?.foreignKeys.push({
        column: k.column_name,
        references: k.ref_table,
        referencedColumn: k.ref_column,
      });
  }
  return [...byName.values()];
}

function literal(value: string): string {
  return `'%${value.replaceAll("'", "''")}%'`;
}

/** SQL that is true when the column's value, as text (JSON included), contains `value` in any case. */
function contains(kind: DatabaseKind, column: string, value: string): string {
  // SQLite's LIKE ignores case (ASCII); PostgreSQL's ILIKE does.
  return kind === "sqlite"
    ? `CAST("${column}" AS TEXT) LIKE ${literal(value)}`
    : `"${column}"::text ILIKE ${literal(value)}`;
}

/** Every column of every table holding `value`, as "Table.column" → rows. */
export async function whereFound(
  db: Database,
  kind: DatabaseKind,
  tables: Table[],
  value: string,
): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const table of tables) {
    // One pass over the table: a count per column.
    const sums = table.columns.map(
      (column, i) => `SUM(CASE WHEN ${contains(kind, column, value)} THEN 1 ELSE 0 END) AS c${i}`,
    );
    const [row] = await db.$queryRawUnsafe<Record<string, bigint | number | string | null>[]>(
      `SELECT ${sums.join(", ")} FROM "${table.name}"`,
    );
    table.columns.forEach((column, i) => {
      const n = Number(row?.[`c${i}`] ?? 0);
      if (n > 0) found[`${table.name}.${column}`] = n;
    });
  }
  return found;
}

/**
 * Rows of each table that belong to the shop: any column names its domain, or a foreign key
 * points at a row that belongs to it (a timeline entry of its incident).
 */
export async function rowsOfShop(
  db: Database,
  kind: DatabaseKind,
  tables: Table[],
  domain: string,
): Promise<Record<string, number>> {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const condition = (table: Table, depth: number): string => {
    const own = table.columns.map((c) => contains(kind, c, domain));
    const linked =
      depth > 3
        ? []
        : table.foreignKeys.flatMap((fk) => {
            const parent = byName.get(fk.references);
            return parent
              ? [
                  `"${fk.column}" IN (SELECT "${fk.referencedColumn}" FROM "${parent.name}" WHERE ${condition(parent, depth + 1)})`,
                ]
              : [];
          });
    return [...own, ...linked].join(" OR ") || "FALSE";
  };
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: bigint | number }[]>(
      `SELECT count(*) AS n FROM "${table.name}" WHERE ${condition(table, 0)}`,
    );
    counts[table.name] = Number(row?.n ?? 0);
  }
  return counts;
}
