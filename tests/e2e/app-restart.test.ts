// A fatal signal to the whole app (SIGBUS, as an unwritable SQLite -shm file raises) under a
// supervisor: the production server (build/server/server.js, the production build, its worker)
// run as the demo runs it, under app/server/supervisor.ts, is started again and answers
// /healthz with 200. In production systemd (deploy/amends.service) or a container's restart
// policy plays this part.
import { once } from "node:events";
import { createServer } from "node:net";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Supervisor } from "../../app/server/supervisor";
import { superviseProcess } from "../../app/server/supervisor";
import { buildDir, useProductionBuild } from "./app-server";

const silent = { info: () => {}, error: () => {} };

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  return typeof address === "object" && address ? address.port : 0;
}

describe("the app under a supervisor", () => {
  let app: Supervisor;
  let base = "";

  beforeAll(async () => {
    await useProductionBuild("e2e-restart.myshopify.com", { worker: true });
    const port = await freePort();
    Object.assign(process.env, { PORT: String(port), HOST_BIND: "127.0.0.1" });
    base = `http://127.0.0.1:${port}`;
    // As the demo starts it (its test environment is in demo mode): `--demo`, or the production
    // start refuses demo mode.
    app = await superviseProcess({ script: path.resolve(buildDir, "server/server.js"), args: ["--demo"], name: "app server", log: silent });
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
  });

  it("is started again after SIGBUS and answers /healthz with 200", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const killed = app.process?.pid ?? 0;
    const exited = once(app.events, "exit");
    const back = once(app.events, "ready");
    process.kill(killed, "SIGBUS");
    const [exit] = (await exited) as [{ signal: string }];
    expect(exit.signal).toBe("SIGBUS");
    await back;
    expect(app.process?.pid).not.toBe(killed);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
  });
});
