// The webhook processor's queue statements: the batch's claim, its outcomes, the look for
// expired claims. Plain SQL (sql.server.ts): Prisma's compile of a 50-delivery claim or outcome
// write cost several milliseconds a batch, more than the statements themselves
// (bench/processing.ts). On SQLite each delivery is its own short statement, all of a batch's in
// one transaction, so SQLite keeps them prepared. On PostgreSQL a batch is one statement over
// arrays of its deliveries: each statement is a round trip and a compile by Prisma, which made
// a statement per delivery most of the processing's time there (bench/pg-workers.ts).
import type { WebhookDelivery } from "@prisma/client";

import type { Database } from "../db.server";
import { isPostgres } from "../db.server";
import type { SqlQuery } from "./sql.server";
import { execute, executeAll, queryAllRows, queryRows, sql } from "./sql.server";

export type ClaimedDelivery = WebhookDelivery;

const DELIVERY_COLUMNS = {
  triggeredAt: "date",
  receivedAt: "date",
  processedAt: "date",
  nextAttemptAt: "date",
  claimedAt: "date",
  attempts: "int",
} as const;

/** Up to `limit` deliveries due now (never tried, or their retry time has come), oldest first. */
export async function dueDeliveryIds(db: Database, now: Date, limit: number): Promise<string[]> {
  const rows = await queryRows(
    db,
    sql`SELECT "id" FROM "WebhookDelivery"
    WHERE "status" = 'received' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
    ORDER BY "receivedAt" ASC, "triggeredAt" ASC LIMIT ${limit}`,
    {},
  );
  return rows.map((row) => row.id as string);
}

export interface Claim {
  now: Date;
  claimedAt: Date;
  claimant: string;
}

/**
 * Claims those of `ids` that are still due — `neverTried`: only those with no attempt yet —
 * counting an attempt on each; returns the claimed rows. One transaction.
 */
export async function claimDeliveries(db: Database, ids: readonly string[], claim: Claim, neverTried: boolean): Promise<ClaimedDelivery[]> {
  const { now, claimedAt, claimant } = claim;
  if (ids.length === 0) return [];
  if (isPostgres(db)) {
    // Rows locked in id order, so two workers claiming overlapping batches wait for each other
    // instead of deadlocking; one that waited sees the row claimed already and leaves it.
    const rows = await queryRows(
      db,
      sql`WITH due AS (
          SELECT "id" FROM "WebhookDelivery"
          WHERE "id" = ANY(${ids}) AND ("attempts" = 0 OR NOT ${neverTried}::boolean) AND "status" = 'received'
            AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
          ORDER BY "id" FOR UPDATE)
        UPDATE "WebhookDelivery" AS d SET "status" = 'processing', "claimedAt" = ${claimedAt}, "claimedBy" = ${claimant}, "attempts" = d."attempts" + 1
        FROM due WHERE d."id" = due."id" RETURNING d.*`,
      DELIVERY_COLUMNS,
    );
    return rows as unknown as ClaimedDelivery[];
  }
  const queries = ids.map((id) =>
    neverTried
      ? sql`UPDATE "WebhookDelivery" SET "status" = 'processing', "claimedAt" = ${claimedAt}, "claimedBy" = ${claimant}, "attempts" = "attempts" + 1
        WHERE "id" = ${id} AND "attempts" = 0 AND "status" = 'received' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
        RETURNING *`
      : sql`UPDATE "WebhookDelivery" SET "status" = 'processing', "claimedAt" = ${claimedAt}, "claimedBy" = ${claimant}, "attempts" = "attempts" + 1
        WHERE "id" = ${id} AND "status" = 'received' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
        RETURNING *`,
  );
  return (await queryAllRows(db, queries, DELIVERY_COLUMNS)) as unknown as ClaimedDelivery[];
}

/**
 * Records each delivery's event (topic and event id) and webhook id as its own, unless another
 * delivery holds either; returns the ids of those that hold theirs — the others are copies, not
 * to be acted on. Of copies of one event claimed together the first received (the smallest id:
 * ids are time-ordered) wins; one that holds its event already (a retry) still does. One
 * transaction, its keys taken in one order (topic, event id), so two PostgreSQL workers
 * recording copies of the same events wait for each other instead of deadlocking.
 */
export async function deliveriesHoldingTheirEvent(db: Database, deliveries: readonly ClaimedDelivery[]): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  const ordered = [...deliveries].sort((a, b) => compare(a.topic, b.topic) || compare(a.eventId, b.eventId) || compare(a.id, b.id));
  if (isPostgres(db)) {
    const ids = ordered.map((d) => d.id);
    // One statement: the events recorded now, in the order above (WITH ORDINALITY keeps it),
    // and those a delivery held already (a retry's, recorded on an earlier attempt).
    const rows = await queryRows(
      db,
      sql`WITH batch AS (
          SELECT * FROM unnest(${ids}::text[], ${ordered.map((d) => d.topic)}::text[],
            ${ordered.map((d) => d.eventId)}::text[], ${ordered.map((d) => d.webhookId)}::text[])
            WITH ORDINALITY AS b("deliveryId", "topic", "eventId", "webhookId", "position")),
        recorded AS (
          INSERT INTO "WebhookEvent" ("deliveryId", "topic", "eventId", "webhookId")
          SELECT "deliveryId", "topic", "eventId", "webhookId" FROM batch ORDER BY "position"
          ON CONFLICT DO NOTHING RETURNING "deliveryId")
        SELECT "deliveryId" FROM recorded
        UNION SELECT "deliveryId" FROM "WebhookEvent" WHERE "deliveryId" = ANY(${ids})`,
      {},
    );
    return new Set(rows.map((row) => row.deliveryId as string));
  }
  // Each delivery's insert, then one look at which of them hold their event: those just recorded
  // and those that held it already (SQLite has no arrays; a JSON array of the ids stands in). The
  // inserts keep RETURNING only because queryAllRows reads every statement as rows.
  const queries: SqlQuery[] = ordered.map(
    ({ id, topic, eventId, webhookId }) => sql`INSERT INTO "WebhookEvent" ("deliveryId", "topic", "eventId", "webhookId") VALUES (${id}, ${topic}, ${eventId}, ${webhookId})
    ON CONFLICT DO NOTHING RETURNING "deliveryId"`,
  );
  queries.push(sql`SELECT "deliveryId" FROM "WebhookEvent" WHERE "deliveryId" IN (SELECT "value" FROM json_each(${JSON.stringify(ordered.map((d) => d.id))}))`);
  const rows = await queryAllRows(db, queries, {});
  return new Set(rows.map((row) => row.deliveryId as string));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface DeliveryOutcome {
  delivery: Pick<ClaimedDelivery, "id" | "attempts">;
  status: string;
  error: string | null;
}

/**
 * Writes the outcomes, each only while the delivery's claim is still the attempt that took it
 * (`attempts`: a claimant whose claim expired cannot overwrite the next one's outcome). One
 * transaction. (An outcome whose delivery was deleted meanwhile, by shop/redact, writes nothing.)
 */
export async function finishDeliveries(db: Database, outcomes: readonly DeliveryOutcome[], processedAt: Date): Promise<void> {
  if (outcomes.length === 0) return;
  if (isPostgres(db)) {
    await execute(
      db,
      sql`UPDATE "WebhookDelivery" AS d
      SET "status" = o."status", "error" = o."error", "processedAt" = ${processedAt}, "claimedAt" = NULL, "claimedBy" = NULL, "nextAttemptAt" = NULL
      FROM unnest(${outcomes.map((o) => o.delivery.id)}::text[], ${outcomes.map((o) => o.status)}::text[],
        ${outcomes.map((o) => o.error)}::text[], ${outcomes.map((o) => o.delivery.attempts)}::int[]) AS o("id", "status", "error", "attempts")
      WHERE d."id" = o."id" AND d."status" = 'processing' AND d."attempts" = o."attempts"`,
    );
    return;
  }
  const queries: SqlQuery[] = outcomes.map(
    ({ delivery, status, error }) => sql`UPDATE "WebhookDelivery"
    SET "status" = ${status}, "error" = ${error}, "processedAt" = ${processedAt}, "claimedAt" = NULL, "claimedBy" = NULL, "nextAttemptAt" = NULL
    WHERE "id" = ${delivery.id} AND "status" = 'processing' AND "attempts" = ${delivery.attempts}`,
  );
  await executeAll(db, queries);
}

/** Whether any claim taken before `expired` is still held (the process that holds it died). A
 * claim without claimedAt predates the column, and only receivedAt can date it. */
export async function hasExpiredClaims(db: Database, expired: Date): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`SELECT "id" FROM "WebhookDelivery"
    WHERE "status" = 'processing' AND "processedAt" IS NULL
      AND ("claimedAt" < ${expired} OR ("claimedAt" IS NULL AND "receivedAt" < ${expired}))
    LIMIT 1`,
    {},
  );
  return rows.length > 0;
}
