// Speed a merchant feels: LCP, CLS and INP of the admin pages with 100,000 incidents in the
// database, measured by Chromium (PerformanceObserver: largest-contentful-paint, layout-shift,
// and the Event Timing API for INP after a click), against the targets (LCP ≤ 1.0 s,
// CLS ≤ 0.05, INP ≤ 100 ms) and against a baseline from the same run: a static page with
// Polaris's stylesheet, served by the same server. Uses the production build (`npm run build`).
// The click is what a merchant does there: in the inbox, another tab. Before measuring, the
// bench waits (at most a minute) for the machine's CPUs to settle after the seeding and server
// start, and prints how busy they were during the measurement: on a busy machine the figures
// measure the other load, not the page. Add a page by adding a line to PAGES. BENCH_PAGES=analytics (words from the pages' names,
// comma-separated) measures only those pages, with the baseline; BENCH_INCIDENTS and
// BENCH_RUNS set how many incidents and loads per page.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";

import { createDatabase } from "../app/db.server";
import type * as ServerModule from "../app/server/server";
import { INBOX_TABS } from "../app/incidents/inbox";
import { incidentId, seedIncidents } from "../tests/support/seed-incidents";
import { busyShare, cpuTimes, QUIET, waitForQuiet } from "./quiet";

const SHOP = "bench-speed.myshopify.com";
const COUNT = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TMP = path.resolve("bench/.tmp-admin");
const BUILD = path.resolve(process.env.AMENDS_BUILD_DIR ?? "build");
const TARGET = { lcp: 1000, cls: 0.05, inp: 100 };

// Another tab than the one shown (Polaris keeps a hidden copy of the tabs to measure them).
const OTHER_TAB = "[role=tablist] [role=tab][aria-selected=false]:visible";

/** What to open, and what a merchant clicks there (INP): the first match in the page's order. */
const ALL_PAGES: { name: string; path: string; click: string }[] = [
  { name: "baseline: static Polaris page", path: "/bench-baseline.html", click: "button" },
  { name: "inbox /app", path: "/app", click: OTHER_TAB },
  ...INBOX_TABS.map((tab) => ({ name: `inbox, ${tab} tab`, path: `/app?tab=${tab}`, click: OTHER_TAB })),
  { name: "incident page", path: `/app/incidents/${incidentId(COUNT - 1)}`, click: "[role=tab], button, h1" },
  { name: "analytics (last 30 days)", path: "/app/analytics", click: "button[type=submit], button" },
];
const ONLY = (process.env.BENCH_PAGES ?? "").split(",").map((word) => word.trim().toLowerCase()).filter(Boolean);
const PAGES = ALL_PAGES.filter((page, index) => index === 0 || ONLY.length === 0 || ONLY.some((word) => page.name.toLowerCase().includes(word)));

// Collected in the page from its first byte.
const OBSERVE = `
  window.__vitals = { lcp: 0, cls: 0, inp: 0, lcpElement: "" };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__vitals.lcp = e.startTime; window.__vitals.lcpElement = e.element ? e.element.tagName + "." + e.element.className + " " + (e.element.textContent || "").slice(0, 40) : ""; } }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__vitals.cls += e.value; }).observe({ type: "layout-shift", buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.interactionId) window.__vitals.inp = Math.max(window.__vitals.inp, e.duration); }).observe({ type: "event", buffered: true, durationThreshold: 16 });
`;

interface Vitals {
  lcp: number;
  cls: number;
  /** 0: no interaction took 16 ms or more (the Event Timing API's smallest threshold). */
  inp: number;
  /** What the largest paint was, to see why a page is slow. */
  lcpElement: string;
  /** What was clicked. */
  clicked: string;
}

async function measure(browser: Browser, url: string, click: string): Promise<Vitals> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(OBSERVE);
  await page.goto(url, { waitUntil: "networkidle" });
  const target = page.locator(click).first();
  const clicked = await target.evaluate((element) => `${element.tagName.toLowerCase()} "${(element.textContent ?? "").trim().slice(0, 30)}"`, undefined, { timeout: 5_000 }).catch(() => "nothing: (5, 5)");
  await target.click({ trial: false, noWaitAfter: true, timeout: 5_000 }).catch(() => page.mouse.click(5, 5));
  await page.waitForTimeout(500);
  // LCP is final once the page had input; read it with the rest.
  const vitals = { ...(await page.evaluate(() => (window as unknown as { __vitals: Vitals }).__vitals)), clicked };
  await context.close();
  return vitals;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function main() {
  // Said before the 100,000 incidents are seeded, not after.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`admin speed needs Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set CHROMIUM_PATH`);
  }
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, "speed.sqlite");
  const url = `file:${file}`;
  // @ts-expect-error -- plain ESM script without declarations
  const { migrate } = (await import("../scripts/prisma.mjs")) as { migrate: (url: string) => Promise<void> };
  await migrate(url);
  const db = createDatabase(url);
  await db.shop.create({ data: { domain: SHOP, name: "Bench Shop", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" } });
  await db.$disconnect();
  const seeded = Date.now();
  // One every 5 minutes: the newest ~350 days, a month of them (~8,600) in the default range.
  await seedIncidents(file, { shop: SHOP, count: COUNT, newest: new Date(Date.now() - 60_000), spacingMinutes: 5 });
  console.log(`seeded ${COUNT} incidents in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  // The baseline: Polaris's own stylesheet from the build, a card of text and a button.
  const assets = path.join(BUILD, "client/assets");
  // Polaris's own (Polaris Viz's stylesheet is named styles-… too).
  const polarisCss = readdirSync(assets).find((name) => /^styles-.*\.css$/.test(name) && readFileSync(path.join(assets, name), "utf8").includes(".Polaris-Page{")) ?? "";
  writeFileSync(
    path.join(BUILD, "client/bench-baseline.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="stylesheet" href="/assets/${polarisCss}"><title>Baseline</title></head><body><div class="Polaris-Page"><h1 class="Polaris-Text--root Polaris-Text--headingLg">Baseline</h1>
<div class="Polaris-ShadowBevel"><div class="Polaris-Box"><p class="Polaris-Text--root">A static page with Polaris's stylesheet, served by the same server: what the network, the server and the browser cost with no app.</p>
<button class="Polaris-Button">A button</button></div></div></div></body></html>`,
  );

  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: url,
    AMENDS_DEMO: "true",
    AMENDS_DEMO_SHOP: SHOP,
    AMENDS_WORKER: "off",
    AMENDS_BUILD: path.join(BUILD, "server/index.js"),
    SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "bench-api-key",
    SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? "bench-api-secret",
    SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1:3999",
    LOG_LEVEL: "silent",
  });
  const built = pathToFileURL(path.join(BUILD, "server/server.js")).href;
  const { createServer } = (await import(built)) as typeof ServerModule;
  const { server, close } = await createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });

  const results: { name: string; lcp: number; cls: number; inp: number; lcpElement: string; clicked: string }[] = [];
  const settled = await waitForQuiet();
  const measuring = cpuTimes();
  try {
    for (const page of PAGES) await measure(browser, base + page.path, page.click); // warm-up: caches, JIT
    for (const page of PAGES) {
      const runs: Vitals[] = [];
      for (let run = 0; run < RUNS; run++) runs.push(await measure(browser, base + page.path, page.click));
      results.push({ name: page.name, lcp: median(runs.map((r) => r.lcp)), cls: median(runs.map((r) => r.cls)), inp: median(runs.map((r) => r.inp)), lcpElement: runs[0]?.lcpElement ?? "", clicked: runs[0]?.clicked ?? "" });
    }
  } finally {
    await browser.close();
    await close();
  }
  const busy = busyShare(measuring, cpuTimes());

  const baseline = results[0] as (typeof results)[number];
  const ratio = (value: number, of: number) => (of > 0 ? (value / of).toFixed(2) : "—");
  const inp = (value: number) => (value === 0 ? "< 16" : value.toFixed(0));
  console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`CPUs ${(settled * 100).toFixed(0)} % busy before measuring (waits for ≤ ${QUIET * 100} %, at most a minute), ${(busy * 100).toFixed(0)} % during (the bench's own server and Chromium included).`);
  console.log(`${COUNT} incidents; median of ${RUNS} loads per page after a warm-up; INP "< 16": no interaction reached the Event Timing threshold.\n`);
  console.log("| page | LCP ms | vs 1.0 s | vs baseline | CLS | vs 0.05 | INP ms | vs 100 ms | vs baseline |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.lcp.toFixed(0)} | ${ratio(r.lcp, TARGET.lcp)} | ${ratio(r.lcp, baseline.lcp)} | ${r.cls.toFixed(3)} | ${ratio(r.cls, TARGET.cls)} | ${inp(r.inp)} | ${ratio(r.inp, TARGET.inp)} | ${ratio(r.inp, baseline.inp)} |`,
    );
  }
  console.log("\nLargest contentful paint, per page:");
  for (const r of results) console.log(`- ${r.name}: ${r.lcpElement}`);
  console.log("\nClicked (INP), per page:");
  for (const r of results) console.log(`- ${r.name}: ${r.clicked}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
