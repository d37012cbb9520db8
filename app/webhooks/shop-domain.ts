// Which shop a webhook is about. X-Shopify-Shop-Domain is not covered by the HMAC (only the
// body is), so it is read as a claim: a shop's own myshopify.com domain in the form Shopify
// sends it (lower case), or one under the configured custom domain (SHOP_CUSTOM_DOMAIN, as the
// Shopify library's customShopDomains), and where the body names the shop, the body wins.

const LABEL = "[a-z0-9][a-z0-9-]{0,62}";

export function shopDomainPattern(customDomain?: string): RegExp {
  const suffixes = ["myshopify\\.com"];
  if (customDomain) suffixes.push(customDomain.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${LABEL}\\.(?:${suffixes.join("|")})$`);
}

/** The topics whose body names the shop, and the field that does. */
const SHOP_FIELDS: Record<string, readonly string[]> = {
  "customers/data_request": ["shop_domain"],
  "customers/redact": ["shop_domain"],
  "shop/redact": ["shop_domain"],
  // The shop resource (REST): `domain` is the primary domain, `myshopify_domain` the header's.
  "app/uninstalled": ["myshopify_domain"],
  "shop/update": ["myshopify_domain"],
};

/** Whether the body must be read at intake to check the shop it names. */
export function bodyNamesShop(topic: string): boolean {
  return topic in SHOP_FIELDS;
}

/**
 * The shop the body names, for the topics in SHOP_FIELDS: "absent" when the body names none
 * (the handler refuses it), "unreadable" when it is not a JSON object (stored and marked
 * invalid; nothing acts on it).
 */
export function shopNamedByBody(topic: string, body: Buffer): string | "absent" | "unreadable" {
  const fields = SHOP_FIELDS[topic] ?? [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return "unreadable";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "unreadable";
  for (const field of fields) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value === "string" && value !== "") return value;
  }
  return "absent";
}
