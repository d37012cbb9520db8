// `npm start`: the production server (app-server.ts) on PORT, with its webhook worker. Built
// with the app into build/server/server.js (vite.server-entries.ts), beside the Remix build it
// serves (index.js); AMENDS_BUILD names another Remix build (tests run the app from source).
import { fileURLToPath, pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";

import type { AppServer } from "./app-server";
import { prepareProductionStart } from "./production-start";

/** The Remix build this server serves: AMENDS_BUILD, or the one it was built with. */
export function remixBuildUrl(): URL {
  return process.env.AMENDS_BUILD ? pathToFileURL(process.env.AMENDS_BUILD) : new URL("./index.js", import.meta.url);
}

/** The production server, not yet listening (the browser tests, the benchmarks, `npm start`). */
export async function createServer(): Promise<AppServer> {
  const build = (await import(/* @vite-ignore */ remixBuildUrl().href)) as ServerBuild;
  const { createAppServer } = await import("./app-server");
  return createAppServer({ build, publicDirectory: fileURLToPath(new URL("../../public", import.meta.url)) });
}

async function main() {
  // Before anything else is loaded: a production start never runs in demo mode.
  const refused = prepareProductionStart(process.env, process.argv.slice(2));
  if (refused) {
    console.error(refused);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST_BIND ?? "0.0.0.0";
  const { server, close, sweep } = await createServer();
  server.listen(port, host, () => {
    process.stdout.write(`Amends listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}\n`);
    // Started by a supervisor over IPC (the demo, supervisor.ts): ready.
    if (process.connected) process.send?.("ready");
  });
  const stop = () => void close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (process.send) {
    if (!process.connected) stop();
    process.once("disconnect", stop);
    // The demo asks for a due sweep now rather than wait for the minute's.
    process.on("message", (message: unknown) => {
      if (message !== "sweep") return;
      sweep().then(
        () => process.send?.({ type: "swept" }),
        (error: unknown) => process.send?.({ type: "swept", error: String(error) }),
      );
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
