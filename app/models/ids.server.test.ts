import { describe, expect, it } from "vitest";

import { newId } from "./ids.server";

describe("newId", () => {
  it("is shaped like Prisma's cuid and unique within a millisecond", () => {
    const at = Date.UTC(2026, 10, 30, 21);
    const ids = Array.from({ length: 10_000 }, () => newId(at));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^c[0-9a-z]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sorts later ids after earlier ones, by their time", () => {
    expect(newId(Date.UTC(2026, 10, 30, 21, 0, 1)) > newId(Date.UTC(2026, 10, 30, 21))).toBe(true);
  });
});
