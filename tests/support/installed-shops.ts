// The intake's view of which shops installed Amends, over a test's own database; and a shop
// installed the bare way (its row, no profile yet: Amends reads that from Shopify when needed).
import type { Database } from "../../app/db.server";
import { isInstalledShop } from "../../app/models/shop.server";
import { InstalledShops } from "../../app/webhooks/installed-shops.server";

export function installedShops(db: Database): InstalledShops {
  // Tests install shops as they go: a domain found unknown is asked about again each time.
  return new InstalledShops({ lookup: (shop) => isInstalledShop(db, shop), unknownForMs: 0 });
}

export async function markInstalled(db: Database, shop: string): Promise<void> {
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop }, update: {} });
}
