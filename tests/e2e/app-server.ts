// The production build on the production server (build/server/server.js) in demo mode, for the
// browser tests. The build goes to this test run's own folder, made once per run however many
// browser test files ask for it (they run in parallel processes, so a lock file decides who
// builds and the others wait for it).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { inject } from "vitest";

import type * as ServerModule from "../../app/server/server";
import type { Supervisor } from "../../app/server/supervisor";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) throw new Error(`Chromium is required in CI (${CHROMIUM}); .ci/run installs it`);

export const buildDir = path.relative(process.cwd(), path.join(path.dirname(inject("baseSqlite")), "build"));

/** The production build, made once per test run (see above). */
export async function buildOnce(): Promise<void> {
  const done = `${buildDir}.done`;
  const lock = `${buildDir}.lock`;
  let owner = false;
  try {
    closeSync(openSync(lock, "wx"));
    owner = true;
  } catch {
    // Another test file is building.
  }
  if (owner) {
    mkdirSync(buildDir, { recursive: true });
    // Asynchronously: a synchronous build blocks this worker's event loop for longer than
    // vitest waits for its reports ("Timeout calling onTaskUpdate") on a loaded machine.
    const build = spawn(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], {
      env: { ...process.env, NODE_ENV: "production", AMENDS_BUILD_DIR: buildDir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    build.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve) => build.on("close", resolve));
    writeFileSync(done, status === 0 ? "ok" : `build failed:\n${stderr}`);
  }
  const deadline = Date.now() + 180_000;
  while (!existsSync(done)) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the production build");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const outcome = readFileSync(done, "utf8");
  if (outcome !== "ok") throw new Error(outcome);
}

export interface RunningAdmin {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds (once per run) and points this process's environment (which children inherit) at
 * the build, in demo mode for `shop`; `demo: false`: as inside Shopify admin, where every
 * request needs a session token. */
export async function useProductionBuild(shop: string, { worker = false, demo = true } = {}): Promise<void> {
  Object.assign(process.env, { AMENDS_DEMO: demo ? "true" : "false", AMENDS_DEMO_SHOP: shop, AMENDS_WORKER: worker ? "on" : "off", NODE_ENV: "test" });
  await buildOnce();
  process.env.AMENDS_BUILD = path.join(buildDir, "server/index.js");
}

/** The production server as built (build/server/server.js from app/server/server.ts), loaded
 * the way `npm start` loads it: its modules shared with the Remix build beside it. */
export async function importBuiltServer(): Promise<typeof ServerModule> {
  return (await import(pathToFileURL(path.resolve(buildDir, "server/server.js")).href)) as typeof ServerModule;
}

/** The worker's supervisor, as app/server/supervisor.ts returns it. */
export type WorkerSupervisor = Supervisor;

export interface RunningServer {
  base: string;
  /** null with `worker: false`. */
  worker: WorkerSupervisor | null;
  close(): Promise<void>;
}

/** Builds (once per run) and starts the production server in demo mode for `shop`.
 * `worker`: with the app's background worker (the outbox's e-mails, the due sweep), as in production. */
export async function startServer(shop: string, { worker = false, demo = true } = {}): Promise<RunningServer> {
  await useProductionBuild(shop, { worker, demo });
  const { createServer } = await importBuiltServer();
  const { server, close, worker: supervisor } = await createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { base, worker: supervisor, close };
}

/** startServer, and a browser. */
export async function startAdmin(shop: string, options: { worker?: boolean; demo?: boolean } = {}): Promise<RunningAdmin> {
  const { base, close } = await startServer(shop, options);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  return {
    base,
    browser,
    async close() {
      await browser.close();
      await close();
    },
  };
}
