// Automatic remediation: every incident Amends opens is put to the shop's policy, which either
// acts (automatic mode, within caps, no abuse signal), asks the merchant (awaiting approval),
// or leaves it to them. Runs in the webhook worker, after the delivery that opened it.
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

const DEFAULT_LEASE_MS = 5 * 60_000;

type Installed = ReturnType<typeof notFromShops>;

export class AutoRemediator {
  private queue: { shop: string; incidentId: string }[] = [];
  /** Queued or being worked on: a catch-up pass does not add them again. */
  private inHand = new Set<string>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;

  constructor(
    private readonly deps: RemediationDeps & { db: Database; log: Logger },
    /** An incident this old without a decision is picked up by the catch-up pass. */
    private readonly graceMs = 60_000,
  ) {
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  enqueue(shop: string, incidentIds: string[]): void {
    for (const incidentId of incidentIds) this.add(shop, incidentId);
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

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** What a crash or a pause left behind, of shops that have Amends installed: an uninstalled
   * shop's incidents wait until it installs Amends again. */
  async catchUp(now = new Date()): Promise<void> {
    for (const incident of await this.leftBehind(now)) this.add(incident.shop, incident.id);
    await this.idle();
  }

  /** What the catch-up pass takes up (see the top of this file); the job queue's catch-up job
   * queues the same. */
  async leftBehind(now = new Date()): Promise<{ id: string; shop: string }[]> {
    const installed = notFromShops(await uninstalledShops(this.deps.db));
    return [
      ...(await this.undecided(now, installed)),
      ...(await this.decidedNotDone(now, installed)),
      ...(await this.abandoned(now, installed)),
    ];
  }

  private add(shop: string, incidentId: string): void {
    if (this.inHand.has(incidentId)) return;
    this.inHand.add(incidentId);
    this.queue.push({ shop, incidentId });
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** Open incidents the policy has not seen (no "decision" on their timeline). */
  private undecided(now: Date, installed: Installed): Promise<{ id: string; shop: string }[]> {
    return this.deps.db.incident.findMany({
      where: {
        ...installed,
        status: "open",
        createdAt: { lt: new Date(now.getTime() - this.graceMs) },
        events: { none: { type: "decision" } },
      },
      select: { id: true, shop: true },
      take: 200,
    });
  }

  /**
   * Open incidents whose latest decision was for an earlier kind than they have now (a parcel
   * incident escalated), or was to act and the plan never started (the run died between the
   * decision and its first step).
   */
  private async decidedNotDone(now: Date, installed: Installed): Promise<{ id: string; shop: string }[]> {
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
  private abandoned(now: Date, installed: Installed): Promise<{ id: string; shop: string }[]> {
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
      select: { id: true, shop: true },
      take: 200,
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await remediateAutomatically(this.deps, next.shop, next.incidentId);
      } catch (error) {
        // Left as it was: the catch-up pass tries again.
        this.deps.log.child({ shop: next.shop, incidentId: next.incidentId }).error({ err: error }, "automatic remediation failed; will retry");
      } finally {
        this.inHand.delete(next.incidentId);
      }
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
