// A PostgreSQL database of a test file's own, migrated like the run's. The run's database is
// shared by every file, and processPendingDeliveries / sweepDueOrders act on all shops' rows:
// a suite that drives its own clock must not process another file's deliveries (or have its
// own processed by another file's clock), so it works in a database nobody else uses.
import { randomBytes } from "node:crypto";
import path from "node:path";

import pg from "pg";

// @ts-expect-error -- plain ESM script without declarations
import { applyPostgresMigrations } from "../../scripts/postgres-migrations.mjs";

export interface PrivatePostgres {
  url: string;
  drop(): Promise<void>;
}

/** Creates and migrates a fresh database next to the run's one (`runUrl`). */
export async function privatePostgres(runUrl: string, label: string): Promise<PrivatePostgres> {
  const name = `amends_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: runUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(runUrl);
  url.pathname = `/${name}`;
  await (applyPostgresMigrations as (url: string, dir: string) => Promise<string[]>)(
    url.toString(),
    path.resolve("prisma/postgres/migrations"),
  );
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: runUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
