// `npm start` is the production start: it can never run in demo mode (the admin without a
// Shopify login) by accident. It refuses AMENDS_DEMO whatever NODE_ENV says, and sets
// NODE_ENV=production when nothing else is set, so app/env.server.ts's own refusal applies to
// every process it starts. The demo and the browser tests start the server through
// createServer() (tests/e2e/app-server.ts, scripts/demo.ts), which this leaves alone.
import { spawnSync } from "node:child_process";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { parseEnv } from "../app/env.server";
import { prepareProductionStart } from "../app/server/production-start";

const REQUIRED = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret", SHOPIFY_APP_URL: "https://amends.example.com" };

/** `npm start`'s command, with `env` on top of this process's environment; NODE_ENV and
 * AMENDS_DEMO (which the test runner sets) are emptied first, which the start reads as unset. */
function npmStart(env: Record<string, string>) {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: "",
    AMENDS_DEMO: "",
    ...REQUIRED,
    PORT: "0",
    HOST_BIND: "127.0.0.1",
    AMENDS_WORKER: "off",
    AMENDS_BUILD: "build/none/index.js",
    ...env,
  };
  // `npm start` runs app/server/server.ts as built (build/server/server.js); from source here.
  return spawnSync(process.execPath, ["--import", "tsx", "app/server/server.ts"], {
    cwd: path.resolve("."),
    // A build that is not there: a start that got past the guard fails loading it, or (with a
    // build) listens on a free port until the safety bound ends it; either fails the test.
    env: childEnv as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the production start (npm start)", () => {
  it.each([
    ["with no NODE_ENV", { AMENDS_DEMO: "true" }],
    ["with NODE_ENV=development", { AMENDS_DEMO: "1", NODE_ENV: "development" }],
    ["with NODE_ENV=production", { AMENDS_DEMO: "TRUE", NODE_ENV: "production" }],
  ])("refuses demo mode %s, before loading anything", (_label, env) => {
    const started = npmStart(env);
    expect(started.status).toBe(1);
    expect(started.stderr).toContain("demo mode opens the admin without a Shopify login");
    expect(started.stderr).toContain("npm run demo");
    expect(started.stderr).not.toContain("build/none");
  });

  it("gets past the guard without demo mode (and then needs its build)", () => {
    const started = npmStart({ AMENDS_DEMO: "false" });
    expect(started.status).toBe(1);
    expect(started.stderr).not.toContain("demo mode");
    expect(started.stderr).toContain("build/none/index.js");
  });

  it("runs as production unless told otherwise, so the app's own check refuses demo mode too", () => {
    const env: Record<string, string | undefined> = { ...REQUIRED };
    expect(prepareProductionStart(env)).toBeNull();
    expect(env.NODE_ENV).toBe("production");
    expect(() => parseEnv({ ...env, AMENDS_DEMO: "true" })).toThrow(/AMENDS_DEMO: demo mode opens the admin/);

    // Only the demo passes --demo (scripts/demo.ts): it runs this start in demo mode on purpose.
    const demo: Record<string, string | undefined> = { AMENDS_DEMO: "true" };
    expect(prepareProductionStart(demo, ["--demo"])).toBeNull();
    expect(demo.NODE_ENV).toBeUndefined();

    const testing: Record<string, string | undefined> = { NODE_ENV: "test", AMENDS_DEMO: "0" };
    expect(prepareProductionStart(testing)).toBeNull();
    expect(testing.NODE_ENV).toBe("test");
  });
});
