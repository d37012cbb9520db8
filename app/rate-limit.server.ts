// Token buckets in memory, for the customer endpoint (app/routes/api.customer.*).
//
// In memory, per process, on purpose: the limit stops a flood (a stuck extension retrying in a
// loop, someone scripting the endpoint), it is not a quota anyone is billed by. With N app
// processes a customer gets at most N times the allowance, which still stops a flood; counting
// in the database would add a write to every request of every customer to prevent that.

export interface BucketSpec {
  /** Requests allowed at once. */
  burst: number;
  /** Tokens restored per second. */
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly spec: BucketSpec,
    private readonly now: () => number = Date.now,
    /** Buckets kept at most; the least recently used go first (a full bucket loses nothing). */
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes `cost` tokens for `key`: 0 when allowed, else the seconds until it would be. */
  take(key: string, cost = 1): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.spec.burst, at: now };
    bucket.tokens = Math.min(this.spec.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.spec.perSecond);
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / this.spec.perSecond));
  }
}
