// Acts on stored webhook deliveries, oldest first, outside the request that received them.
// A delivery is claimed by a conditional update, so two processes never act on the same one;
// one left "processing" by a crash is reclaimed after a while. Outcomes:
//   processed – done (or stale: older than what Amends already holds, nothing rolled back; or
//               sent before the shop uninstalled Amends, not acted on)
//   invalid   – the payload is not what Shopify documents; the reason is kept for the merchant
//   failed    – an error persisted through MAX_ATTEMPTS tries; the error is kept
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

import { ZodError } from "zod";

import type { Database } from "../db.server";
import type { Logger } from "../logger.server";
import { processingLag, webhookDeliveries } from "../metrics.server";
import { installState } from "../models/shop.server";
import type { ShopifyLookups } from "../shopify/lookups.server";
import type { HandlerContext } from "./handlers.server";
import { HANDLERS } from "./handlers.server";
import { parseShopifyJson } from "./json";
import { COMPLIANCE_TOPICS } from "./topics";

export const MAX_ATTEMPTS = 5;
const RECLAIM_AFTER_MS = 5 * 60_000;

export interface ProcessorDeps {
  db: Database;
  lookups: ShopifyLookups;
  log: Logger;
  clock?: () => Date;
  /** Told of incidents a delivery opened, once it is processed (automatic remediation). */
  onIncidentsOpened?: (shop: string, incidentIds: string[]) => void;
}

export function describeInvalid(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(payload)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Processes up to `limit` waiting deliveries; returns how many it handled. `holdOff` is asked
 * before each one: true stops after the delivery in hand (shutdown, or the intake needs the
 * machine); the rest stay stored for the next call.
 */
export async function processPendingDeliveries(
  deps: ProcessorDeps,
  limit = 100,
  holdOff: () => boolean = () => false,
): Promise<number> {
  const { db } = deps;
  const now = deps.clock?.() ?? new Date();
  await db.webhookDelivery.updateMany({
    where: { status: "processing", processedAt: null, receivedAt: { lt: new Date(now.getTime() - RECLAIM_AFTER_MS) } },
    data: { status: "received" },
  });
  const waiting = await db.webhookDelivery.findMany({
    where: { status: "received" },
    orderBy: [{ receivedAt: "asc" }, { triggeredAt: "asc" }],
    take: limit,
    select: { id: true },
  });
  let handled = 0;
  for (const { id } of waiting) {
    // SQLite through Prisma answers synchronously, so a long backlog would run as one chain of
    // microtasks and starve timers, signals and IPC (the server could not stop its worker).
    await yieldToEventLoop();
    if (holdOff()) break;
    const claimed = await db.webhookDelivery.updateMany({
      where: { id, status: "received" },
      data: { status: "processing", attempts: { increment: 1 } },
    });
    if (claimed.count === 0) continue; // another process has it
    await processOne(deps, id);
    handled++;
  }
  return handled;
}

async function processOne(deps: ProcessorDeps, id: string): Promise<void> {
  const { db } = deps;
  const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id } });
  const log = deps.log.child({
    shop: delivery.shop,
    topic: delivery.topic,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
  });
  const finish = async (status: string, outcome: string, error: string | null = null) => {
    const processedAt = deps.clock?.() ?? new Date();
    // updateMany: shop/redact deletes its own delivery along with the shop's data.
    await db.webhookDelivery.updateMany({ where: { id }, data: { status, error, processedAt } });
    webhookDeliveries.inc({ topic: delivery.topic, outcome });
    processingLag.observe({ topic: delivery.topic }, (processedAt.getTime() - delivery.receivedAt.getTime()) / 1000);
  };

  const handler = HANDLERS[delivery.topic];
  if (!handler) {
    log.warn("delivery for a topic Amends does not subscribe to");
    return finish("invalid", "invalid", `Amends does not handle the topic ${delivery.topic}`);
  }
  const triggeredAt = delivery.triggeredAt ?? delivery.receivedAt;
  const notForThisInstall = await fromAnEndedInstall(db, delivery.shop, delivery.topic, triggeredAt);
  if (notForThisInstall) {
    log.info(`${notForThisInstall}; not acted on`);
    return finish("processed", "uninstalled");
  }
  let payload: unknown;
  try {
    payload = parseShopifyJson(delivery.payload);
  } catch (error) {
    log.warn({ err: error }, "delivery body is not JSON");
    return finish("invalid", "invalid", `The body is not valid JSON: ${(error as Error).message}`);
  }
  const ctx: HandlerContext = {
    db,
    shop: delivery.shop,
    topic: delivery.topic,
    triggeredAt,
    now: deps.clock?.() ?? new Date(),
    lookups: deps.lookups,
    log,
  };
  try {
    const result = await handler(ctx, payload);
    log.info({ outcome: result.outcome, incidents: result.incidents ?? [] }, "delivery processed");
    await finish("processed", result.outcome);
    if (result.opened?.length) deps.onIncidentsOpened?.(delivery.shop, result.opened);
    return;
  } catch (error) {
    if (error instanceof ZodError) {
      const reason = describeInvalid(error);
      log.warn({ reason }, "delivery payload is not what Shopify documents");
      return finish("invalid", "invalid", reason);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (delivery.attempts >= MAX_ATTEMPTS) {
      log.error({ err: error }, "delivery failed for good");
      return finish("failed", "failed", message);
    }
    log.warn({ err: error, attempt: delivery.attempts }, "delivery failed; will retry");
    await db.webhookDelivery.update({ where: { id }, data: { status: "received", error: message } });
  }
}

/**
 * Why a delivery belongs to an install that has ended, or null. One Shopify sent before the shop
 * uninstalled Amends, taken up after the uninstall was recorded, is not acted on, so an
 * uninstalled shop's orders open no incidents; one sent after it can only come from a new
 * install, and is. An app/uninstalled sent before the shop installed Amends again (a late
 * retry) would undo the new install, and is not acted on either. Shopify's compliance requests
 * are always honoured: customers/redact, customers/data_request and shop/redact (48 hours after
 * the uninstall).
 */
async function fromAnEndedInstall(db: Database, shop: string, topic: string, triggeredAt: Date): Promise<string | null> {
  if ((COMPLIANCE_TOPICS as readonly string[]).includes(topic)) return null;
  const install = await installState(db, shop);
  if (install?.uninstalledAt && triggeredAt.getTime() <= install.uninstalledAt.getTime()) {
    return "sent before the shop uninstalled Amends";
  }
  if (install?.reinstalledAt && topic === "app/uninstalled" && triggeredAt.getTime() < install.reinstalledAt.getTime()) {
    return "an uninstall from before the shop installed Amends again";
  }
  return null;
}
