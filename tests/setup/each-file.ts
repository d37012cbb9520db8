// Each test file gets its own copy of the migrated base SQLite database, so files run in
// parallel without sharing rows. Set before any app module reads DATABASE_URL.
import { randomUUID } from "node:crypto";
import { copyFileSync } from "node:fs";
import path from "node:path";

import { inject } from "vitest";

const base = inject("baseSqlite");
const file = path.join(path.dirname(base), `${randomUUID()}.sqlite`);
copyFileSync(base, file);
process.env.DATABASE_URL = `file:${file}`;
