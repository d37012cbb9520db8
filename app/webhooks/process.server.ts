// Acts on stored webhook deliveries, oldest first, outside the request that received them.
// A delivery is claimed by a conditional update, so two processes never act on the same one;
// a claim expires CLAIM_EXPIRES_MS after it was taken (a crash mid-delivery) — at once when the
// restarted worker releases its dead predecessor's claims — and every write of the claimant is
// fenced by `attempts`, so one whose claim expired cannot overwrite the next claimant's outcome.
// A delivery that was in hand each time the worker died, MAX_ATTEMPTS times, is failed rather
// than taken up again (it may be what kills it). Outcomes:
//   processed – done (or stale: older than what Amends already holds, nothing rolled back; or
//               sent before the shop uninstalled Amends, not acted on)
//   invalid   – the payload is not what Shopify documents; the reason is kept for the merchant
//   failed    – an error persisted through MAX_ATTEMPTS tries, spaced by exponential backoff
//               with jitter; the error is kept and the merchant can replay it
import { hostname } from "node:os";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

import { ZodError } from "zod";

import type { Prisma } from "@prisma/client";

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
export const CLAIM_EXPIRES_MS = 5 * 60_000;
/** The wait before attempt n + 1 is at most RETRY_BASE_MS · 4^(n-1) (capped at RETRY_MAX_MS),
 * at least half of that: 1, 4, 16 and 64 minutes, so an outage of an hour is ridden out. */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 2 * 60 * 60_000;

/** When a delivery whose attempt `attempt` (1-based) failed is tried again. `random` in [0, 1):
 * "equal jitter", so deliveries that failed together (an outage) do not all come back at once. */
export function nextAttemptAt(now: Date, attempt: number, random: number): Date {
  const ceiling = Math.min(RETRY_BASE_MS * 4 ** (attempt - 1), RETRY_MAX_MS);
  return new Date(now.getTime() + ceiling / 2 + (ceiling / 2) * random);
}

/** This process as a claimant: host and pid, which the worker's supervisor also knows. */
export function workerName(pid = process.pid): string {
  return `${hostname()}:${pid}`;
}

/** The error kept on a delivery that was in hand each time the worker stopped. */
export const STOPPED_WHILE_IN_HAND = `Amends stopped ${MAX_ATTEMPTS} times while acting on this delivery`;

/**
 * Puts back in line the deliveries `where` selects among those claimed and not finished; one
 * already tried MAX_ATTEMPTS times is failed instead. Returns how many were released.
 */
async function releaseClaims(db: Database, where: Prisma.WebhookDeliveryWhereInput, now: Date): Promise<number> {
  const held = { status: "processing", processedAt: null, ...where };
  await db.webhookDelivery.updateMany({
    where: { ...held, attempts: { gte: MAX_ATTEMPTS } },
    data: { status: "failed", error: STOPPED_WHILE_IN_HAND, processedAt: now, claimedAt: null, claimedBy: null },
  });
  const released = await db.webhookDelivery.updateMany({
    where: held,
    data: { status: "received", claimedAt: null, claimedBy: null },
  });
  return released.count;
}

/** A restarted worker's first step: its dead predecessor's claims (`claimant`, see
 * workerName) are released now rather than when they expire. */
export function releaseClaimsOf(db: Database, claimant: string, now = new Date()): Promise<number> {
  return releaseClaims(db, { claimedBy: claimant }, now);
}

export interface ProcessorDeps {
  db: Database;
  lookups: ShopifyLookups;
  log: Logger;
  clock?: () => Date;
  /** Who claims (WebhookDelivery.claimedBy); this process by default (workerName()). */
  claimant?: string;
  /** [0, 1), for the retry jitter; Math.random unless a test fixes it. */
  random?: () => number;
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
  // Claims older than CLAIM_EXPIRES_MS: the process that held them died. (No claimedAt: a claim
  // taken before the column existed, which only receivedAt can date.)
  const expired = new Date(now.getTime() - CLAIM_EXPIRES_MS);
  await releaseClaims(db, { OR: [{ claimedAt: { lt: expired } }, { claimedAt: null, receivedAt: { lt: expired } }] }, now);
  const due = { status: "received", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] };
  const waiting = await db.webhookDelivery.findMany({
    where: due,
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
      where: { id, ...due },
      data: {
        status: "processing",
        claimedAt: deps.clock?.() ?? new Date(),
        claimedBy: deps.claimant ?? workerName(),
        attempts: { increment: 1 },
      },
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
  // Only while the claim is still this attempt's (see the top of this file).
  const held = { id, status: "processing", attempts: delivery.attempts };
  const finish = async (status: string, outcome: string, error: string | null = null) => {
    const processedAt = deps.clock?.() ?? new Date();
    // updateMany: shop/redact deletes its own delivery along with the shop's data.
    await db.webhookDelivery.updateMany({ where: held, data: { status, error, processedAt, claimedAt: null, claimedBy: null, nextAttemptAt: null } });
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
    shopifyTriggeredAt: delivery.triggeredAt,
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
    const retryAt = nextAttemptAt(deps.clock?.() ?? new Date(), delivery.attempts, (deps.random ?? Math.random)());
    log.warn({ err: error, attempt: delivery.attempts, nextAttemptAt: retryAt }, "delivery failed; will retry");
    await db.webhookDelivery.updateMany({
      where: held,
      data: { status: "received", error: message, claimedAt: null, claimedBy: null, nextAttemptAt: retryAt },
    });
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

// ---------------------------------------------------------------------------------------------
// Named deliveries: the PostgreSQL job queue (app/jobs) hands a worker the ids its job carries.
// Kept apart from processPendingDeliveries so the batched processor can replace both at once.

/**
 * Claims and processes the deliveries `ids` that are still due (stored, not yet processed, their
 * retry time come); returns how many it handled. One already processed, in another worker's
 * hands, or waiting for its retry is skipped: a redelivered job does nothing twice.
 */
export async function processDeliveries(
  deps: ProcessorDeps,
  ids: string[],
  holdOff: () => boolean = () => false,
): Promise<number> {
  const { db } = deps;
  const now = deps.clock?.() ?? new Date();
  const due = { status: "received", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] };
  let handled = 0;
  for (const id of ids) {
    await yieldToEventLoop();
    if (holdOff()) break;
    const claimed = await db.webhookDelivery.updateMany({
      where: { id, ...due },
      data: {
        status: "processing",
        claimedAt: deps.clock?.() ?? new Date(),
        claimedBy: deps.claimant ?? workerName(),
        attempts: { increment: 1 },
      },
    });
    if (claimed.count === 0) continue;
    await processOne(deps, id);
    handled++;
  }
  return handled;
}

/** Claims older than CLAIM_EXPIRES_MS are put back in line (their holder died); for the queue's
 * catch-up job, which does not go through processPendingDeliveries. */
export function releaseExpiredClaims(db: Database, now = new Date()): Promise<number> {
  const expired = new Date(now.getTime() - CLAIM_EXPIRES_MS);
  return releaseClaims(db, { OR: [{ claimedAt: { lt: expired } }, { claimedAt: null, receivedAt: { lt: expired } }] }, now);
}
