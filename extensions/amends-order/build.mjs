// Builds the extension the way `shopify app build` bundles a ui_extension of API 2025-10 or
// later (read from @shopify/cli 3.94's bundler), so the bundle measured here is the one Shopify
// would measure: one entry that imports each target's module and registers it with
// `shopify.extend(target, …)`, bundled and minified by esbuild for es6, React-style JSX through
// tsconfig's jsxImportSource (Preact), and the app's URL inlined as process.env.APP_URL.
// Locale files are not bundled: Shopify serves them to shopify.i18n.
//
//   node build.mjs            build dist/amends-order.js and print its size
//   node build.mjs --size     print the size of the bundle already built
//   node build.mjs --outdir D build into D instead
//   APP_URL=https://… node build.mjs   the URL the extension calls (default: SHOPIFY_APP_URL)
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { build } from "esbuild";
import { parse } from "smol-toml";

const here = dirname(fileURLToPath(import.meta.url));

/** Shopify's limit for a UI extension of API 2025-10+: 64 KB compressed (shopify.dev,
 * "Optimize bundle size"; enforced per extension at deploy). */
export const BUNDLE_LIMIT_BYTES = 64 * 1024;

/** The targets and their modules, from shopify.extension.toml. */
export async function extensionTargets(directory = here) {
  const config = parse(await readFile(join(directory, "shopify.extension.toml"), "utf8"));
  const extension = config.extensions?.[0];
  if (!extension) throw new Error("shopify.extension.toml declares no [[extensions]]");
  return {
    handle: String(extension.handle),
    apiVersion: String(config.api_version),
    targets: (extension.targeting ?? []).map((t) => ({ target: String(t.target), module: String(t.module) })),
  };
}

/** Builds the bundle; returns where it is and how big, raw and gzip-compressed. */
export async function buildExtension({ appUrl, outdir = join(here, "dist") } = {}) {
  const url = appUrl ?? process.env.APP_URL ?? process.env.SHOPIFY_APP_URL;
  if (!url) throw new Error("Set APP_URL (or SHOPIFY_APP_URL): the extension calls the app there");
  const { handle, targets } = await extensionTargets();
  const entry = targets
    .map(({ target, module }, i) => `import Target_${i} from '${module}';shopify.extend('${target}', (...args) => Target_${i}(...args));`)
    .join("\n");
  const outfile = join(outdir, `${handle}.js`);
  await mkdir(outdir, { recursive: true });
  const result = await build({
    stdin: { contents: entry, resolveDir: here, loader: "tsx" },
    outfile,
    bundle: true,
    minify: true,
    target: "es6",
    jsx: "automatic",
    loader: { ".esnext": "ts", ".js": "jsx" },
    resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs", ".ejs"],
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"', "process.env.APP_URL": JSON.stringify(url) },
    metafile: true,
    logLevel: "error",
  });
  await writeFile(join(outdir, `${handle}.metafile.json`), JSON.stringify(result.metafile));
  return { file: outfile, ...(await bundleSize(outfile)) };
}

export async function bundleSize(file) {
  const code = await readFile(file);
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

export function describeSize({ file, bytes, gzipBytes }) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const share = ((gzipBytes / BUNDLE_LIMIT_BYTES) * 100).toFixed(0);
  return `${file}: ${kb(bytes)} minified, ${kb(gzipBytes)} gzip (${share}% of Shopify's ${kb(BUNDLE_LIMIT_BYTES)} limit)`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --size: only measure the bundle already built. --outdir DIR: build there instead of dist/.
  const flag = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const outdir = flag("--outdir") ?? join(here, "dist");
  const file = join(outdir, `${(await extensionTargets()).handle}.js`);
  const built = process.argv.includes("--size") ? { file, ...(await bundleSize(file)) } : await buildExtension({ outdir });
  process.stdout.write(`${describeSize(built)}\n`);
  if (built.gzipBytes > BUNDLE_LIMIT_BYTES) {
    console.error("Over Shopify's limit: the extension would not deploy.");
    process.exitCode = 1;
  }
}
