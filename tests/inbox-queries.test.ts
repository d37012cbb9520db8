// The inbox's queries on both real databases: tabs, case-insensitive search, the owner filter
// (with "nobody yet"), dates as the shop's local days, and cursor pages that neither skip nor
// repeat incidents created at the same instant.
import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

import type { InboxFilters, InboxSort, InboxTab } from "../app/incidents/inbox";
import { NO_FILTERS } from "../app/incidents/inbox";
import { inboxCounts, inboxOwners, inboxPage } from "../app/models/inbox.server";
import { clearShop, databaseFor, testDatabases } from "./support/databases";

const NOW = new Date("2026-11-30T12:00:00Z");
const ZONE = "Europe/Madrid";
const shops: [string, string][] = [];

afterAll(async () => {
  for (const [url, shop] of shops) await clearShop(databaseFor(url), shop);
});

describe.each(testDatabases())("inbox queries on $name", ({ url }) => {
  const db = databaseFor(url);
  const shop = `inbox-${randomUUID().slice(0, 8)}.myshopify.com`;
  shops.push([url, shop]);
  const same = new Date("2026-11-20T10:00:00Z");

  const seeded = (async () => {
    const row = (name: string, data: Record<string, unknown>) => ({
      shop,
      kind: "damaged",
      status: "open",
      orderId: `gid://shopify/Order/${name.slice(1)}`,
      orderName: name,
      lines: [],
      evidence: {},
      responseDeadline: new Date(NOW.getTime() + 86_400_000),
      createdAt: same,
      ...data,
    });
    await db.incident.createMany({
      data: [
        row("#1", { status: "awaiting_approval", customerName: "Zoë Ávila", customerEmail: "ZOE@Example.com", owner: "Sam" }),
        row("#2", { responseDeadline: new Date(NOW.getTime() - 1), source: "phone" }),
        row("#3", { status: "remediating", responseDeadline: new Date(NOW.getTime() - 1) }),
        row("#4", { status: "resolved", owner: "Ana" }),
        row("#5", { status: "dismissed", escalatedAt: same }),
        // 23:30 in UTC on the 29th is 00:30 on the 30th in Madrid.
        row("#6", { createdAt: new Date("2026-11-29T23:30:00Z"), kind: "lost" }),
        row("#7", { createdAt: new Date("2026-11-30T23:30:00Z"), kind: "lost" }),
      ],
    });
  })();

  const names = async (tab: InboxTab, filters: Partial<InboxFilters> = {}, sort: InboxSort = "created desc") => {
    await seeded;
    const page = await inboxPage(db, shop, { tab, sort, filters: { ...NO_FILTERS, ...filters }, now: NOW, timeZone: ZONE });
    return page.rows.map((row) => row.orderName);
  };

  it("counts and lists each tab", async () => {
    await seeded;
    expect(await inboxCounts(db, shop, NOW)).toEqual({ needs_approval: 1, open: 5, overdue: 1, escalated: 1, resolved: 2, all: 7 });
    // Overdue is about incidents still waiting for an answer: a remedy under way has had one.
    expect(await names("overdue")).toEqual(["#2"]);
    expect((await names("resolved")).sort()).toEqual(["#4", "#5"]);
  });

  it("searches names and e-mails whatever their case, and order names with or without #", async () => {
    expect(await names("all", { search: "zoe@example" })).toEqual(["#1"]);
    expect(await names("all", { search: "ZOË" })).toEqual(["#1"]);
    expect(await names("all", { search: "#4" })).toEqual(["#4"]);
  });

  it("filters by owner, nobody included, and by the shop's local days", async () => {
    expect(await inboxOwners(db, shop)).toEqual(["Ana", "Sam"]);
    expect((await names("all", { owners: ["Sam", "Ana"] })).sort()).toEqual(["#1", "#4"]);
    expect((await names("all", { owners: ["", "Ana"] })).sort()).toEqual(["#2", "#3", "#4", "#5", "#6", "#7"]);
    expect(await names("all", { createdFrom: "2026-11-30", createdTo: "2026-11-30" })).toEqual(["#6"]);
    expect(await names("all", { channels: ["phone"], kinds: ["damaged"] })).toEqual(["#2"]);
  });

  it("pages two at a time through incidents created at the same instant, both ways", async () => {
    await seeded;
    const query = { tab: "all" as const, sort: "created asc" as const, filters: NO_FILTERS, now: NOW, timeZone: ZONE, take: 2 };
    const seen: string[] = [];
    const pages = [];
    let page = await inboxPage(db, shop, query);
    for (;;) {
      pages.push(page);
      seen.push(...page.rows.map((row) => row.orderName));
      if (!page.next) break;
      page = await inboxPage(db, shop, { ...query, after: page.next });
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen.slice(-2)).toEqual(["#6", "#7"]);
    const back = await inboxPage(db, shop, { ...query, before: pages[2]?.previous });
    expect(back.rows.map((row) => row.orderName)).toEqual(pages[1]?.rows.map((row) => row.orderName));
    expect(back.previous).not.toBeNull();
  });
});
