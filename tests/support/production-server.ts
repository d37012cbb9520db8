// The production server (build/server/server.js, app/server/server.ts) on the production build, outside demo mode, on
// 127.0.0.1 and a free port: what Shopify's webhooks and a hostile world reach. The build is the
// one the browser tests share (made once per run). `env` is set before the server reads it.
import type { Server } from "node:http";
import path from "node:path";

import { buildDir, buildOnce, importBuiltServer } from "../e2e/app-server";

export interface ProductionServer {
  base: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startProductionServer(env: Record<string, string>): Promise<ProductionServer> {
  Object.assign(process.env, { AMENDS_DEMO: "false", AMENDS_WORKER: "off", NODE_ENV: "test", ...env });
  await buildOnce();
  process.env.AMENDS_BUILD = path.join(buildDir, "server/index.js");
  const { createServer } = await importBuiltServer();
  const { server, close } = await createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    server,
    async close() {
      server.closeAllConnections();
      await close();
    },
  };
}
