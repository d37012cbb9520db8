#!/usr/bin/env node
// `npm run setup`: generate the Prisma clients and migrate DATABASE_URL (SQLite by default).
// Needs nothing but Node and the installed packages: no engine download, no network.
import { existsSync } from "node:fs";

import { generate, migrate } from "./prisma.mjs";

if (existsSync(".env")) process.loadEnvFile(".env");

try {
  generate();
  await migrate(process.env.DATABASE_URL);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
