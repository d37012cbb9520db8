// The inbox's first page with 100,000 incidents: every tab's query is read off an index in
// its sort order (SQLite's EXPLAIN QUERY PLAN says so), rather than scanning the shop's
// incidents and sorting them. The plan is checked, not a timing: plans do not flake.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@prisma/client";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { InboxSort, InboxTab } from "../app/incidents/inbox";
import { DEFAULT_SORT, INBOX_SORTS, INBOX_TABS, NO_FILTERS } from "../app/incidents/inbox";
import type { InboxQuery } from "../app/models/inbox.server";
import { inboxCounts, inboxPage } from "../app/models/inbox.server";

const SHOP = "big.myshopify.com";
const ROWS = 100_000;
const NOW = new Date("2026-11-30T12:00:00Z");

describe("the inbox over 100,000 incidents", () => {
  const file = (process.env.DATABASE_URL ?? "").replace(/^file:/, "");
  const raw = new Sqlite(file);
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }), log: [{ emit: "event", level: "query" }] });
  const statements: string[] = [];
  db.$on("query", (event) => statements.push(event.query));

  beforeAll(() => {
    // One INSERT … SELECT over a counter: 100,000 rows in well under a second, in the columns'
    // own storage format (Prisma writes SQLite datetimes as ISO text).
    raw.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO "Incident" ("id", "shop", "kind", "status", "orderId", "orderName", "customerName", "customerEmail",
        "lines", "evidence", "responsibleParty", "owner", "responseDeadline", "source", "escalatedAt", "createdAt", "updatedAt")
      SELECT printf('inc%07d', i), CASE WHEN i % 10 = 0 THEN 'other.myshopify.com' ELSE '${SHOP}' END,
        CASE i % 3 WHEN 0 THEN 'wrong_item' WHEN 1 THEN 'damaged' ELSE 'late_delivery' END,
        CASE i % 20 WHEN 1 THEN 'awaiting_approval' WHEN 2 THEN 'open' WHEN 3 THEN 'remediating'
             WHEN 4 THEN 'dismissed' ELSE 'resolved' END,
        'gid://shopify/Order/' || i, '#' || (1000 + i), 'Customer ' || i, 'c' || i || '@example.com',
        '[]', '{}', CASE i % 4 WHEN 0 THEN 'store' WHEN 1 THEN 'carrier' WHEN 2 THEN 'warehouse' ELSE 'supplier' END,
        CASE WHEN i % 7 = 0 THEN 'Sam' ELSE NULL END,
        strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-01-01', '+' || (i * 5) || ' minutes', '+2 days'),
        CASE i % 5 WHEN 0 THEN 'email' WHEN 1 THEN 'phone' ELSE 'detected' END,
        CASE WHEN i % 50 = 0 THEN strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-01-01', '+' || (i * 5) || ' minutes') END,
        strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-01-01', '+' || (i * 5) || ' minutes'),
        strftime('%Y-%m-%dT%H:%M:%S.000+00:00', '2026-01-01', '+' || (i * 5) || ' minutes')
      FROM n`);
  });

  afterAll(async () => {
    await db.$disconnect();
    raw.close();
  });

  async function planOf(query: InboxQuery): Promise<string> {
    statements.length = 0;
    await inboxPage(db, SHOP, query);
    const select = statements.find((sql) => sql.startsWith("SELECT"));
    if (!select) throw new Error("the page ran no SELECT");
    // The plan does not depend on the values bound, only on their places.
    const params = Array.from(select.matchAll(/\?/g), () => "x");
    const plan = raw.prepare(`EXPLAIN QUERY PLAN ${select}`).all(...params) as { detail: string }[];
    return plan.map((step) => step.detail).join("\n");
  }

  const query = (tab: InboxTab, sort: InboxSort = DEFAULT_SORT[tab]): InboxQuery => ({ tab, sort, filters: NO_FILTERS, now: NOW, timeZone: "Europe/Madrid" });

  it.each(INBOX_TABS.flatMap((tab) => INBOX_SORTS.map((sort) => [tab, sort] as const)))("%s sorted by %s reads an index", async (tab, sort) => {
    const plan = await planOf(query(tab, sort));
    expect(plan).toMatch(/USING (COVERING )?INDEX Incident_shop_/);
    expect(plan).not.toMatch(/SCAN (main\.)?Incident\b(?! USING)/);
  });

  it("every tab's default order is the index's own: no sort of the whole tab before the first page", async () => {
    for (const tab of INBOX_TABS) {
      const plan = await planOf(query(tab));
      expect(plan, `${tab}:\n${plan}`).not.toContain("TEMP B-TREE");
    }
  });

  it("Needs approval reads only the incidents waiting, in order", async () => {
    const plan = await planOf(query("needs_approval"));
    expect(plan).toMatch(/USING INDEX Incident_shop_status_createdAt_id_idx \(shop=\? AND status=\?\)/);
    expect(await planOf(query("needs_approval", "deadline asc"))).toMatch(/USING INDEX Incident_shop_status_responseDeadline_id_idx \(shop=\? AND status=\?\)/);
  });

  it("a later page starts at its cursor on the index, and pages meet without gaps or repeats", async () => {
    const first = await inboxPage(db, SHOP, query("all"));
    expect(first.rows).toHaveLength(50);
    expect(first.previous).toBeNull();
    const second = await inboxPage(db, SHOP, { ...query("all"), after: first.next });
    const back = await inboxPage(db, SHOP, { ...query("all"), before: second.previous });
    expect(back.rows.map((row) => row.id)).toEqual(first.rows.map((row) => row.id));
    expect(second.rows[0]?.createdAt.getTime()).toBeLessThan(first.rows.at(-1)?.createdAt.getTime() ?? 0);
    const plan = await planOf({ ...query("all"), after: first.next });
    expect(plan).toMatch(/SEARCH (main\.)?Incident USING INDEX Incident_shop_createdAt_id_idx \(shop=\? AND createdAt<\?\)/);
  });

  it("counts each tab", async () => {
    const counts = await inboxCounts(db, SHOP, NOW);
    expect(counts.all).toBe(90_000);
    expect(counts.needs_approval).toBe(5_000);
  });
});
