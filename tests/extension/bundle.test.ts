// The extension builds with its own build script (npm run extension:build), prints its size, and
// stays within Shopify's limit for UI extensions of API 2025-10+: 64 KB compressed per extension
// (shopify.dev "Optimize bundle size"; enforced at deploy). Above it, this test fails.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { afterAll, describe, expect, it } from "vitest";

import { buildExtensionBundle } from "../customer-host/build";

const LIMIT = 64 * 1024;
const TARGETS = [
  "customer-account.order.action.menu-item.render",
  "customer-account.order.action.render",
  "customer-account.order-status.block.render",
];

describe("the extension's bundle", () => {
  let outdir = "";
  afterAll(async () => {
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it("is built, its size printed, and within Shopify's 64 KB compressed limit", async () => {
    outdir = await mkdtemp(path.join(tmpdir(), "amends-bundle-"));
    const { file, printed, exitCode } = await buildExtensionBundle("https://amends.example.com", outdir);
    const code = await readFile(file);
    const compressed = gzipSync(code, { level: 9 }).byteLength;
    console.log(printed);
    expect(printed).toMatch(/KB minified, [\d.]+ KB gzip \(\d+% of Shopify's 64\.0 KB limit\)/);
    expect(compressed).toBeLessThanOrEqual(LIMIT);
    expect(exitCode, printed).toBe(0); // the script itself refuses a bundle over the limit

    const text = code.toString("utf8");
    // Each target registered with the host, as `shopify app build` does it.
    for (const target of TARGETS) expect(text).toContain(`shopify.extend("${target}"`);
    // The app's URL inlined; translations not bundled (Shopify serves the locale files).
    expect(text).toContain("https://amends.example.com");
    expect(text).not.toContain("Report a problem");
    expect(text).not.toContain("Informar de un problema");
  }, 60_000);
});
