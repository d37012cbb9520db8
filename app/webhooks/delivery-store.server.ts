// Where the intake writes deliveries: straight through the database driver, one multi-row
// INSERT per batch. Prisma's raw-query path costs ~1 ms per 10 KB row here (it serialises every
// parameter through its query engine), six times the driver's own cost, and this is the hot
// path. The table is Prisma's (WebhookDelivery); timestamps are written in the formats Prisma
// reads back.
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";

import { isPostgresUrl } from "../../prisma/database-url";

export interface DeliveryRow {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: Date | null;
  apiVersion: string | null;
  payload: string;
  receivedAt: Date;
}

export interface DeliveryStore {
  /** Writes the rows in one transaction; a row whose event is already stored is skipped. */
  insert(rows: DeliveryRow[]): Promise<void>;
  close(): Promise<void>;
}

const COLUMNS = [
  "id",
  "shop",
  "topic",
  "webhookId",
  "eventId",
  "triggeredAt",
  "apiVersion",
  "payload",
  "receivedAt",
] as const;
const COLUMN_LIST = COLUMNS.map((c) => `"${c}"`).join(", ");

function values(row: DeliveryRow, time: (d: Date) => string): unknown[] {
  return COLUMNS.map((column) => {
    const value = row[column];
    return value instanceof Date ? time(value) : value;
  });
}

/** SQLite through better-sqlite3: WAL, synchronous=NORMAL (durable across app crashes). */
function sqliteStore(url: string): DeliveryStore {
  const file = path.resolve(url.replace(/^file:/, ""));
  const sqlite = new Database(file, { timeout: 5000 });
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  // Copying the WAL back into the database (checkpointing) is as much work as the write
  // itself. The webhook worker's connection checkpoints as it commits (every 1,000 pages, and
  // on a timer); the intake only steps in if the log grows far beyond that.
  sqlite.pragma("wal_autocheckpoint = 25000");
  const statements = new Map<number, Database.Statement>();
  const statement = (count: number) => {
    let prepared = statements.get(count);
    if (!prepared) {
      const tuple = `(${COLUMNS.map(() => "?").join(", ")})`;
      prepared = sqlite.prepare(
        `INSERT OR IGNORE INTO "WebhookDelivery" (${COLUMN_LIST}) VALUES ${Array(count).fill(tuple).join(", ")}`,
      );
      statements.set(count, prepared);
    }
    return prepared;
  };
  // Prisma's SQLite adapter stores DateTime as ISO 8601 text with an explicit offset.
  const time = (d: Date) => d.toISOString().replace("Z", "+00:00");
  return {
    async insert(rows) {
      statement(rows.length).run(...rows.flatMap((row) => values(row, time)));
    },
    async close() {
      sqlite.close();
    },
  };
}

/** PostgreSQL through a small pg pool. */
function postgresStore(url: string): DeliveryStore {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // TIMESTAMP(3) without time zone, read by Prisma as UTC.
  const time = (d: Date) => d.toISOString().replace("Z", "");
  return {
    async insert(rows) {
      const params = rows.flatMap((row) => values(row, time));
      const tuples = rows.map(
        (_, r) => `(${COLUMNS.map((__, c) => `$${r * COLUMNS.length + c + 1}`).join(", ")})`,
      );
      await pool.query(
        `INSERT INTO "WebhookDelivery" (${COLUMN_LIST}) VALUES ${tuples.join(", ")} ON CONFLICT ("shop", "topic", "eventId") DO NOTHING`,
        params,
      );
    },
    async close() {
      await pool.end();
    },
  };
}

export function openDeliveryStore(databaseUrl: string): DeliveryStore {
  return isPostgresUrl(databaseUrl) ? postgresStore(databaseUrl) : sqliteStore(databaseUrl);
}
