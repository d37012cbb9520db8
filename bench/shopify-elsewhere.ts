// Shopify for bench/processing.ts, in a process of its own: the emulator plays the busy day
// there (tests/support/busy-day.ts) and answers the processor's Admin API questions from there,
// as Shopify answers from its own machines. In the benchmark's process, resolving those
// questions (GraphQL validation, the search index it keeps for every shop) was ~9 % of the CPU
// charged to the processor: work that in production is done at Shopify, not on the app's cores.
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

import { manualClock, startEmulator } from "../tests/shopify-emulator";
import { playBusyDay } from "../tests/support/busy-day";

/** What the benchmark needs of a webhook Shopify sent. */
export interface SentWebhook {
  topic: string;
  shop: string;
  body: string;
  headers: Record<string, string>;
  webhookId: string;
}

export interface DayOptions {
  shops: number;
  historyOrders: number;
  saleOrders: number;
  /** 08:00 of the day: the seeded history ends there. */
  morning: number;
  /** When the backlog is processed: from then on the emulator's clock keeps wall time. */
  evening: number;
  secret: string;
}

export interface ShopifyElsewhere {
  /** In the order Shopify sent them. */
  deliveries: SentWebhook[];
  /** Seconds the emulator took to play the day. */
  generatedSeconds: number;
  graphqlUrl(shop: string): string;
  /** The Admin API requests answered so far, counted by operation and status. */
  asked(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export const tokenFor = (shop: string) => `shpat_${shop.split(".")[0] ?? shop}`;

type ToParent =
  | { kind: "deliveries"; batch: SentWebhook[] }
  | { kind: "played"; graphqlUrl: string; seconds: number }
  | { kind: "asked"; counts: Record<string, number> };
type ToChild = { kind: "ask" } | { kind: "close" };

const CHILD = "--shopify-elsewhere";
const SHOP_SLOT = "__shop__";

/** Starts the emulator in a child process and plays the day there. */
export function startShopifyElsewhere(options: DayOptions): Promise<ShopifyElsewhere> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD, JSON.stringify(options)], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
    stdio: "inherit",
  });
  const deliveries: SentWebhook[] = [];
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the emulator's process exited (${code}) before the day was played`));
    child.once("exit", exited);
    child.on("message", (message: ToParent) => {
      if (message.kind === "deliveries") deliveries.push(...message.batch);
      if (message.kind !== "played") return;
      child.off("exit", exited);
      resolve({
        deliveries,
        generatedSeconds: message.seconds,
        graphqlUrl: (shop) => message.graphqlUrl.replace(SHOP_SLOT, shop),
        asked: () => ask(child),
        close: () => close(child),
      });
    });
  });
}

function ask(child: ChildProcess): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    const answer = (message: ToParent) => {
      if (message.kind !== "asked") return;
      child.off("message", answer);
      resolve(message.counts);
    };
    child.on("message", answer);
    child.send({ kind: "ask" } satisfies ToChild);
  });
}

function close(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.send({ kind: "close" } satisfies ToChild);
  });
}

async function playInThisProcess(options: DayOptions): Promise<void> {
  const send = (message: ToParent) => process.send?.(message);
  const clock = manualClock(options.morning);
  const emu = await startEmulator({ clock, webhooks: { appUrl: null, secret: options.secret } });
  const started = performance.now();
  const day = playBusyDay(emu, clock, { ...options, tokenFor });
  clock.set(options.evening);
  // From the evening on the clock keeps time with the wall clock: Shopify's rate-limit bucket
  // (100 points/s a shop) restores as it would, so the rules' look-ups wait for it as they
  // would on Shopify (a frozen clock would never restore it).
  const realStart = Date.now();
  const ticking = setInterval(() => clock.set(options.evening + (Date.now() - realStart)), 20);
  const seconds = (performance.now() - started) / 1000;
  const sent = day.deliveries.map(({ topic, shop, body, headers, webhookId }) => ({ topic, shop, body, headers, webhookId }));
  for (let i = 0; i < sent.length; i += 1000) send({ kind: "deliveries", batch: sent.slice(i, i + 1000) });
  send({ kind: "played", graphqlUrl: emu.graphqlUrl(SHOP_SLOT), seconds });
  process.on("message", (message: ToChild) => {
    if (message.kind === "ask") {
      const counts: Record<string, number> = {};
      for (const r of emu.requests) {
        const key = `${r.operationName ?? "?"} ${r.status}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      send({ kind: "asked", counts });
    }
    if (message.kind === "close") {
      clearInterval(ticking);
      void emu.close().then(() => process.exit(0));
    }
  });
  // The benchmark's process gone (it failed): so is Shopify.
  process.on("disconnect", () => process.exit(0));
}

if (process.argv[2] === CHILD) {
  playInThisProcess(JSON.parse(process.argv[3] ?? "{}") as DayOptions).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
