// The time-based rules (late fulfilment, late delivery, possibly lost) run from here. Each order
// carries the instant its rules next need a look (OrderRecord.dueAt, indexed); a sweep reads
// only the orders due by now, so its cost follows the number due, not the number stored.
// One order that cannot be checked (a stored state this version cannot read, a rule that
// throws) is logged, counted and looked at again later; the sweep goes on with the others.
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

import type { Database } from "../db.server";
import { evaluateTimeRules, nextCheckAt } from "../incidents/detection";
import type { DetectionSettings, OrderState } from "../incidents/model";
import type { Logger } from "../logger.server";
import { dueSweepFailures, incidentsOpened } from "../metrics.server";
import { recordFinding } from "../models/incident.server";
import { dueOrders, setDueAt } from "../models/order.server";
import { UnknownShopProfile, detectionSettings } from "../models/shop.server";

const PROFILE_RETRY_MS = 3_600_000;
/** An order that threw is looked at again after this, not in the same sweep (which would loop). */
export const FAILED_ORDER_RETRY_MS = 15 * 60_000;

export interface SweepResult {
  checked: number;
  /** Incidents the sweep opened or escalated, for the automatic remediation that follows. */
  opened: { shop: string; incidentId: string }[];
  /** Orders that threw, skipped until FAILED_ORDER_RETRY_MS later. */
  failed: { shop: string; orderId: string; error: string }[];
}

type DueOrder = Awaited<ReturnType<typeof dueOrders>>[number];

export async function sweepDueOrders(
  db: Database,
  now: Date,
  log?: Logger,
  batchSize = 500,
): Promise<SweepResult> {
  const settingsByShop = new Map<string, DetectionSettings>();
  const result: SweepResult = { checked: 0, opened: [], failed: [] };
  for (;;) {
    const due = await dueOrders(db, now, batchSize);
    if (due.length === 0) return result;
    for (const row of due) {
      await yieldToEventLoop(); // see process.server.ts
      try {
        await checkOrder(row);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log?.error({ err: error, shop: row.shop, orderId: row.orderId }, "due sweep could not check an order; skipped");
        dueSweepFailures.inc();
        result.failed.push({ shop: row.shop, orderId: row.orderId, error: message });
        // If this write fails too, the database is in trouble: the sweep stops and says so.
        await setDueAt(db, row.shop, row.orderId, new Date(now.getTime() + FAILED_ORDER_RETRY_MS));
      }
      result.checked++;
    }
  }

  async function checkOrder(row: DueOrder): Promise<void> {
    let settings = settingsByShop.get(row.shop);
    if (!settings) {
      settings = await detectionSettings(db, row.shop).catch((error: unknown) => {
        if (error instanceof UnknownShopProfile) return undefined;
        throw error;
      });
      if (settings) settingsByShop.set(row.shop, settings);
    }
    if (!settings) {
      // Its zone is not known yet (the shop's next webhook or admin visit reads it): looked
      // at again in an hour rather than counted in a zone that may not be the shop's.
      log?.warn({ shop: row.shop, orderId: row.orderId }, "shop profile unknown; order deferred");
      await setDueAt(db, row.shop, row.orderId, new Date(now.getTime() + PROFILE_RETRY_MS));
      return;
    }
    const state = row.state as unknown as OrderState;
    for (const finding of evaluateTimeRules(state, settings, now)) {
      const contact = {
        email: state.customer?.email ?? state.email ?? null,
        name: [state.customer?.firstName, state.customer?.lastName].filter(Boolean).join(" ") || null,
      };
      const recorded = await recordFinding(db, row.shop, finding, `rule:${finding.kind}`, contact);
      if (recorded.opened || recorded.escalated) {
        result.opened.push({ shop: row.shop, incidentId: recorded.incidentId });
        if (recorded.opened) incidentsOpened.inc({ kind: finding.kind });
        log?.info({ shop: row.shop, incidentId: recorded.incidentId, kind: finding.kind }, finding.summary);
      }
    }
    // Always strictly later than now, so a sweep never sees the same order twice.
    const next = nextCheckAt(state, settings, now);
    await setDueAt(db, row.shop, row.orderId, next && next.getTime() > now.getTime() ? next : null);
  }
}
