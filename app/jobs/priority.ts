// Which automatic remedies go first when they wait (on Shopify's rate limit, or behind a
// backlog): the customer who lost an order or wrote to the store hears first; routine codes for
// late parcels follow. One place, so the remediation scheduler's own rule can replace it.

const URGENT = new Set(["stock_out_cancellation", "customer_report"]);

/** A job priority for an incident of `kind`: lower runs first (graphile-worker's order). */
export function remediationPriority(kind: string): number {
  return URGENT.has(kind) ? 0 : 10;
}
