#!/usr/bin/env node
// Runs the Prisma CLI offline. Prisma's CLI checks for native engines at start and tries to
// download them from a host we cannot reach; pointing these variables at any existing file
// stops that. With `engine: "js"` and `engineType = "client"` neither file is ever executed.
//
//   node scripts/prisma.mjs generate          both clients (SQLite and PostgreSQL)
//   node scripts/prisma.mjs migrate           apply committed migrations to DATABASE_URL
//   node scripts/prisma.mjs new-migration X   write migration X for both providers
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sqliteSchema = path.join(root, "prisma/schema.prisma");
const postgresSchema = path.join(root, "prisma/postgres/schema.prisma");

export function prismaEnv(extra = {}) {
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    ...extra,
  };
}

function prisma(args, env = {}) {
  const bin = path.join(root, "node_modules/prisma/build/index.js");
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: prismaEnv(env),
    encoding: "utf8",
  });
  if (result.status !== 0) {
    // Prisma's own output says what went wrong; it is only noise when all went well.
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`prisma ${args.join(" ")} failed with exit code ${result.status}`);
  }
}

/** The PostgreSQL schema is derived, never edited: one data model, two providers. */
function writePostgresSchema() {
  const source = readFileSync(sqliteSchema, "utf8");
  const derived = source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = env("DATABASE_URL")')
    .replace(
      /engineType = "client"/,
      'engineType = "client"\n  output     = "../../node_modules/.prisma/client-pg"',
    );
  mkdirSync(path.dirname(postgresSchema), { recursive: true });
  const header = "// GENERATED from prisma/schema.prisma by scripts/prisma.mjs: edit that file.\n";
  const next = header + derived;
  if (!existsSync(postgresSchema) || readFileSync(postgresSchema, "utf8") !== next) {
    writeFileSync(postgresSchema, next);
  }
}

export function generate() {
  writePostgresSchema();
  prisma(["generate", "--schema", sqliteSchema]);
  prisma(["generate", "--schema", postgresSchema], {
    DATABASE_URL: "postgresql://localhost/unused",
  });
}

export async function migrate(databaseUrl = process.env.DATABASE_URL) {
  writePostgresSchema();
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Prisma's WebAssembly schema engine cannot read PostgreSQL's catalogs through
    // @prisma/adapter-pg yet (prisma/orm#27403: "Column type 'name' could not be
    // deserialized"), so the committed PostgreSQL migrations are applied by our own runner,
    // which records them in Prisma's _prisma_migrations table just as `migrate deploy` would.
    const { applyPostgresMigrations } = await import("./postgres-migrations.mjs");
    const applied = await applyPostgresMigrations(
      databaseUrl,
      path.join(root, "prisma/postgres/migrations"),
    );
    console.log(applied.length ? `applied ${applied.join(", ")}` : "PostgreSQL schema is up to date");
    return;
  }
  // WAL and the page size are properties of the database file: set once, before anything is
  // written, and every connection then uses them. 8 KB pages: a webhook delivery (~10 KB) is
  // written and checkpointed in fewer pages (bench/RESULTS.md); a page size cannot change
  // once the file is in WAL mode, so an existing database keeps its own.
  const { default: Database } = await import("better-sqlite3");
  const file = path.resolve(root, (databaseUrl || "file:./prisma/dev.sqlite").replace(/^file:/, ""));
  const sqlite = new Database(file);
  sqlite.pragma("page_size = 8192");
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  prisma(["migrate", "deploy"], databaseUrl ? { DATABASE_URL: databaseUrl } : {});
}

/**
 * Writes migration NAME for both providers: the difference between the data model as last
 * committed (git HEAD) and as it is now. Diffing two data models needs no database, which
 * `--from-migrations` would (a shadow database the JS schema engine cannot make here).
 */
function newMigration(name) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: new-migration <snake_case_name>");
  writePostgresSchema();
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const scratch = mkdtempSync(path.join(os.tmpdir(), "amends-migration-"));
  for (const [schema, dir, provider, url] of [
    [sqliteSchema, "prisma/migrations", "sqlite", `file:${path.join(scratch, "scratch.sqlite")}`],
    [
      postgresSchema,
      "prisma/postgres/migrations",
      "postgresql",
      process.env.POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/postgres",
    ],
  ]) {
    const relative = path.relative(root, schema);
    const committed = spawnSync("git", ["show", `HEAD:${relative}`], { cwd: root, encoding: "utf8" });
    const from =
      committed.status === 0
        ? ["--from-schema-datamodel", writeTemp(scratch, `${provider}.prisma`, committed.stdout)]
        : ["--from-empty"];
    const result = spawnSync(
      process.execPath,
      [
        path.join(root, "node_modules/prisma/build/index.js"),
        "migrate",
        "diff",
        ...from,
        "--to-schema-datamodel",
        schema,
        "--script",
      ],
      { cwd: root, env: prismaEnv({ DATABASE_URL: url }), encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(result.stderr || "prisma migrate diff failed");
    const out = path.join(root, dir, `${stamp}_${name}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "migration.sql"), result.stdout);
    writeFileSync(
      path.join(root, dir, "migration_lock.toml"),
      `# Please do not edit this file manually\nprovider = "${provider}"\n`,
    );
    console.log(`wrote ${path.relative(root, out)}/migration.sql`);
  }
  rmSync(scratch, { recursive: true, force: true });
}

function writeTemp(folder, name, text) {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, arg] = process.argv.slice(2);
  try {
    if (command === "generate") generate();
    else if (command === "migrate") await migrate();
    else if (command === "new-migration") newMigration(arg);
    else throw new Error("usage: node scripts/prisma.mjs generate | migrate | new-migration NAME");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
