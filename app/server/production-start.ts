// `npm start` (build/server/server.js run as a program, app/server/server.ts) is how Amends runs
// in production. Demo mode opens the admin without a Shopify login, and app/env.server.ts
// refuses it only when NODE_ENV=production: so the production start sets NODE_ENV=production
// when nothing else is set, and refuses AMENDS_DEMO whatever NODE_ENV says. Only the demo
// (scripts/demo.ts) starts it with `--demo`, which no production start passes; the browser tests
// (tests/e2e/app-server.ts) start the server through createServer(), which this does not guard.

const OFF = new Set(["", "false", "0"]);

/**
 * Prepares `env` for the production start: NODE_ENV defaults to production. Returns why the
 * start is refused, or null. `args`: the command line's own arguments (`--demo` from the demo).
 */
export function prepareProductionStart(env: Record<string, string | undefined>, args: readonly string[] = []): string | null {
  if (args.includes("--demo")) return null;
  const demo = env.AMENDS_DEMO;
  if (demo !== undefined && !OFF.has(demo.trim().toLowerCase())) {
    return (
      `AMENDS_DEMO=${demo}: demo mode opens the admin without a Shopify login, so the production ` +
      "start (npm start) refuses it. Unset AMENDS_DEMO, or run the demo with npm run demo."
    );
  }
  if (!env.NODE_ENV) env.NODE_ENV = "production";
  return null;
}
