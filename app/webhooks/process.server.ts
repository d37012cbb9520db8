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
//   duplicate – a copy of an event another delivery holds (a redelivery, a replay under other
//               headers): the intake stores every copy, and only one of them is acted on
import { hostname } from "node:os";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

import { ZodError } from "zod";

import type { Prisma } from "@prisma/client";

import type { Database } from "../db.server";
import type { Logger } from "../logger.server";
import { processingLag, webhookDeliveries } from "../metrics.server";
import type { ClaimedDelivery } from "../models/delivery-queue.server";
import {
  claimDeliveries,
  deliveriesHoldingTheirEvent,
  dueDeliveryIds,
  finishDeliveries,
  hasExpiredClaims,
} from "../models/delivery-queue.server";
import { ShopReads } from "../models/shop.server";
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
  await releaseExpiredClaims(db, now);
  return processDeliveries(deps, await dueDeliveryIds(db, now, limit), holdOff);
}

/** Topics whose handlers read the shop's row but never change it: a batch's ShopReads stay
 * true across them. Any other topic (shop/update, app/uninstalled, compliance) may change the
 * row or the shop's sessions, and the batch reads them again after it. */
const READS_SHOP_ONLY = new Set([
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
  "inventory_levels/update",
  "refunds/create",
]);

/** A delivery's outcome, written with its batch-mates' once the batch is done. */
interface Outcome {
  delivery: ClaimedDelivery;
  status: string;
  outcome: string;
  error: string | null;
  opened: string[];
}

/** What one batch shares: the shop rows it read, and Shopify's answers (asked once per batch). */
interface Batch {
  shops: ShopReads;
  lookups: ShopifyLookups;
  outcomes: Outcome[];
  /** The claimed deliveries that hold their event; any other is a copy. */
  holding: Set<string>;
}

/** Shopify's answers for one batch: the same question within a fraction of a second is asked once. */
function batchLookups(lookups: ShopifyLookups): ShopifyLookups {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = ask();
      answers.set(key, answer);
      answer.catch(() => answers.delete(key)); // a failure is not remembered: the next one asks again
    }
    return answer;
  };
  return {
    inventoryItemStock: (shop, item) => once(`stock ${shop} ${item}`, () => lookups.inventoryItemStock(shop, item)),
    fulfilmentLocations: (shop, orders) => once(`locations ${shop} ${orders.join(" ")}`, () => lookups.fulfilmentLocations(shop, orders)),
    shopProfile: (shop) => once(`profile ${shop}`, () => lookups.shopProfile(shop)),
  };
}

/**
 * Claims and processes these deliveries, each only if it is still due, each shop's in the order
 * given (the order they were received in; shops side by side, see lanes); returns how many it
 * handled. `holdOff` is asked before each one: true stops after the deliveries in hand, and the
 * rest are put back in line untouched.
 *
 * Deliveries never tried are claimed together, in one statement; one tried before (a retry, or
 * in hand when a worker died) is claimed alone just before it is acted on, so a delivery that
 * kills its worker only ever counts its own attempts. Outcomes are written together at the
 * end (fenced by each claim), then the incidents opened are announced.
 */
export async function processDeliveries(deps: ProcessorDeps, ids: string[], holdOff: () => boolean = () => false): Promise<number> {
  if (ids.length === 0) return 0;
  const { db } = deps;
  const now = deps.clock?.() ?? new Date();
  const claimant = deps.claimant ?? workerName();
  const claim = (claimIds: string[], neverTried: boolean) =>
    claimDeliveries(db, claimIds, { now, claimedAt: deps.clock?.() ?? new Date(), claimant }, neverTried);
  const fresh = new Map((await claim(ids, true)).map((d) => [d.id, d]));
  const batch: Batch = {
    shops: new ShopReads(db),
    lookups: batchLookups(deps.lookups),
    outcomes: [],
    // Not recorded (the database failed): the batch goes back in line now, not when its claims expire.
    holding: await deliveriesHoldingTheirEvent(db, [...fresh.values()]).catch(async (error: unknown) => {
      await putBack(db, [...fresh.keys()], claimant).catch(() => {});
      throw error;
    }),
  };
  const claimAlone = async (id: string) => {
    const [delivery] = await claim([id], false);
    if (delivery && (await deliveriesHoldingTheirEvent(db, [delivery])).has(id)) batch.holding.add(id);
    return delivery;
  };
  let handled = 0;
  let stop = false;
  const reached = new Set<string>();
  const failures: unknown[] = [];
  const work = async (lane: string[]) => {
    for (const [index, id] of lane.entries()) {
      // SQLite through Prisma answers synchronously, so a long backlog would run as one chain of
      // microtasks and starve timers, signals and IPC (the server could not stop its worker).
      await yieldToEventLoop();
      if (stop || holdOff()) {
        stop = true;
        return;
      }
      reached.add(id);
      const delivery = fresh.get(id) ?? (await claimAlone(id));
      if (!delivery) continue; // another process has it, or it is done
      if (!READS_SHOP_ONLY.has(delivery.topic)) {
        // It may change what the rest of the batch was read as (customers/redact blanks the
        // customer's deliveries still waiting, and marks them not to be acted on): the rest go
        // back in line first, and are claimed and read one at a time after it.
        const rest = lane.slice(index + 1).filter((later) => fresh.delete(later));
        await putBack(db, rest, claimant);
      }
      await processOne(deps, batch, delivery);
      if (!READS_SHOP_ONLY.has(delivery.topic)) batch.shops.forget(delivery.shop);
      handled++;
    }
  };
  try {
    await Promise.all(
      lanes(ids, fresh).map((lane) =>
        work(lane).catch((error: unknown) => {
          // The database failed outside a handler (a claim, a retry's write): the other lanes
          // stop after the delivery in hand.
          stop = true;
          failures.push(error);
        }),
      ),
    );
  } finally {
    // Claimed and not reached (held off, or a lane failed): back in line now, not when their
    // claims expire. A failure here is the one reported when there is no other.
    const unreached = ids.filter((id) => fresh.has(id) && !reached.has(id));
    await putBack(db, unreached, claimant).catch((error: unknown) => failures.push(error));
    await finish(deps, batch.outcomes);
  }
  if (failures.length > 0) throw failures[0];
  for (const { delivery, opened } of batch.outcomes) {
    if (opened.length > 0) deps.onIncidentsOpened?.(delivery.shop, opened);
  }
  return handled;
}

/**
 * The batch's deliveries in lanes, each in the order received. Each shop has a lane, and the
 * lanes run side by side: shops share no data, so one shop's wait on Shopify (a look-up, its
 * rate limit) does not hold up the others' work. A batch holding a delivery that may change
 * more than its order (not READS_SHOP_ONLY), or one not claimed with the batch (a retry, whose
 * shop is known only once it is claimed alone), runs as one lane, one delivery at a time.
 */
function lanes(ids: string[], fresh: ReadonlyMap<string, ClaimedDelivery>): string[][] {
  const byShop = new Map<string, string[]>();
  for (const id of ids) {
    const delivery = fresh.get(id);
    if (!delivery || !READS_SHOP_ONLY.has(delivery.topic)) return [ids];
    const lane = byShop.get(delivery.shop);
    if (lane) lane.push(id);
    else byShop.set(delivery.shop, [id]);
  }
  return [...byShop.values()];
}

/** Claimed in a batch but not acted on (the processor was asked to hold off, a batch-mate may
 * change them, the database failed): back in line, as if never claimed. */
async function putBack(db: Database, ids: string[], claimant: string): Promise<void> {
  if (ids.length === 0) return;
  await db.webhookDelivery.updateMany({
    where: { id: { in: ids }, status: "processing", claimedBy: claimant, processedAt: null },
    data: { status: "received", claimedAt: null, claimedBy: null, attempts: { decrement: 1 } },
  });
}

/** Writes the batch's outcomes, in one transaction, each only while the claim is still the one
 * this batch took (see the top of this file). */
async function finish(deps: ProcessorDeps, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const processedAt = deps.clock?.() ?? new Date();
  await finishDeliveries(deps.db, outcomes, processedAt);
  for (const { delivery, outcome } of outcomes) {
    webhookDeliveries.inc({ topic: delivery.topic, outcome });
    processingLag.observe({ topic: delivery.topic }, (processedAt.getTime() - delivery.receivedAt.getTime()) / 1000);
  }
}

/** The delivery while the claim is still this attempt's. */
function held(delivery: ClaimedDelivery) {
  return { id: delivery.id, status: "processing", attempts: delivery.attempts };
}

async function processOne(deps: ProcessorDeps, batch: Batch, delivery: ClaimedDelivery): Promise<void> {
  const { db } = deps;
  const log = deps.log.child({
    shop: delivery.shop,
    topic: delivery.topic,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
  });
  const finish = (status: string, outcome: string, error: string | null = null, opened: string[] = []) => {
    batch.outcomes.push({ delivery, status, outcome, error, opened });
  };

  if (!batch.holding.has(delivery.id)) {
    log.info("a copy of an event already received; not acted on");
    return finish("duplicate", "duplicate");
  }
  const handler = HANDLERS[delivery.topic];
  if (!handler) {
    log.warn("delivery for a topic Amends does not subscribe to");
    return finish("invalid", "invalid", `Amends does not handle the topic ${delivery.topic}`);
  }
  const triggeredAt = delivery.triggeredAt ?? delivery.receivedAt;
  const notForThisInstall = await fromAnEndedInstall(batch.shops, delivery.shop, delivery.topic, triggeredAt);
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
    body: delivery.payload,
    now: deps.clock?.() ?? new Date(),
    lookups: batch.lookups,
    log,
    shops: batch.shops,
  };
  try {
    const result = await handler(ctx, payload);
    log.info({ outcome: result.outcome, incidents: result.incidents ?? [] }, "delivery processed");
    return finish("processed", result.outcome, null, result.opened ?? []);
  } catch (error) {
    // What the handler read may be what failed (a row changed under it): read it again.
    batch.shops.forget(delivery.shop);
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
      where: held(delivery),
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
async function fromAnEndedInstall(shops: ShopReads, shop: string, topic: string, triggeredAt: Date): Promise<string | null> {
  if ((COMPLIANCE_TOPICS as readonly string[]).includes(topic)) return null;
  const install = await shops.installState(shop);
  if (install?.uninstalledAt && triggeredAt.getTime() <= install.uninstalledAt.getTime()) {
    return "sent before the shop uninstalled Amends";
  }
  if (install?.reinstalledAt && topic === "app/uninstalled" && triggeredAt.getTime() < install.reinstalledAt.getTime()) {
    return "an uninstall from before the shop installed Amends again";
  }
  return null;
}

/** Claims older than CLAIM_EXPIRES_MS are put back in line: the process that held them died. (No
 * claimedAt: a claim taken before the column existed, which only receivedAt can date.) Also the
 * queue's catch-up job's first step. */
export async function releaseExpiredClaims(db: Database, now = new Date()): Promise<number> {
  const expired = new Date(now.getTime() - CLAIM_EXPIRES_MS);
  // Asked before every batch and nearly always none: one indexed look, not two writes.
  if (!(await hasExpiredClaims(db, expired))) return 0;
  return releaseClaims(db, { OR: [{ claimedAt: { lt: expired } }, { claimedAt: null, receivedAt: { lt: expired } }] }, now);
}
