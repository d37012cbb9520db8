#!/usr/bin/env -S npx tsx
// `npm run demo`: Amends end to end on this machine, with nothing but Node.
//   1. a fresh SQLite database (prisma/demo.sqlite), migrated;
//   2. a local Shopify store (tests/shopify-emulator, Shopify's real 2026-10 Admin schema),
//      seeded with a believable shop: products, customers, three weeks of orders;
//   3. the app's production build on the lean server (build/server/server.js), in demo mode: the
//      admin opens in a plain browser as the demo shop, no Shopify login;
//   4. the store's history and then a scenario, delivered as real signed webhooks:
//      a stock-out cancellation, an oversold variant, orders unfulfilled past their SLA,
//      a carrier DELAYED event, and a customer reporting a wrong item;
//   5. three URLs: the admin; the customer view (scripts/customer-view.ts), the extension's
//      screens on a demo customer's order page; and the mailbox, where a local SMTP server
//      (smtp-server) lists every e-mail the store sends its customers. Ctrl-C stops everything.
// The app runs in a process of its own, under the same supervisor as its webhook worker
// (app/server/supervisor.ts): if it dies (a crash, a fatal signal), it is started again,
// and its worker likewise under it. The emulator, mailbox and customer view live in this process.
// Demo mode refuses NODE_ENV=production (it opens the admin without a login).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { Database } from "../app/db.server";
import type { Supervisor } from "../app/server/supervisor";
import type { Emulator } from "../tests/shopify-emulator";
import { routeTokenCallsTo, seedDemoShop, startEmulator } from "../tests/shopify-emulator";
import { installApp } from "../tests/support/install";
import { startMailServer } from "../tests/support/mail-server";
import { pickDemoCustomer, startCustomerView } from "./customer-view";
import { startMailbox } from "./mailbox";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOP = "amends-demo.myshopify.com";
const PORT = Number(process.env.PORT ?? 3000);
const DATABASE = path.join(root, "prisma/demo.sqlite");
const MAILBOX_PORT = Number(process.env.MAILBOX_PORT ?? 8025);
const CUSTOMER_PORT = Number(process.env.CUSTOMER_PORT ?? 8030);

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

if (process.env.NODE_ENV === "production") {
  fail("npm run demo refuses to run with NODE_ENV=production: demo mode opens the admin without a Shopify login.");
}

async function main() {
  const secret = randomBytes(24).toString("base64url");

  console.log("Amends demo");
  console.log("  1/5 database: a fresh prisma/demo.sqlite");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${DATABASE}${suffix}`, { force: true });
  // @ts-expect-error -- plain ESM script without declarations
  const { migrate } = (await import("./prisma.mjs")) as { migrate: (url: string) => Promise<void> };
  await migrate(`file:${DATABASE}`);

  console.log("  2/5 a local Shopify store (Admin API emulator)");
  const emulator: Emulator & { url: string; graphqlUrl(shop: string): string; close(): Promise<void> } =
    await startEmulator({
      port: Number(process.env.EMULATOR_PORT ?? 0),
      jobAutoCompleteMs: 250,
      webhooks: { appUrl: `http://127.0.0.1:${PORT}`, secret, defaultPath: "/webhooks" },
      app: { clientId: "amends-demo", clientSecret: secret },
    });
  const seeded = seedDemoShop(emulator.store, { shop: SHOP, seed: 42 });

  // The customers' mail: a local SMTP server the app sends through, and a page to read it.
  const mail = await startMailServer(Number(process.env.SMTP_PORT ?? 0));
  const mailbox = await startMailbox(mail.received, MAILBOX_PORT);

  Object.assign(process.env, {
    SMTP_URL: mail.url,
    SMTP_FROM: "Amends Demo Outfitters <support@amends-demo.example>",
    NODE_ENV: process.env.NODE_ENV ?? "development",
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: SHOP,
    SHOPIFY_API_KEY: "amends-demo",
    SHOPIFY_API_SECRET: secret,
    SHOPIFY_APP_URL: `http://localhost:${PORT}`,
    DATABASE_URL: `file:${DATABASE}`,
    SHOPIFY_ADMIN_API_URL_TEMPLATE: `${emulator.url}/{shop}/admin/api/{version}/graphql.json`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });

  console.log("  3/5 the app: building and starting it");
  const build = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) fail("The app did not build: see the errors above.");

  const { createDatabase } = await import("../app/db.server");
  const db = createDatabase(`file:${DATABASE}`);
  // The demo shop's offline session, as Shopify's install stores it: a 60-minute token and its
  // refresh token. The Shopify library refreshes it through the local store, in this process
  // (the admin) and in the app's worker (preloaded with the same routing).
  await installApp(db, emulator, SHOP);
  routeTokenCallsTo(emulator.url);
  process.env.AMENDS_DEMO_STORE_URL = emulator.url;
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import=${pathToFileURL(path.join(root, "scripts/demo-token-route.mjs")).href}`]
    .filter(Boolean)
    .join(" ");
  // What afterAuth stores at install: the shop's profile, read from the store (a Spanish shop).
  const { saveShopProfile } = await import("../app/models/shop.server");
  const { fetchShopProfile } = await import("../app/shopify/shop.server");
  const { adminClientFor } = await import("../app/shopify/admin.server");
  await saveShopProfile(db, SHOP, await fetchShopProfile(await adminClientFor(SHOP, db)));

  const { logger } = await import("../app/logger.server");
  Object.assign(process.env, { PORT: String(PORT), HOST_BIND: "127.0.0.1" });
  const { superviseProcess } = await import("../app/server/supervisor");
  const app = await superviseProcess({ script: path.join(root, "build/server/server.js"), args: ["--demo"], name: "the demo's app server", log: logger }).catch(
    (error: unknown) => fail(`The app did not start (${String(error)}). If port ${PORT} is in use, run PORT=3100 npm run demo.`),
  );

  // The customer's side: a customer with a delivered order other than the scenario's, signed
  // in to their order page, the extension calling this app.
  const customer = pickDemoCustomer(seeded, [seeded.byState.delivered[0]?.id ?? ""]);
  const customerView = await startCustomerView({
    shop: SHOP,
    apiKey: "amends-demo",
    apiSecret: secret,
    appUrl: `http://127.0.0.1:${PORT}`,
    customer,
    store: emulator.store,
    port: CUSTOMER_PORT,
  }).catch((error: unknown) => {
    const taken = error instanceof Error && (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw taken ? new Error(`Port ${CUSTOMER_PORT} is in use: run CUSTOMER_PORT=8031 npm run demo`) : error;
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the demo…");
    await emulator.close();
    await app.stop();
    mailbox.close();
    await customerView.close();
    await mail.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());

  console.log("  4/5 the store's history and today's trouble, as signed webhooks");
  const store = emulator.store;
  // The store's past: every order, fulfilment and carrier event Amends would have heard.
  for (const order of seeded.orders) {
    store.emit({ topic: "orders/create", shop: SHOP, subject: { kind: "order", orderId: order.id } });
    for (const f of order.fulfillments) {
      store.emit({ topic: "fulfillments/create", shop: SHOP, subject: { kind: "fulfillment", orderId: order.id, fulfillmentId: f.id } });
      for (const e of f.events) {
        store.emit({
          topic: "fulfillment_events/create",
          shop: SHOP,
          subject: { kind: "fulfillmentEvent", orderId: order.id, fulfillmentId: f.id, eventId: e.id },
        });
      }
    }
  }
  await emulator.webhooks.idle();

  const scenario = await playScenario(emulator, seeded, db);
  await emulator.webhooks.idle();
  await settle(db);
  // The time-based rules (late fulfilment, late or lost parcels) run in the due sweep, which
  // the app's worker runs every minute; ask for one now rather than make the demo wait.
  await sweepNow(app);
  await settle(db);

  console.log("  5/5 incidents Amends opened, by status:");
  const incidents = await db.incident.groupBy({ by: ["kind", "status"], where: { shop: SHOP }, _count: true, orderBy: [{ kind: "asc" }] });
  for (const row of incidents) console.log(`        ${row.kind.padEnd(24)} ${row.status.padEnd(18)} ${row._count}`);
  const remedies = await db.remediation.groupBy({ by: ["action"], where: { shop: SHOP, status: "succeeded" }, _count: true });
  console.log(`        remedies carried out: ${remedies.map((r) => `${r.action} × ${r._count}`).join(", ") || "none"}`);
  const stockOut = await db.incident.findFirst({ where: { shop: SHOP, kind: "stock_out_cancellation" }, include: { remediations: true } });
  for (const r of stockOut?.remediations ?? []) {
    console.log(`        ${stockOut?.orderName} (stock-out): ${r.action} ${r.status}${r.amount ? ` ${r.amount} ${r.currencyCode ?? ""}` : ""}`);
  }
  for (const line of scenario) console.log(`        · ${line}`);
  const failed = emulator.webhooks.deliveries.filter((d) => d.state === "failed").length;
  console.log(`        ${emulator.webhooks.deliveries.length} webhooks delivered, ${failed} refused`);
  console.log(`\n  Admin:    http://localhost:${PORT}/app`);
  console.log(`  Customer: ${customerView.url.replace("127.0.0.1", "localhost")}   (${customer.email ?? "a customer"}, order ${customer.order.name})`);
  console.log(`  Mailbox:  http://localhost:${MAILBOX_PORT}/   (${mail.received.length} e-mails to customers so far)`);
  console.log(`  Health:   http://localhost:${PORT}/healthz   Metrics: http://localhost:${PORT}/metrics`);
  console.log(`  Emulator: ${emulator.graphqlUrl(SHOP)}`);
  console.log("\nCtrl-C stops the demo.");
}

type SupervisedApp = Supervisor;

/** Asks the app server for a due sweep now and waits for it and the remediation it started. */
function sweepNow(app: SupervisedApp): Promise<void> {
  const child = app.process;
  if (!child) return Promise.reject(new Error("the app is restarting; try again in a moment"));
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; error?: string }) => {
      if (message?.type !== "swept") return;
      child.off("message", onMessage);
      if (message.error) reject(new Error(message.error));
      else resolve();
    };
    child.on("message", onMessage);
    child.send("sweep");
  });
}

type Seeded = ReturnType<typeof seedDemoShop>;
type DemoDb = Database;

/** Today's trouble. Returns one line per step for the summary. */
async function playScenario(emulator: Emulator, seeded: Seeded, db: DemoDb): Promise<string[]> {
  const store = emulator.store;
  const lines: string[] = [];
  const call = (query: string, variables: Record<string, unknown>) =>
    emulator.graphql(SHOP, query, variables, { unmetered: true });

  // A stock-out: an open order cancelled because its item sold out after checkout.
  // The smallest open order: within the default policy's cap, so Amends makes it right alone.
  const byTotal = (o: (typeof seeded.orders)[number]) =>
    o.lineItems.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
  const toCancel = [...seeded.byState.unfulfilled].sort((a, b) => byTotal(a) - byTotal(b))[0];
  if (toCancel) {
    await call(
      `mutation DemoCancel($orderId: ID!) { orderCancel(orderId: $orderId, reason: INVENTORY, restock: true, refundMethod: { originalPaymentMethodsRefund: false }, notifyCustomer: false) { job { id } orderCancelUserErrors { message } } }`,
      { orderId: toCancel.id },
    );
    store.completeAllJobs(SHOP);
    lines.push(`${toCancel.name} cancelled for inventory (stock-out)`);
  }

  // An oversell: a variant that waiting orders need drops below zero.
  const waiting = seeded.byState.unfulfilled.find((o) => o !== toCancel && o.lineItems.some((l) => l.variantId));
  const line = waiting?.lineItems.find((l) => l.variantId);
  if (waiting && line?.variantId) {
    store.setAvailable(SHOP, line.variantId, -1);
    lines.push(`${line.title} oversold: stock −1 while ${waiting.name} waits for it`);
  }

  // A carrier delay on a parcel in transit.
  const parcel = seeded.byState.inTransit[0]?.fulfillments[0];
  if (parcel) {
    store.addFulfillmentEvent(SHOP, parcel.id, { status: "DELAYED", message: "Weather delay at the regional hub" });
    lines.push(`${seeded.byState.inTransit[0]?.name} delayed by the carrier`);
  }
  await emulator.webhooks.idle();
  await settle(db);

  // A customer reports a wrong item from the order status page.
  const delivered = seeded.byState.delivered[0];
  if (delivered) {
    const { findingFromReport } = await import("../app/incidents/reports");
    const { recordFinding } = await import("../app/models/incident.server");
    const { loadOrder } = await import("../app/models/order.server");
    const { detectionSettings } = await import("../app/models/shop.server");
    const stored = await loadOrder(db, SHOP, delivered.id);
    const first = delivered.lineItems[0];
    if (stored && first) {
      const finding = findingFromReport(
        stored.state,
        { kind: "wrong_item", lines: [{ lineItemId: first.id, quantity: 1 }], description: `Ordered ${first.title}, received something else`, reportedBy: "customer" },
        await detectionSettings(db, SHOP),
        new Date(),
      );
      const customer = stored.state.customer;
      const { incidentId } = await recordFinding(db, SHOP, finding, "customer", {
        email: customer?.email ?? null,
        name: [customer?.firstName, customer?.lastName].filter(Boolean).join(" ") || null,
      });
      // As the order-status extension will: put the report to the policy straight away.
      const { remediate } = await import("../app/remediation/engine/index.server");
      const { adminClientFor } = await import("../app/shopify/admin.server");
      await remediate({ db, clientFor: adminClientFor }, { shop: SHOP, incidentId, trigger: "automatic", actor: "rule:policy" });
      lines.push(`${delivered.name}: the customer reports a wrong item`);
    }
  }
  return lines;
}

/** Waits until every stored delivery has been acted on and every new incident put to the
 * policy (automatic remediation runs in the app's worker, after the delivery). */
async function settle(db: DemoDb) {
  for (let i = 0; i < 1200; i++) {
    const deliveries = await db.webhookDelivery.count({ where: { status: { in: ["received", "processing"] } } });
    const undecided = await db.incident.count({ where: { status: "open", events: { none: { type: "decision" } } } });
    const remediating = await db.incident.count({ where: { status: "remediating" } });
    // The worker e-mails the outbox every few seconds: wait for what is due now.
    const unsent = await db.outgoingMessage.count({
      where: { OR: [{ status: "sending" }, { status: "pending", nextAttemptAt: { lte: new Date() } }] },
    });
    if (deliveries + undecided + remediating + unsent === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
