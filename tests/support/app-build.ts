// The app's Remix server build, from source: what app/server/server.ts serves as AMENDS_BUILD
// for tests that start (and kill) the real processes without a production build. Run them with
// `node --import tsx`. The Remix routes are left out: these processes are here for the webhook
// intake and the worker, not for pages.
import os from "node:os";

import * as module from "../../app/entry.server";

export const entry = { module };
export const routes = {};
export const assets = { entry: { imports: [], module: "" }, routes: {}, url: "", version: "source" };
export const publicPath = "/build/";
export const assetsBuildDirectory = os.tmpdir();
export const future = {};
export const basename = "/";
export const isSpaMode = false;
export const mode = "production";
