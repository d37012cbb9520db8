// Row ids for rows Amends inserts in plain SQL (sql.server.ts), shaped like the cuid()s Prisma
// gives the same tables: "c", the time in base 36, a per-process counter, and random characters.
// Unique across processes by their random part (41 bits) on top of time and counter.
import { randomBytes } from "node:crypto";

let counter = Math.floor(Math.random() * 36 ** 4);

export function newId(now = Date.now()): string {
  counter = (counter + 1) % 36 ** 4;
  const random = randomBytes(8).readBigUInt64BE().toString(36).padStart(13, "0").slice(-12);
  return `c${now.toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${random}`;
}
