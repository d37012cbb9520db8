// Where the intake writes deliveries: straight through the database driver, one multi-row
// INSERT per batch (store/sqlite-store.server.ts, store/postgres-store.server.ts). Prisma's
// raw-query path costs ~1 ms per 10 KB row here (it serialises every parameter through its
// query engine), six times the driver's own cost, and this is the hot path. The table is Prisma's (WebhookDelivery); timestamps are written in the formats Prisma
// reads back.
import { isPostgresUrl } from "../../prisma/database-url";
import { postgresStore } from "./store/postgres-store.server";
import { sqliteStore } from "./store/sqlite-store.server";

export interface DeliveryRow {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: Date | null;
  apiVersion: string | null;
  /** The body as received (UTF-8), stored as text. */
  payload: Buffer;
  receivedAt: Date;
}

export interface DeliveryStore {
  /** Writes the rows in one transaction; a row whose event is already stored is skipped. */
  insert(rows: DeliveryRow[]): Promise<void>;
  close(): Promise<void>;
  /** How many batches it takes at once (the next one waits in line while one is written). */
  pipeline?: number;
}

export interface DeliveryStoreOptions {
  /**
   * PostgreSQL only: a job for the stored deliveries is added to graphile-worker's queue by the
   * same statement that stores them (`<schema>.add_job(task, {"ids": [...]})`), so a crash can
   * never leave a delivery stored without its job. Only rows actually inserted (not a redelivery
   * of a stored event) are in the job. `ready` resolves once the queue's schema exists.
   */
  queue?: { schema: string; task: string; ready: () => Promise<void> };
}

export function openDeliveryStore(databaseUrl: string, options: DeliveryStoreOptions = {}): DeliveryStore {
  return isPostgresUrl(databaseUrl) ? postgresStore(databaseUrl, options) : sqliteStore(databaseUrl);
}
