// Automatic remediation: every incident Amends opens is put to the shop's policy, which either
// acts (automatic mode, within caps, no abuse signal), asks the merchant (awaiting approval),
// or leaves it to them. Runs in the webhook worker, after the delivery that opened it.
//
// Scheduled per shop: Shopify gives the app one rate-limited bucket per store, so each shop's
// incidents wait in a queue of their own, worked on one at a time (the shop's Admin client
// paces each call by the bucket Shopify reports), while several shops are worked on side by
// side: one shop's backlog never holds up another's. Within a shop the most urgent goes first —
// stock-outs and what a person reported before routine codes for late parcels
// (policy/urgency.ts, policy/shop-queues.ts).
//
// Durable by construction: a catch-up pass (at start and then every half lease) finds what a
// crash left behind and runs it again — the engine finishes each step exactly once:
// - open incidents the policy has not seen, or saw for an earlier kind (escalated);
// - open incidents it decided to act on whose plan never started (a crash in between);
// - incidents remediating with no run holding a live lease on any of their steps.
import type { Database } from "../db.server";
import { PARCEL_KINDS } from "../incidents/detection";
import type { Logger } from "../logger.server";
import { notFromShops, uninstalledAt, uninstalledShops } from "../models/shop.server";
import { remediate } from "./engine/index.server";
import type { RemediationDeps } from "./engine/index.server";
import type { QueuedIncident, Urgency } from "./policy";
import { ShopQueues, urgencyOf } from "./policy";

const DEFAULT_LEASE_MS = 5 * 60_000;

type Installed = ReturnType<typeof notFromShops>;

/** How many shops are worked on at once. Each run mostly waits for Shopify (its bucket or its
 * answer), so several fit in one process; a shop beyond this waits for a turn, and a shop with
 * a long backlog gives its turn up after each incident while another shop waits. */
const DEFAULT_SHOPS_AT_ONCE = 8;
/** Incidents of one shop worked on at once: while one run writes to the database or waits for
 * Shopify's answer, the other uses the shop's bucket, so the bucket, not the round trips, sets
 * the pace (bench/remediation-rate.ts). Their calls share the shop's Admin client, which paces
 * them by the bucket Shopify reports. */
const DEFAULT_PER_SHOP = 2;

export interface AutoRemediatorOptions {
  /** An incident this old without a decision is picked up by the catch-up pass. */
  graceMs?: number;
  shopsAtOnce?: number;
  perShop?: number;
}

interface Found {
  id: string;
  shop: string;
  kind: string;
  source: string;
  orderId: string;
}

export class AutoRemediator {
  private readonly queues = new ShopQueues();
  /** Incidents being worked on: a catch-up pass does not queue them again. */
  private readonly inHand = new Set<string>();
  /** Orders with an incident being worked on: another incident of the order waits for it. */
  private readonly ordersInHand = new Set<string>();
  private readonly blocked = (item: QueuedIncident) => item.orderId !== null && this.ordersInHand.has(item.orderId);
  /** Shops with runners working through their queue, and how many. */
  private readonly runners = new Map<string, number>();
  /** Enqueued before their urgency is known (one query per batch, see rank()). */
  private ranking = 0;
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;
  private readonly graceMs: number;
  private readonly shopsAtOnce: number;
  private readonly perShop: number;

  constructor(
    private readonly deps: RemediationDeps & { db: Database; log: Logger },
    options: AutoRemediatorOptions | number = {},
  ) {
    const opts = typeof options === "number" ? { graceMs: options } : options;
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    this.graceMs = opts.graceMs ?? 60_000;
    this.shopsAtOnce = Math.max(1, opts.shopsAtOnce ?? DEFAULT_SHOPS_AT_ONCE);
    this.perShop = Math.max(1, opts.perShop ?? DEFAULT_PER_SHOP);
  }

  /** Queues incidents just opened; their kind and source (read in one query) set their place. */
  enqueue(shop: string, incidentIds: string[]): void {
    const fresh = incidentIds.filter((id) => !this.inHand.has(id) && !this.queues.has(id));
    if (fresh.length === 0) return;
    this.ranking++;
    void this.rank(shop, fresh).finally(() => {
      this.ranking--;
      this.schedule();
    });
  }

  /** Catches up now (what a crash left behind), then every half lease, at most every minute. */
  start(intervalMs = Math.min(60_000, Math.max(1_000, this.leaseMs / 2))): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.catchUp().catch((err: unknown) => this.deps.log.error({ err }, "remediation catch-up failed")), intervalMs);
    this.timer.unref();
    void this.catchUp().catch((err: unknown) => this.deps.log.error({ err }, "remediation catch-up failed"));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves once nothing is queued or being worked on. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Incidents waiting (of one shop, or all). */
  waiting(shop?: string): number {
    return this.queues.waiting(shop);
  }

  /** What a crash or a pause left behind, of shops that have Amends installed: an uninstalled
   * shop's incidents wait until it installs Amends again. */
  async catchUp(now = new Date()): Promise<void> {
    for (const incident of await this.leftBehind(now)) this.add(incident.shop, incident.id, urgencyOf(incident), incident.orderId);
    this.schedule();
    await this.idle();
  }

  /** What the catch-up pass takes up (see the top of this file); the job queue's catch-up job
   * queues the same. */
  async leftBehind(now = new Date()): Promise<Found[]> {
    const installed = notFromShops(await uninstalledShops(this.deps.db));
    return [
      ...(await this.undecided(now, installed)),
      ...(await this.decidedNotDone(now, installed)),
      ...(await this.abandoned(now, installed)),
    ];
  }

  private isIdle(): boolean {
    return this.ranking === 0 && this.runners.size === 0 && this.queues.waiting() === 0;
  }

  private add(shop: string, incidentId: string, urgency: Urgency, orderId: string | null): void {
    if (this.inHand.has(incidentId)) return;
    this.queues.add(shop, incidentId, urgency, orderId);
  }

  private async rank(shop: string, ids: string[]): Promise<void> {
    let known: { id: string; kind: string; source: string; orderId: string }[] = [];
    try {
      known = await this.deps.db.incident.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true, source: true, orderId: true } });
    } catch (error) {
      // Still queued, in arrival order among the middling: never dropped for want of a rank.
      this.deps.log.warn({ err: error, shop }, "could not read the incidents' kinds; queued without priority");
    }
    const byId = new Map(known.map((incident) => [incident.id, incident]));
    for (const id of ids) {
      const incident = byId.get(id);
      this.add(shop, id, incident ? urgencyOf(incident) : "normal", incident?.orderId ?? null);
    }
  }

  /** Gives free turns to the shops waiting longest for their most urgent work. */
  private schedule(): void {
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    for (const shop of this.queues.shops()) {
      const running = this.runners.get(shop) ?? 0;
      if (running === 0 && this.runners.size >= this.shopsAtOnce) break;
      // As many runners as the shop has incidents ready (their order not in hand), up to perShop.
      const ready = this.queues.ready(shop, this.blocked, this.perShop);
      for (let n = running; n < Math.min(this.perShop, running + ready); n++) {
        this.runners.set(shop, (this.runners.get(shop) ?? 0) + 1);
        void this.run(shop).finally(() => {
          const left = (this.runners.get(shop) ?? 1) - 1;
          if (left > 0) this.runners.set(shop, left);
          else this.runners.delete(shop);
          this.schedule();
        });
      }
    }
  }

  /** Works through one shop's queue, one incident at a time, most urgent first; gives the turn
   * up after each incident while another shop waits for one. */
  private async run(shop: string): Promise<void> {
    for (let next = this.queues.take(shop, this.blocked); next; next = this.queues.take(shop, this.blocked)) {
      this.inHand.add(next.incidentId);
      if (next.orderId) this.ordersInHand.add(next.orderId);
      try {
        await this.remediateOne(shop, next.incidentId);
      } finally {
        this.inHand.delete(next.incidentId);
        if (next.orderId) this.ordersInHand.delete(next.orderId);
      }
      if (this.runners.size >= this.shopsAtOnce && this.queues.shops().some((other) => !this.runners.has(other))) return;
    }
  }

  /** Open incidents the policy has not seen (no "decision" on their timeline). */
  private undecided(now: Date, installed: Installed): Promise<Found[]> {
    return this.deps.db.incident.findMany({
      where: {
        ...installed,
        status: "open",
        createdAt: { lt: new Date(now.getTime() - this.graceMs) },
        events: { none: { type: "decision" } },
      },
      select: { id: true, shop: true, kind: true, source: true, orderId: true },
      take: 200,
    });
  }

  /**
   * Open incidents whose latest decision was for an earlier kind than they have now (a parcel
   * incident escalated), or was to act and the plan never started (the run died between the
   * decision and its first step).
   */
  private async decidedNotDone(now: Date, installed: Installed): Promise<Found[]> {
    const open = await this.deps.db.incident.findMany({
      where: {
        ...installed,
        status: "open",
        updatedAt: { lt: new Date(now.getTime() - this.graceMs) },
        events: { some: { type: "decision" } },
      },
      select: {
        id: true,
        shop: true,
        kind: true,
        source: true,
        orderId: true,
        events: { where: { type: "decision" }, orderBy: { at: "desc" }, take: 1, select: { data: true } },
      },
      take: 200,
    });
    return open.filter((incident) => {
      const decided = incident.events[0]?.data as { kind?: unknown; outcome?: unknown } | null;
      const escalated = PARCEL_KINDS.includes(incident.kind as never) && decided?.kind !== undefined && decided.kind !== incident.kind;
      return escalated || decided?.outcome === "apply" || decided?.outcome === "needs_approval";
    });
  }

  /**
   * Remediating incidents nobody is working on: no step pending under a live lease, nothing
   * written for a lease's time (a run between two steps writes within moments). A crash
   * leaves exactly this; so does a failure Shopify may not repeat (it was down, its job still
   * running), which is tried again. What Shopify refused for good is not here: it waits for
   * the merchant in needs_attention.
   */
  private abandoned(now: Date, installed: Installed): Promise<Found[]> {
    const quiet = new Date(now.getTime() - Math.min(this.graceMs, this.leaseMs));
    return this.deps.db.incident.findMany({
      where: {
        ...installed,
        status: "remediating",
        updatedAt: { lt: quiet },
        remediations: {
          none: {
            OR: [
              { status: "pending", leaseExpiresAt: { gt: now } },
              { updatedAt: { gt: quiet } },
            ],
          },
        },
      },
      select: { id: true, shop: true, kind: true, source: true, orderId: true },
      take: 200,
    });
  }

  private async remediateOne(shop: string, incidentId: string): Promise<void> {
    try {
      await remediateAutomatically(this.deps, shop, incidentId);
    } catch (error) {
      // Left as it was: the catch-up pass tries again.
      this.deps.log.child({ shop, incidentId }).error({ err: error }, "automatic remediation failed; will retry");
    }
  }
}

/**
 * Puts one incident to its shop's policy (the engine finishes each step exactly once, so running
 * this twice for the same incident is safe). Throws when the engine did; the caller retries.
 */
export async function remediateAutomatically(
  deps: RemediationDeps & { db: Database; log: Logger },
  shop: string,
  incidentId: string,
): Promise<void> {
  const log = deps.log.child({ shop, incidentId });
  // Uninstalled: Shopify revoked Amends' access and the merchant chose to stop it. Left open
  // without a decision; the catch-up pass takes it if the shop installs Amends again.
  if (await uninstalledAt(deps.db, shop)) {
    log.info("shop uninstalled Amends; incident not remedied");
    return;
  }
  const report = await remediate(deps, { shop, incidentId, trigger: "automatic", actor: "rule:policy" });
  log.info({ status: report.status, remedies: report.remedies.map((r) => `${r.action}:${r.status}`) }, "policy applied");
}
