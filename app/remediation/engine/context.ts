// What every step of one remediation run shares.
import type { Database } from "../../db.server";
import type { Logger } from "../../logger.server";
import type { ShopSettings } from "../../models/shop.server";
import type { AdminClient } from "../../shopify/admin.server";
import type { RemediationOrder } from "../../shopify/operations/order.server";
import type { IncidentRow } from "./context.server";

export interface EngineContext {
  db: Database;
  client: AdminClient;
  incident: IncidentRow;
  order: RemediationOrder;
  settings: ShopSettings;
  actor: string;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  log: Logger;
  leaseMs: number;
  leaseRenewMs: number;
  searchLagMs: number;
  waitMs: number;
  jobPollIntervalMs: number;
  cancelWaitMs: number;
  locale: string;
}
