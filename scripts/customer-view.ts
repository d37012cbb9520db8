// The demo's customer view: the customer-account extension's own bundle, built by its build
// script to call the running app, rendered in the stand-in customer-account host
// (tests/customer-host) as one of the demo shop's customers looking at one of their orders,
// signed in with session tokens signed as Shopify signs them. Used by `npm run demo` and the
// end-to-end browser test.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import type { EmulatorStore, SeededShop } from "../tests/shopify-emulator";
import { buildExtensionBundle } from "../tests/customer-host/build";
import { startCustomerHost } from "../tests/customer-host/server";

export interface DemoCustomer {
  customerId: string;
  email: string | null;
  order: { id: string; name: string };
}

/** A customer whose order was delivered (so "wrong item" makes sense), not one of `taken`. */
export function pickDemoCustomer(seeded: Pick<SeededShop, "byState">, taken: readonly string[] = []): DemoCustomer {
  const order = seeded.byState.delivered.find((o) => o.customerId && !taken.includes(o.id) && o.refunds.length === 0);
  if (!order?.customerId) throw new Error("The demo shop has no delivered order of a customer");
  return { customerId: order.customerId, email: order.email, order: { id: order.id, name: order.name } };
}

export interface CustomerViewOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** The running app, which the extension calls. */
  appUrl: string;
  customer: DemoCustomer;
  /** The emulator's store: the customer sees the shop's language, money and time zone. */
  store: EmulatorStore;
  port?: number;
}

export interface CustomerView {
  /** The customer's order page. */
  url: string;
  close(): Promise<void>;
}

export async function startCustomerView(options: CustomerViewOptions): Promise<CustomerView> {
  const outdir = await mkdtemp(path.join(tmpdir(), "amends-customer-view-"));
  const built = await buildExtensionBundle(options.appUrl, outdir);
  if (built.exitCode !== 0) throw new Error(`The extension did not build:\n${built.printed}`);
  const shop = options.store.shop(options.shop);
  // The buyer's locale as Shopify gives it (language and country), here the shop's own.
  const locale = `${shop.primaryLocale}-${shop.countryCode}`;
  const host = await startCustomerHost({
    shop: options.shop,
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    customerId: options.customer.customerId,
    bundleFile: built.file,
    port: options.port,
    home: { order: options.customer.order, locale, currency: shop.currencyCode, timezone: shop.ianaTimezone, countryCode: shop.countryCode },
  });
  return {
    url: `${host.url}/`,
    async close() {
      await host.close();
      await rm(outdir, { recursive: true, force: true });
    },
  };
}
