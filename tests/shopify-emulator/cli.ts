// Standalone emulator for demos and manual runs:
//   npx tsx tests/shopify-emulator/cli.ts
// Env: EMULATOR_PORT (default 4010), EMULATOR_SHOP (demo-shop.myshopify.com), EMULATOR_SEED (42),
//      APP_URL (webhooks go to APP_URL + /webhooks; unset = logged only), SHOPIFY_API_SECRET.
import { seedDemoShop, startEmulator } from "./index";

const port = Number(process.env.EMULATOR_PORT ?? 4010);
const shop = process.env.EMULATOR_SHOP ?? "demo-shop.myshopify.com";
const emulator = await startEmulator({
  port,
  webhooks: { appUrl: process.env.APP_URL ?? null, secret: process.env.SHOPIFY_API_SECRET },
});
const seeded = seedDemoShop(emulator.store, {
  shop,
  seed: Number(process.env.EMULATOR_SEED ?? 42),
});
const counts = Object.entries(seeded.byState)
  .map(([state, orders]) => `${state}=${orders.length}`)
  .join(" ");
console.log(`Shopify Admin emulator on ${emulator.url}`);
// The app's install: an expiring offline token (60 minutes) and its refresh token.
const installed = emulator.auth.install(shop);
console.log(`  GraphQL: ${emulator.graphqlUrl(shop)}`);
console.log(`  X-Shopify-Access-Token: ${installed.access_token} (60 minutes; refresh: ${installed.refresh_token})`);
console.log(`  ${seeded.orders.length} orders (${counts}), ${seeded.customers.length} customers`);
console.log(
  `  webhooks -> ${process.env.APP_URL ? `${process.env.APP_URL}/webhooks` : "(log only; set APP_URL)"}`,
);

const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
