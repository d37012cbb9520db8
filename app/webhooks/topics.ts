// The webhook topics Amends subscribes to (shopify.app.toml) and what each is for.
export const ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled"] as const;
export const FULFILLMENT_TOPICS = [
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
] as const;
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export const SUBSCRIBED_TOPICS = [
  ...ORDER_TOPICS,
  ...FULFILLMENT_TOPICS,
  "inventory_levels/update",
  "refunds/create",
  "app/uninstalled",
  "app/scopes_update",
  // The shop's currency, time zone, country, locale, name or contact e-mail changed.
  "shop/update",
  ...COMPLIANCE_TOPICS,
] as const;

export type SubscribedTopic = (typeof SUBSCRIBED_TOPICS)[number];

export function isSubscribedTopic(topic: string): topic is SubscribedTopic {
  return (SUBSCRIBED_TOPICS as readonly string[]).includes(topic);
}

/** Shopify's X-Shopify-Topic header is lower case with a slash ("orders/create"); the Remix
 * package reports it as the GraphQL enum ("ORDERS_CREATE"). */
export function topicFromEnum(value: string): string {
  if (value.includes("/")) return value.toLowerCase();
  const lower = value.toLowerCase();
  for (const topic of SUBSCRIBED_TOPICS) {
    if (topic.replace("/", "_") === lower) return topic;
  }
  return lower;
}
