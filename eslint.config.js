// Flat config: typescript-eslint's recommended rules, plus the ones that keep module
// boundaries honest (no `any`, no floating promises in server code), plus the layers below.
import { builtinModules } from "node:module";

import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layers, top down. A file may import its own layer and the layers below it, never one
// above (the import is resolved to a file first, so `../`, `export … from` and `import()`
// all count). The first pattern that matches a file decides its layer.
const LAYERS = {
  // 4. Entry points: Remix routes and what they render, the server entry, the production
  //    server and worker processes (app/server), the wiring of the services
  //    (runtime.server.ts), scripts. They may import everything.
  entry: [
    "app/routes/**",
    "app/components/**",
    "app/entry.server.tsx",
    "app/root.tsx",
    "app/webhooks/runtime.server.ts",
    "app/server/**",
    // Background work's wiring: one interface, the in-process runner and the PostgreSQL queue.
    "app/jobs/**",
    "scripts/**",
  ],
  // 3. Services, each on its own: they meet only in an entry point, and a helper two of them
  //    need moves down to an edge or the domain instead of being borrowed from a sibling.
  webhooks: ["app/webhooks/**"],
  remediation: ["app/remediation/engine/**", "app/remediation/*.server.ts"],
  scheduler: ["app/scheduler/**"],
  messaging: ["app/messaging/**"],
  // 2. Edges: the database (Prisma models), Shopify (the library, Admin API operations),
  //    env, logging, metrics. A port or type a service shares with an edge (ShopifyLookups)
  //    is declared here, at the level of its lowest user.
  edges: [
    "app/models/**",
    "app/shopify/**",
    "app/*.server.ts",
    "prisma/**",
  ],
  // 1. Domain: detection rules and remediation policy as pure functions over plain data.
  //    Routes also ship them to the browser. See the purity rule below.
  //    The extension's contract with the app's endpoint is plain types and data too.
  domain: ["app/incidents/**", "app/remediation/policy/**", "extensions/*/src/api-contract.ts"],
  // Test support (the Shopify emulator, databases): only entry points (the demo) use it.
  tests: ["tests/**", "bench/**"],
};
const SERVICES = ["webhooks", "remediation", "scheduler", "messaging"];
const MAY_IMPORT = {
  entry: Object.keys(LAYERS),
  ...Object.fromEntries(SERVICES.map((service) => [service, [service, "edges", "domain"]])),
  edges: ["edges", "domain"],
  domain: ["domain"],
};
const layer = (name) => ({ file: { categories: name } });
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

// What the pure domain may not import from outside the app: I/O of any kind (every Node
// built-in, `node:crypto` included: the domain also runs in the browser bundle, and its keys
// and hashes are computed by the services), the database, Remix, Shopify's libraries, logging
// and metrics. Local env, db, logger and Shopify modules are edges, refused by the layers.
const IMPURE = [
  ...builtinModules.flatMap((name) => [name, `node:${name}`]),
  "@prisma/*",
  "prisma",
  "@remix-run/*",
  "@shopify/*",
  "graphql-request",
  "pg",
  "better-sqlite3",
  "pino",
  "prom-client",
];

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "extensions/*/dist/", ".cache/", "prisma/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["error", "warn"] }],
    },
  },
  {
    files: ["scripts/**", "bench/**", "tests/**"],
    rules: { "no-console": "off" },
  },
  {
    // Layers. Tests are left out: a test imports its subject and whatever sets it up.
    files: ["app/**", "scripts/**", "prisma/**"],
    ignores: TESTS,
    plugins: { boundaries },
    settings: {
      "import/resolver": { node: { extensions: [".ts", ".tsx", ".js", ".mjs"] } },
      "boundaries/files": Object.entries(LAYERS).map(([category, pattern]) => ({ category, pattern })),
      "boundaries/files-single-match": true,
    },
    rules: {
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          checkUnknownLocals: true,
          message: "Layers: {{from.file.categories}} may not import {{to.file.categories}} (see LAYERS in eslint.config.js)",
          policies: Object.entries(MAY_IMPORT).map(([from, to]) => ({
            from: layer(from),
            allow: { to: to.map(layer) },
          })),
        },
      ],
      "boundaries/no-unknown-files": "error",
      // The path alias would be resolved by Vite but not by the layer check: import relatively.
      "no-restricted-imports": ["error", { patterns: [{ group: ["~/*"], message: "Import relatively." }] }],
    },
  },
  {
    // The domain stays pure: no I/O, no framework, no database, no Shopify client.
    files: LAYERS.domain,
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: IMPURE.filter((name) => !name.includes("*")).map((name) => ({
            name,
            message: "The domain is pure: pass the data in from a service instead.",
          })),
          patterns: [
            {
              group: IMPURE.filter((name) => name.includes("*")),
              message: "The domain is pure: pass the data in from a service instead.",
            },
            { group: ["~/*"], message: "Import relatively." },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        { name: "fetch", message: "The domain is pure: Shopify is asked by the edges (app/shopify)." },
        { name: "process", message: "The domain is pure: settings come in as arguments, not from env." },
      ],
    },
  },
);
