// Builds the extension with its own build script (as `npm run extension:build` does), calling
// the given app URL, into a directory of the caller's, and returns the bundle, what the script
// printed and its exit code (1 when the bundle is over Shopify's limit).
import { execFile } from "node:child_process";
import path from "node:path";

import { EXTENSION_DIR } from "./server";

export function buildExtensionBundle(appUrl: string, outdir: string) {
  return new Promise<{ file: string; printed: string; exitCode: number }>((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(EXTENSION_DIR, "build.mjs"), "--outdir", outdir],
      { env: { ...process.env, APP_URL: appUrl } },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        // A build that printed no size failed outright (a syntax or type error in the bundle).
        if (!stdout.trim()) return reject(new Error(`extension build failed: ${stderr || error?.message}`));
        resolve({ file: path.join(outdir, "amends-order.js"), printed: `${stdout}${stderr}`.trim(), exitCode });
      },
    );
  });
}
