// Which shops installed Amends, as the intake asks it for every delivery. Known shops are held in
// memory so the hot path does not query the database; a domain not held is looked up once, and
// a domain found unknown is not asked about again for a short while, however often it is sent.
// A shop that uninstalled is still known (shop/redact arrives 48 hours after app/uninstalled).

export interface InstalledShopsOptions {
  /** Asks the database whether the shop installed the app. */
  lookup: (shop: string) => Promise<boolean>;
  /** How long a shop found installed is believed without asking again. */
  knownForMs?: number;
  /** How long a domain found unknown is refused without asking again. */
  unknownForMs?: number;
  /** Bound on the domains remembered as unknown (a flood of made-up domains). */
  maxUnknown?: number;
  now?: () => number;
}

export class InstalledShops {
  private readonly known = new Map<string, number>();
  private readonly unknown = new Map<string, number>();
  private readonly asking = new Map<string, Promise<boolean>>();
  private readonly knownForMs: number;
  private readonly unknownForMs: number;
  private readonly maxUnknown: number;
  private readonly now: () => number;

  constructor(private readonly options: InstalledShopsOptions) {
    this.knownForMs = options.knownForMs ?? 10 * 60_000;
    this.unknownForMs = options.unknownForMs ?? 10_000;
    this.maxUnknown = options.maxUnknown ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Synchronous for a shop held in memory; one database query per domain otherwise. */
  isInstalled(shop: string): boolean | Promise<boolean> {
    const now = this.now();
    const knownUntil = this.known.get(shop);
    if (knownUntil !== undefined && knownUntil > now) return true;
    const unknownUntil = this.unknown.get(shop);
    if (unknownUntil !== undefined && unknownUntil > now) return false;
    let asked = this.asking.get(shop);
    if (!asked) {
      asked = this.options
        .lookup(shop)
        .then((installed) => {
          this.remember(shop, installed);
          return installed;
        })
        .finally(() => this.asking.delete(shop));
      this.asking.set(shop, asked);
    }
    return asked;
  }

  /** Called when Amends itself learns of an install (after authentication). */
  installed(shop: string): void {
    this.remember(shop, true);
  }

  private remember(shop: string, installed: boolean) {
    const now = this.now();
    if (installed) {
      this.unknown.delete(shop);
      this.known.set(shop, now + this.knownForMs);
      return;
    }
    this.known.delete(shop);
    if (this.unknown.size >= this.maxUnknown) this.unknown.clear();
    this.unknown.set(shop, now + this.unknownForMs);
  }
}
