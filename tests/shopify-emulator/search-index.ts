// Shopify's search index, lagging behind writes. Search-backed connections (`orders(query:)`,
// `draftOrders(query:)`) are served from an index that Shopify updates asynchronously, seconds
// after a write, while direct reads (`order(id:)`, `draftOrder(id:)`, `codeDiscountNodeByCode`)
// see the write at once. Source: shopify.dev, "Shopify API search syntax" and the Admin API's
// search-backed connections, as summed up in the project's platform notes (Nov 2026): a
// search reflects a write only after an indexing delay.
//
// Model: before each Admin API request the emulator notes every record whose searchable state
// changed since the last request, as a new version that becomes searchable `lagMs` after the
// write (on the emulator's clock, so tests move the clock instead of sleeping). A search filters
// the newest searchable version of each record, and answers with the records as they are now,
// as Shopify resolves the fields of a search hit from the record itself.
import type { DraftOrderRecord, OrderRecord, ShopState } from "./store";
import type { Clock } from "./util";

/** A few seconds, as Shopify's indexing usually takes; a test can set 0 to search live. */
export const DEFAULT_SEARCH_LAG_MS = 5_000;

interface Version<T> {
  searchableAt: number;
  record: T;
}

interface Entry<T> {
  fingerprint: Fingerprint;
  versions: Version<T>[];
}

interface ShopIndex {
  observedAt: number;
  orders: Map<string, Entry<OrderRecord>>;
  draftOrders: Map<string, Entry<DraftOrderRecord>>;
}

/** What the search filters of each resource read, or derive their statuses from, as a flat list
 * (lists inside it led by their length); a change to any of it is a reindex. It is taken of
 * every record before every request, so it is compared value by value: making a string of it
 * cost more than answering the request. */
type Fingerprint = readonly unknown[];

function orderFingerprint(o: OrderRecord): Fingerprint {
  return [
    o.name,
    o.email,
    o.customerId,
    o.tags.length,
    ...o.tags,
    o.createdAt,
    o.processedAt,
    o.updatedAt,
    o.closedAt,
    o.cancelledAt,
    o.paymentPending,
    o.transactions.length,
    o.refunds.length,
    o.fulfillments.length,
    ...o.fulfillments.map((f) => f.status),
  ];
}

function draftFingerprint(d: DraftOrderRecord): Fingerprint {
  return [d.name, d.status, d.customerId, d.updatedAt, d.tags.length, ...d.tags];
}

function samePrint(a: Fingerprint, b: Fingerprint | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

export class SearchIndex {
  private shops = new Map<string, ShopIndex>();

  constructor(
    private readonly clock: Clock,
    readonly lagMs: number = DEFAULT_SEARCH_LAG_MS,
  ) {}

  /** Notes the writes since the last request to this shop. Called before every request. */
  observe(shop: ShopState): void {
    if (this.lagMs <= 0) return;
    const now = this.clock.now();
    let index = this.shops.get(shop.domain);
    if (!index) {
      index = { observedAt: Number.NEGATIVE_INFINITY, orders: new Map(), draftOrders: new Map() };
      this.shops.set(shop.domain, index);
    }
    const since = index.observedAt;
    note(index.orders, shop.orders, orderFingerprint, since, now, this.lagMs);
    note(index.draftOrders, shop.draftOrders, draftFingerprint, since, now, this.lagMs);
    index.observedAt = now;
  }

  /** The orders as the index has them now (searchable versions, not the live records). */
  orders(shop: ShopState): OrderRecord[] {
    return this.lagMs <= 0 ? [...shop.orders.values()] : this.searchable(this.shops.get(shop.domain)?.orders);
  }

  draftOrders(shop: ShopState): DraftOrderRecord[] {
    return this.lagMs <= 0
      ? [...shop.draftOrders.values()]
      : this.searchable(this.shops.get(shop.domain)?.draftOrders);
  }

  forget(domain?: string): void {
    if (domain === undefined) this.shops.clear();
    else this.shops.delete(domain);
  }

  private searchable<T>(entries: Map<string, Entry<T>> | undefined): T[] {
    const now = this.clock.now();
    const out: T[] = [];
    for (const entry of entries?.values() ?? []) {
      // The newest version whose indexing is done; older ones are no longer needed.
      let visible = -1;
      entry.versions.forEach((v, i) => {
        if (v.searchableAt <= now) visible = i;
      });
      if (visible < 0) continue;
      entry.versions.splice(0, visible);
      const version = entry.versions[0];
      if (version) out.push(version.record);
    }
    return out;
  }
}

function note<T extends { id: string; updatedAt: number }>(
  entries: Map<string, Entry<T>>,
  live: Map<string, T>,
  fingerprint: (record: T) => Fingerprint,
  since: number,
  now: number,
  lagMs: number,
): void {
  for (const [id, record] of live) {
    const print = fingerprint(record);
    const entry = entries.get(id);
    if (samePrint(print, entry?.fingerprint)) continue;
    // Written at its updatedAt when that is after the last look; otherwise (a write that did
    // not touch updatedAt) now, so the lag is never shorter than Shopify's.
    const writtenAt = record.updatedAt >= since ? Math.min(record.updatedAt, now) : now;
    const version = { searchableAt: writtenAt + lagMs, record: structuredClone(record) };
    if (entry) {
      entry.fingerprint = print;
      entry.versions.push(version);
    } else {
      entries.set(id, { fingerprint: print, versions: [version] });
    }
  }
}
