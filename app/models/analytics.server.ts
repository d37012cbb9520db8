// What the errors teach, computed in the database: counts and sums grouped there (Prisma
// groupBy, or SQL that SQLite and PostgreSQL both run, with the few fragments that differ
// chosen per dialect), so the page costs the same with 100 incidents or 100,000.
import { Prisma } from "@prisma/client";

import type { Database } from "../db.server";
import { isPostgres } from "../db.server";
import type { LocalDay, OffsetSegment } from "../incidents/analytics";
import { addDays, medianWindow, offsetSegments, startOfLocalDay } from "../incidents/analytics";
import { ACTIVE_STATUSES } from "../incidents/model";

type Dialect = "sqlite" | "postgresql";

export function dialectOf(db: Database): Dialect {
  return isPostgres(db) ? "postgresql" : "sqlite";
}

/** A date bound for comparison with a stored DateTime: SQLite keeps them as ISO text. */
function at(dialect: Dialect, date: Date): Prisma.Sql {
  return dialect === "sqlite" ? Prisma.sql`${date.toISOString().replace("Z", "+00:00")}` : Prisma.sql`${date}`;
}

/** The shop's calendar day of `column`, exact across DST: UTC plus the offset of its segment. */
function localDaySql(dialect: Dialect, column: string, segments: OffsetSegment[]): Prisma.Sql {
  const col = Prisma.raw(column);
  const offset = (minutes: number) => Prisma.raw(String(Math.trunc(minutes)));
  const branches = segments.filter((segment) => segment.until);
  const last = segments[segments.length - 1]?.offsetMinutes ?? 0;
  if (dialect === "sqlite") {
    const modifier = (minutes: number) => Prisma.raw(`'${minutes >= 0 ? "+" : ""}${Math.trunc(minutes)} minutes'`);
    if (branches.length === 0) return Prisma.sql`strftime('%Y-%m-%d', ${col}, ${modifier(last)})`;
    const cases = Prisma.join(
      branches.map((segment) => Prisma.sql`WHEN ${col} < ${at(dialect, segment.until as Date)} THEN ${modifier(segment.offsetMinutes)}`),
      " ",
    );
    return Prisma.sql`strftime('%Y-%m-%d', ${col}, CASE ${cases} ELSE ${modifier(last)} END)`;
  }
  if (branches.length === 0) return Prisma.sql`to_char(${col} + ${offset(last)} * interval '1 minute', 'YYYY-MM-DD')`;
  const cases = Prisma.join(
    branches.map((segment) => Prisma.sql`WHEN ${col} < ${at(dialect, segment.until as Date)} THEN ${offset(segment.offsetMinutes)}`),
    " ",
  );
  return Prisma.sql`to_char(${col} + (CASE ${cases} ELSE ${offset(last)} END) * interval '1 minute', 'YYYY-MM-DD')`;
}

function secondsBetween(dialect: Dialect, later: Prisma.Sql, earlier: Prisma.Sql): Prisma.Sql {
  return dialect === "sqlite"
    ? Prisma.sql`((julianday(${later}) - julianday(${earlier})) * 86400.0)`
    : Prisma.sql`EXTRACT(EPOCH FROM (${later} - ${earlier}))`;
}

function amountSql(dialect: Dialect): Prisma.Sql {
  return dialect === "sqlite" ? Prisma.sql`CAST(r."amount" AS REAL)` : Prisma.sql`CAST(r."amount" AS NUMERIC)`;
}

export interface DateRange {
  from: LocalDay;
  /** Included. */
  to: LocalDay;
}

/** The instants a range of the shop's days spans: [start, end). */
export function rangeInstants(range: DateRange, timeZone: string): { start: Date; end: Date } {
  return { start: startOfLocalDay(range.from, timeZone), end: startOfLocalDay(addDays(range.to, 1), timeZone) };
}

/** What a remedy cost, grouped: refunds (and refunds made by cancelling), replacements, codes. */
export type CostKind = "refund" | "replacement" | "discount_code";
const COST_ACTIONS: Record<string, CostKind> = { refund: "refund", cancel: "refund", replacement: "replacement", discount_code: "discount_code" };

export interface CostRow {
  kind: CostKind;
  currencyCode: string;
  amount: number;
  count: number;
}

export interface GroupRow {
  key: string;
  count: number;
  costs: CostRow[];
}

export interface Analytics {
  total: number;
  incidentsByDay: { day: LocalDay; key: string; value: number }[];
  costByDay: { day: LocalDay; kind: CostKind; currencyCode: string; value: number }[];
  byRootCause: GroupRow[];
  byResponsibleParty: GroupRow[];
  costs: CostRow[];
  /** Seconds; null when no incident in the range has one. */
  medianToFirstAction: { seconds: number | null; count: number };
  medianToResolution: { seconds: number | null; count: number };
  overdue: number;
  repeatCustomers: { customerId: string; name: string | null; email: string | null; incidents: number }[];
}

const num = (value: unknown): number => (typeof value === "bigint" ? Number(value) : Number(value ?? 0));

async function medianSeconds(db: Database, durations: Prisma.Sql): Promise<{ seconds: number | null; count: number }> {
  const counted = await db.$queryRaw<{ n: unknown }[]>(Prisma.sql`SELECT COUNT(*) AS n FROM (${durations}) d WHERE d.secs IS NOT NULL`);
  const count = num(counted[0]?.n);
  const window = medianWindow(count);
  if (!window) return { seconds: null, count };
  const middle = await db.$queryRaw<{ secs: unknown }[]>(
    Prisma.sql`SELECT d.secs FROM (${durations}) d WHERE d.secs IS NOT NULL ORDER BY d.secs LIMIT ${window.take} OFFSET ${window.offset}`,
  );
  const values = middle.map((row) => num(row.secs));
  return { seconds: values.reduce((sum, value) => sum + value, 0) / values.length, count };
}

function addCost(list: CostRow[], kind: CostKind, currencyCode: string, amount: number, count: number) {
  const found = list.find((row) => row.kind === kind && row.currencyCode === currencyCode);
  if (found) {
    found.amount += amount;
    found.count += count;
  } else list.push({ kind, currencyCode, amount, count });
}

export async function shopAnalytics(db: Database, shop: string, range: DateRange, timeZone: string, now: Date): Promise<Analytics> {
  const dialect = dialectOf(db);
  const { start, end } = rangeInstants(range, timeZone);
  const segments = offsetSegments(start, end, timeZone);
  const inRange = Prisma.sql`i."shop" = ${shop} AND i."createdAt" >= ${at(dialect, start)} AND i."createdAt" < ${at(dialect, end)}`;
  const where = { shop, createdAt: { gte: start, lt: end } };

  const [byDay, costByCause, costByDayRows, causes, parties, total, overdue, repeats] = await Promise.all([
    db.$queryRaw<{ day: string; kind: string; n: unknown }[]>(
      Prisma.sql`SELECT ${localDaySql(dialect, 'i."createdAt"', segments)} AS day, i."kind" AS kind, COUNT(*) AS n
        FROM "Incident" i WHERE ${inRange} GROUP BY 1, 2`,
    ),
    db.$queryRaw<{ rootCause: string | null; party: string; action: string; currencyCode: string; total: unknown; n: unknown }[]>(
      Prisma.sql`SELECT i."rootCause" AS "rootCause", i."responsibleParty" AS party, r."action" AS action,
          r."currencyCode" AS "currencyCode", SUM(${amountSql(dialect)}) AS total, COUNT(*) AS n
        FROM "Remediation" r JOIN "Incident" i ON i."id" = r."incidentId"
        WHERE ${inRange} AND r."status" = 'succeeded' AND r."amount" IS NOT NULL AND r."currencyCode" IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
    ),
    db.$queryRaw<{ day: string; action: string; currencyCode: string; total: unknown }[]>(
      Prisma.sql`SELECT ${localDaySql(dialect, 'r."createdAt"', segments)} AS day, r."action" AS action,
          r."currencyCode" AS "currencyCode", SUM(${amountSql(dialect)}) AS total
        FROM "Remediation" r
        WHERE r."shop" = ${shop} AND r."createdAt" >= ${at(dialect, start)} AND r."createdAt" < ${at(dialect, end)}
          AND r."status" = 'succeeded' AND r."amount" IS NOT NULL AND r."currencyCode" IS NOT NULL
        GROUP BY 1, 2, 3`,
    ),
    db.incident.groupBy({ by: ["rootCause"], where, _count: { _all: true } }),
    db.incident.groupBy({ by: ["responsibleParty"], where, _count: { _all: true } }),
    db.incident.count({ where }),
    db.incident.count({ where: { shop, status: { in: [...ACTIVE_STATUSES] }, responseDeadline: { lt: now } } }),
    db.incident.groupBy({
      by: ["customerId"],
      where: { ...where, customerId: { not: null } },
      _count: { _all: true },
      // A name and e-mail to show with each: any of the customer's incidents has them.
      _max: { customerName: true, customerEmail: true },
      having: { customerId: { _count: { gt: 1 } } },
      orderBy: [{ _count: { customerId: "desc" } }, { customerId: "asc" }],
      take: 10,
    }),
  ]);

  // The first thing a staff member did on it (the timeline's first "staff:" event; "merchant:"
  // from before Amends knew staff by name). A party's response time changed in settings moves
  // the deadline but is no action on the incident.
  const firstAction = Prisma.sql`SELECT ${secondsBetween(
    dialect,
    Prisma.sql`(SELECT MIN(e."at") FROM "IncidentEvent" e WHERE e."incidentId" = i."id" AND e."type" <> 'deadline_moved'
      AND (e."actor" LIKE 'staff:%' OR e."actor" LIKE 'merchant%'))`,
    Prisma.sql`i."createdAt"`,
  )} AS secs FROM "Incident" i WHERE ${inRange}`;
  const resolution = Prisma.sql`SELECT ${secondsBetween(dialect, Prisma.sql`i."resolvedAt"`, Prisma.sql`i."createdAt"`)} AS secs
    FROM "Incident" i WHERE ${inRange} AND i."resolvedAt" IS NOT NULL`;
  const [medianToFirstAction, medianToResolution] = [await medianSeconds(db, firstAction), await medianSeconds(db, resolution)];

  const groups = (rows: { key: string; count: number }[], keyOf: (row: (typeof costByCause)[number]) => string): GroupRow[] => {
    const list: GroupRow[] = rows.map((row) => ({ ...row, costs: [] }));
    for (const cost of costByCause) {
      const kind = COST_ACTIONS[cost.action];
      if (!kind) continue;
      const key = keyOf(cost);
      let group = list.find((row) => row.key === key);
      if (!group) list.push((group = { key, count: 0, costs: [] }));
      addCost(group.costs, kind, cost.currencyCode, num(cost.total), num(cost.n));
    }
    return list.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  };
  const costs: CostRow[] = [];
  for (const cost of costByCause) {
    const kind = COST_ACTIONS[cost.action];
    if (kind) addCost(costs, kind, cost.currencyCode, num(cost.total), num(cost.n));
  }

  return {
    total,
    incidentsByDay: byDay.map((row) => ({ day: row.day, key: row.kind, value: num(row.n) })),
    costByDay: costByDayRows.flatMap((row) => {
      const kind = COST_ACTIONS[row.action];
      return kind ? [{ day: row.day, kind, currencyCode: row.currencyCode, value: num(row.total) }] : [];
    }),
    byRootCause: groups(
      causes.map((row) => ({ key: row.rootCause ?? "not_set", count: row._count._all })),
      (row) => row.rootCause ?? "not_set",
    ),
    byResponsibleParty: groups(
      parties.map((row) => ({ key: row.responsibleParty, count: row._count._all })),
      (row) => row.party,
    ),
    costs,
    medianToFirstAction,
    medianToResolution,
    overdue,
    repeatCustomers: repeats.flatMap((row) => {
      if (!row.customerId) return [];
      return [{ customerId: row.customerId, name: row._max.customerName, email: row._max.customerEmail, incidents: row._count._all }];
    }),
  };
}
