// Who is looking at the admin pages. In Shopify admin: the embedded session. In demo mode
// (AMENDS_DEMO, refused in production by env.server.ts): the demo shop, no login.
import { db } from "./db.server";
import { env } from "./env.server";
import { ensureShop } from "./models/shop.server";
import { readShopProfile } from "./shopify/shop.server";
import { authenticate } from "./shopify.server";

export interface AdminContext {
  shop: string;
  /** Who acts, for the incident timeline. */
  actor: string;
  demo: boolean;
}

export async function requireAdmin(request: Request): Promise<AdminContext> {
  const config = env();
  if (config.AMENDS_DEMO) {
    return { shop: config.AMENDS_DEMO_SHOP, actor: "merchant:demo", demo: true };
  }
  const { session, admin } = await authenticate.admin(request);
  // Installed before Amends read shop profiles: read it once, so no page assumes USD or UTC.
  await ensureShop(db(), session.shop, () => readShopProfile(admin.graphql));
  const user = session.onlineAccessInfo?.associated_user;
  const actor = user ? `merchant:${[user.first_name, user.last_name].filter(Boolean).join(" ") || user.email}` : "merchant";
  return { shop: session.shop, actor, demo: false };
}
