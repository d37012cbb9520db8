// Automatic remediation: every incident Amends opens is put to the shop's policy, which either
// acts (automatic mode, within caps, no abuse signal), asks the merchant (awaiting approval),
// or leaves it to them. Runs in the webhook worker, after the delivery that opened it.
//
// Durable by construction: a catch-up pass puts every open incident that has no recorded
// decision yet — or none for the kind it escalated to — to the policy, so an incident opened or
// escalated just before a crash is not forgotten.
import type { Database } from "../db.server";
import { PARCEL_KINDS } from "../incidents/detection";
import type { Logger } from "../logger.server";
import { notFromShops, uninstalledAt, uninstalledShops } from "../models/shop.server";
import { remediate } from "./engine/index.server";
import type { RemediationDeps } from "./engine/index.server";

export class AutoRemediator {
  private queue: { shop: string; incidentId: string }[] = [];
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: RemediationDeps & { db: Database; log: Logger },
    /** An incident this old without a decision is picked up by the catch-up pass. */
    private readonly graceMs = 60_000,
  ) {}

  enqueue(shop: string, incidentIds: string[]): void {
    for (const incidentId of incidentIds) this.queue.push({ shop, incidentId });
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  start(intervalMs = 60_000): void {
    this.timer ??= setInterval(() => void this.catchUp(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Open incidents the policy has not seen (no "decision" on their timeline), of shops that
   * have Amends installed: an uninstalled shop's wait until it installs Amends again. */
  async catchUp(now = new Date()): Promise<void> {
    const installed = notFromShops(await uninstalledShops(this.deps.db));
    const waiting = await this.deps.db.incident.findMany({
      where: {
        ...installed,
        status: "open",
        createdAt: { lt: new Date(now.getTime() - this.graceMs) },
        events: { none: { type: "decision" } },
      },
      select: { id: true, shop: true },
      take: 200,
    });
    const escalated = await this.escalatedSinceDecision(now, installed);
    for (const incident of [...waiting, ...escalated]) this.queue.push({ shop: incident.shop, incidentId: incident.id });
    if (waiting.length || escalated.length) this.running ??= this.drain().finally(() => (this.running = null));
    await this.idle();
  }

  /** Open parcel incidents whose latest decision was for an earlier kind than they have now. */
  private async escalatedSinceDecision(now: Date, installed: ReturnType<typeof notFromShops>): Promise<{ id: string; shop: string }[]> {
    const open = await this.deps.db.incident.findMany({
      where: {
        ...installed,
        status: "open",
        kind: { in: PARCEL_KINDS.slice(1) },
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
      const decided = (incident.events[0]?.data as { kind?: unknown } | null)?.kind;
      return decided !== undefined && decided !== incident.kind;
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      const log = this.deps.log.child({ shop: next.shop, incidentId: next.incidentId });
      try {
        // Uninstalled: Shopify revoked Amends' access and the merchant chose to stop it. Left
        // open without a decision; the catch-up pass takes it if the shop installs Amends again.
        if (await uninstalledAt(this.deps.db, next.shop)) {
          log.info("shop uninstalled Amends; incident not remedied");
          continue;
        }
        const report = await remediate(this.deps, {
          shop: next.shop,
          incidentId: next.incidentId,
          trigger: "automatic",
          actor: "rule:policy",
        });
        log.info({ status: report.status, remedies: report.remedies.map((r) => `${r.action}:${r.status}`) }, "policy applied");
      } catch (error) {
        // Left open without a decision: the catch-up pass tries again.
        log.error({ err: error }, "automatic remediation failed; will retry");
      }
    }
  }
}
