// Starts one of the intake's threads from its module's URL. The production build compiles each
// thread module to a .js file of its own next to the server build (vite.config.ts,
// `threadEntries`), and `new URL("./x.thread.ts", import.meta.url)` is rewritten to point at
// it; run from source (tests, tsx), the URL is the .ts module, loaded through tsx.
import type { WorkerOptions } from "node:worker_threads";
import { Worker } from "node:worker_threads";

export function startThread(module: URL, options: WorkerOptions): Worker {
  if (!module.pathname.endsWith(".ts")) return new Worker(module, options);
  return new Worker(new URL("./typescript-thread.mjs", import.meta.url), {
    ...options,
    argv: [module.href],
  });
}
