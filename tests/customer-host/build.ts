// Builds the extension with its own build script (as `npm run extension:build` does), calling
// the given app URL, into a directory of the caller's, and returns the bundle and what it printed.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { EXTENSION_DIR } from "./server";

export async function buildExtensionBundle(appUrl: string, outdir: string) {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(EXTENSION_DIR, "build.mjs"), "--outdir", outdir], {
    env: { ...process.env, APP_URL: appUrl },
  });
  return { file: path.join(outdir, "amends-order.js"), printed: stdout.trim() };
}
