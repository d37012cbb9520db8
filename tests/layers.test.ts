// The layers (domain → edges → services → entry points) are kept by lint, not by goodwill:
// small modules placed at real paths in the tree, linted with the project's own ESLint config.
// An import that runs up a layer, or puts I/O into the pure domain, fails `npm run lint`.
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const eslint = new ESLint({ cwd: root });

/** ESLint's findings for `code` as if it were the file at `file` (which need not exist). */
async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? "parse"}: ${m.message}`);
}

const layers = (from: string, to: string) => `boundaries/dependencies: Layers: ${from} may not import ${to}`;
const PURE = "no-restricted-imports";

describe("an import that runs up a layer fails lint", () => {
  it("a model importing a webhook handler", async () => {
    const code = `import { HANDLERS } from "../webhooks/handlers.server";\nexport const topics = Object.keys(HANDLERS);\n`;
    expect(await lint("app/models/probe.server.ts", code)).toEqual([expect.stringContaining(layers("edges", "webhooks"))]);
  });

  it("a model importing the remediation engine, also as a type, a re-export or import()", async () => {
    const code = [
      `import type { RemediationDeps } from "../remediation/engine/types";`,
      `export type Deps = RemediationDeps;`,
      `export { remediate } from "../remediation/engine/index.server";`,
      `export const load = () => import("../remediation/engine/context.server");`,
      ``,
    ].join("\n");
    expect(await lint("app/models/probe.server.ts", code)).toEqual([
      expect.stringContaining(layers("edges", "remediation")),
      expect.stringContaining(layers("edges", "remediation")),
      expect.stringContaining(layers("edges", "remediation")),
    ]);
  });

  it("an Admin API operation importing a handler's types", async () => {
    const code = `import type { HandlerContext } from "../webhooks/handlers.server";\nexport type Ctx = HandlerContext;\n`;
    expect(await lint("app/shopify/probe.server.ts", code)).toEqual([expect.stringContaining(layers("edges", "webhooks"))]);
  });

  it("the scheduler importing a route", async () => {
    const code = `import { loader } from "../routes/healthz";\nexport const health = loader;\n`;
    expect(await lint("app/scheduler/probe.server.ts", code)).toEqual([expect.stringContaining(layers("scheduler", "entry"))]);
  });

  it("the scheduler borrowing from the webhook processor, a sibling service", async () => {
    const code = `import { MAX_ATTEMPTS } from "../webhooks/process.server";\nexport const attempts = MAX_ATTEMPTS;\n`;
    expect(await lint("app/scheduler/probe.server.ts", code)).toEqual([expect.stringContaining(layers("scheduler", "webhooks"))]);
  });

  it("the policy importing the engine that carries it out", async () => {
    const code = `import { idempotencyKey } from "../engine/index.server";\nexport const key = idempotencyKey;\n`;
    expect(await lint("app/remediation/policy/probe.ts", code)).toEqual([expect.stringContaining(layers("domain", "remediation"))]);
  });

  it("a file in a folder no layer names", async () => {
    const code = `export const answer = 42;\n`;
    expect(await lint("app/elsewhere/probe.ts", code)).toEqual([expect.stringMatching(/^boundaries\/no-unknown-files: /)]);
  });
});

describe("the domain stays pure", () => {
  it("refuses Prisma, by package or through the app's database module", async () => {
    const code = [
      `import { PrismaClient } from "@prisma/client";`,
      `import { db } from "../../db.server";`,
      `export const clients = [PrismaClient, db];`,
      ``,
    ].join("\n");
    expect(await lint("app/remediation/policy/probe.ts", code)).toEqual([
      expect.stringMatching(new RegExp(`^${PURE}: '@prisma/client' import is restricted`)),
      expect.stringContaining(layers("domain", "edges")),
    ]);
  });

  it("refuses Node's I/O, with or without the node: prefix", async () => {
    const code = [
      `import { readFileSync } from "node:fs";`,
      `import { request } from "http";`,
      `import { Worker } from "node:worker_threads";`,
      `export const io = [readFileSync, request, Worker];`,
      ``,
    ].join("\n");
    const found = await lint("app/incidents/detection/probe.ts", code);
    expect(found).toHaveLength(3);
    for (const problem of found) expect(problem).toMatch(new RegExp(`^${PURE}: .*The domain is pure`));
  });

  it("refuses Remix, env, the Shopify client, the logger and fetch", async () => {
    const code = [
      `import { json } from "@remix-run/node";`,
      `import { env } from "../../env.server";`,
      `import { adminClientFor } from "../../shopify/admin.server";`,
      `import { logger } from "../../logger.server";`,
      `export const impure = [json, env, adminClientFor, logger, fetch];`,
      ``,
    ].join("\n");
    expect(await lint("app/remediation/policy/probe.ts", code)).toEqual([
      expect.stringMatching(new RegExp(`^${PURE}: '@remix-run/node' import is restricted`)),
      expect.stringContaining(layers("domain", "edges")),
      expect.stringContaining(layers("domain", "edges")),
      expect.stringContaining(layers("domain", "edges")),
      expect.stringMatching(/^no-restricted-globals: Unexpected use of 'fetch'/),
    ]);
  });
});

describe("imports down the layers pass", () => {
  it("a service using models, Admin operations and the domain; the domain using zod", async () => {
    const service = [
      `import { loadOrder } from "../models/order.server";`,
      `import { shopifyLookups } from "../shopify/lookups.server";`,
      `import { gid } from "../incidents/model";`,
      `import { DEFAULT_POLICY } from "../remediation/policy";`,
      `export const used = [loadOrder, shopifyLookups, gid, DEFAULT_POLICY];`,
      ``,
    ].join("\n");
    expect(await lint("app/webhooks/probe.server.ts", service)).toEqual([]);
    const domain = `import { z } from "zod";\nimport { INCIDENT_KINDS } from "../../incidents/model";\nexport const kind = z.enum(INCIDENT_KINDS);\n`;
    expect(await lint("app/remediation/policy/probe.ts", domain)).toEqual([]);
  });

  it("a route using a service; a test importing its subject and test support", async () => {
    const route = `import { webhookRuntime } from "../webhooks/runtime.server";\nexport const runtime = webhookRuntime;\n`;
    expect(await lint("app/routes/probe.tsx", route)).toEqual([]);
    const test = [
      `import { databaseFor } from "../../tests/support/databases";`,
      `import { HANDLERS } from "./handlers.server";`,
      `export const used = [databaseFor, HANDLERS];`,
      ``,
    ].join("\n");
    expect(await lint("app/webhooks/probe.server.test.ts", test)).toEqual([]);
  });
});
