// The automatic policy's waiting work, one queue per shop. Shopify gives each app a rate-limit
// bucket per store, so one shop's backlog must not hold up another's: each shop's queue is
// worked on by its own runner (one incident at a time, paced by that shop's bucket), and shops
// run side by side. Within a shop, the most urgent incident goes next (urgency.ts), then the one
// that came first. Pure data structure: the runner does the I/O.
import type { Queued, Urgency } from "./urgency";
import { compareQueued } from "./urgency";

export interface QueuedIncident extends Queued {
  shop: string;
  incidentId: string;
  /** Two incidents of one order are never worked on at once (both would rewrite its note). */
  orderId: string | null;
}

/** True for an incident that must wait (its order is being worked on). */
export type Blocked = (item: QueuedIncident) => boolean;

export class ShopQueues {
  private readonly byShop = new Map<string, QueuedIncident[]>();
  private readonly ids = new Set<string>();
  private seq = 0;

  /** False when the incident is already waiting (it is not queued twice). */
  add(shop: string, incidentId: string, urgency: Urgency, orderId: string | null = null): boolean {
    if (this.ids.has(incidentId)) return false;
    this.ids.add(incidentId);
    const queue = this.byShop.get(shop) ?? [];
    const item: QueuedIncident = { shop, incidentId, urgency, seq: this.seq++, orderId };
    // Kept sorted: insert after everything that goes before it (binary search).
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareQueued(queue[mid] as QueuedIncident, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, item);
    this.byShop.set(shop, queue);
    return true;
  }

  has(incidentId: string): boolean {
    return this.ids.has(incidentId);
  }

  /** The shop's next incident (most urgent, then oldest) that is not blocked, taken off its queue. */
  take(shop: string, blocked: Blocked = () => false): QueuedIncident | undefined {
    const queue = this.byShop.get(shop);
    if (!queue) return undefined;
    const index = queue.findIndex((item) => !blocked(item));
    if (index < 0) return undefined;
    const [next] = queue.splice(index, 1);
    if (queue.length === 0) this.byShop.delete(shop);
    if (next) this.ids.delete(next.incidentId);
    return next;
  }

  /** How many of the shop's incidents could be taken now (up to `limit`). */
  ready(shop: string, blocked: Blocked = () => false, limit = Infinity): number {
    let count = 0;
    for (const item of this.byShop.get(shop) ?? []) {
      if (count >= limit) break;
      if (!blocked(item)) count++;
    }
    return count;
  }

  /** Shops with work waiting, the one whose most urgent work came first first. */
  shops(): string[] {
    return [...this.byShop.entries()]
      .sort(([, a], [, b]) => compareQueued(a[0] as QueuedIncident, b[0] as QueuedIncident))
      .map(([shop]) => shop);
  }

  waiting(shop?: string): number {
    if (shop !== undefined) return this.byShop.get(shop)?.length ?? 0;
    return this.ids.size;
  }
}
