// A test file's database (private on PostgreSQL) with the webhook intake over HTTP and a Shopify emulator delivering into it.
import type { Database } from "../../app/db.server";
import { createDatabase } from "../../app/db.server";
import { logger } from "../../app/logger.server";
import type { DeliveryStore, DeliveryStoreOptions } from "../../app/webhooks/delivery-store.server";
import { openDeliveryStore } from "../../app/webhooks/delivery-store.server";
import { WebhookIntake } from "../../app/webhooks/intake.server";
import type { ProcessorDeps } from "../../app/webhooks/process.server";
import { processPendingDeliveries } from "../../app/webhooks/process.server";
import type { RunningEmulator, StartOptions } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import type { TestDatabase } from "./databases";
import { installedShops } from "./installed-shops";
import type { PrivatePostgres } from "./private-postgres";
import { privatePostgres } from "./private-postgres";
import type { WebhookServer } from "./webhook-server";
import { startWebhookServer } from "./webhook-server";

export interface StoreWithWebhooksOptions {
  backend: TestDatabase["name"];
  /** The run's database URL: used as is on SQLite; PostgreSQL gets a private one next to it. */
  runUrl: string;
  /** Names the private PostgreSQL database. */
  label: string;
  secret: string;
  emulator?: Omit<StartOptions, "webhooks">;
  /** How the intake stores, from the database's URL (the PostgreSQL job queue's option). */
  deliveryStore?: (url: string) => DeliveryStoreOptions;
}

export interface StoreWithWebhooks {
  /** The database's URL (the private one on PostgreSQL). */
  url: string;
  db: Database;
  deliveries: DeliveryStore;
  server: WebhookServer;
  emu: RunningEmulator;
  /** Waits until the emulator's deliveries are answered, then processes stored ones until none is left. */
  settle(deps: Omit<ProcessorDeps, "db" | "log">): Promise<void>;
  /** Closes the emulator, the server, the delivery store and the database, in that order; drops a private database. */
  close(): Promise<void>;
}

export async function startStoreWithWebhooks(options: StoreWithWebhooksOptions): Promise<StoreWithWebhooks> {
  const { backend, runUrl, label, secret, emulator = {} } = options;
  let database: PrivatePostgres | null = null;
  let url = runUrl;
  if (backend === "postgres") {
    database = await privatePostgres(runUrl, label);
    url = database.url;
  }
  const db = createDatabase(url);
  const deliveries = openDeliveryStore(url, options.deliveryStore?.(url));
  const server = await startWebhookServer(new WebhookIntake({ store: deliveries, secret, shops: installedShops(db) }));
  const emu = await startEmulator({
    ...emulator,
    webhooks: { appUrl: server.url, secret, maxAttempts: 3, backoffMs: () => 5 },
  });
  return {
    url,
    db,
    deliveries,
    server,
    emu,
    settle: async (deps) => {
      await emu.webhooks.idle();
      while ((await processPendingDeliveries({ db, log: logger, ...deps })) > 0);
    },
    close: async () => {
      await emu.close();
      await server.close();
      await deliveries.close();
      await db.$disconnect();
      await database?.drop();
    },
  };
}
