// Builds Amends' own server entry points with the Remix server build, as more chunks of the same
// Rollup build: build/server/server.js (the production server), and every module that server
// code starts by URL — `new URL("./worker.ts", import.meta.url)` for the webhook worker's
// process, `new URL("./writer.thread.ts", import.meta.url)` for a thread — as a .js file of its
// own (worker.js, writer.thread.js, …), the URL rewritten to point at it. Modules the server and
// the Remix routes both use (the database client, the metrics registry, the intake) are then
// shared chunks, loaded once per process, never one copy for the routes and one for the server.
import path from "node:path";

import type { Plugin } from "vite";

const MODULE_URL = /new URL\(\s*(["'])(\.{1,2}\/[\w./-]+)\.ts\1\s*,\s*import\.meta\.url\s*\)/g;

/** `entries`: output file name → source module, emitted in the SSR build. */
export function serverEntries(entries: Record<string, string>): Plugin {
  let ssr = false;
  let root = process.cwd();
  const emitted = new Map<string, string>();
  return {
    name: "amends-server-entries",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      root = config.root;
    },
    buildStart() {
      emitted.clear();
      if (!ssr) return;
      for (const [fileName, source] of Object.entries(entries)) {
        this.emitFile({ type: "chunk", id: path.resolve(root, source), fileName, preserveSignature: "exports-only" });
      }
    },
    transform(code, id) {
      if (!ssr || id.includes("/node_modules/") || !code.includes("import.meta.url")) return null;
      let changed = false;
      const rewritten = code.replace(MODULE_URL, (_match, _quote: string, relative: string) => {
        const source = path.resolve(path.dirname(id), `${relative}.ts`);
        let reference = emitted.get(source);
        if (!reference) {
          reference = this.emitFile({ type: "chunk", id: source, fileName: `${path.basename(relative)}.js` });
          emitted.set(source, reference);
        }
        changed = true;
        return `new URL(import.meta.ROLLUP_FILE_URL_${reference})`;
      });
      return changed ? { code: rewritten, map: null } : null;
    },
  };
}
