// Runs once per `vitest run`: migrates a base SQLite database (copied per test file by
// each-file.ts) and a fresh PostgreSQL database for the suites that talk to PostgreSQL.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

import pg from "pg";
import type { TestProject } from "vitest/node";

// @ts-expect-error -- plain ESM script without declarations
import { migrate } from "../../scripts/prisma.mjs";

// One folder per run, so runs in parallel (two developers' sessions, a watch mode) never
// delete each other's databases.
export const TMP = path.resolve("tests/.tmp", `run-${process.pid}`);
export const BASE_SQLITE = path.join(TMP, "base.sqlite");

const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    baseSqlite: string;
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  await (migrate as (url: string) => Promise<void>)(`file:${BASE_SQLITE}`);
  project.provide("baseSqlite", BASE_SQLITE);

  const database = `amends_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  let postgresUrl: string | null = null;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${database}`;
    postgresUrl = url.toString();
    await (migrate as (url: string) => Promise<void>)(postgresUrl);
  } catch (error) {
    // CI and every developer machine here run PostgreSQL; say loudly when it is missing.
    if (process.env.CI) throw error;
    console.warn(`PostgreSQL suites will be skipped: ${(error as Error).message}`);
  }
  project.provide("postgresUrl", postgresUrl);

  return async () => {
    if (postgresUrl) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    }
    await admin.end().catch(() => {});
    rmSync(TMP, { recursive: true, force: true });
  };
}
