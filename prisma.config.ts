// Prisma CLI configuration. The WebAssembly schema engine talks to the database through the
// same driver adapters the app uses, so no native engine is downloaded (none can be, offline).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

import { DEFAULT_DATABASE_URL, isPostgresUrl } from "./prisma/database-url";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const postgres = isPostgresUrl(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: postgres ? "prisma/postgres/migrations" : "prisma/migrations" },
  adapter: async () =>
    postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url }),
});
