// Serves the stand-in customer-account host: one page per target, in which the extension's own
// built bundle runs unchanged (see browser/host.ts), and session tokens signed as Shopify signs
// them for the signed-in customer. Used by the extension's browser tests and the demo.
import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type * as Esbuild from "esbuild";

import type { HostConfig } from "./browser/host";
import type { Translations } from "./browser/i18n";
import { signCustomerSessionToken } from "./session-token";

const here = path.dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = path.resolve(here, "../../extensions/amends-order");

export interface CustomerHostOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** The signed-in customer, "gid://shopify/Customer/…": the token's `sub`. */
  customerId: string;
  /** The built extension bundle (build.mjs). */
  bundleFile: string;
  apiVersion?: string;
  /** Where to listen; any free port by default. */
  port?: number;
  /** The order page served at `/` (the demo's customer view); none by default. */
  home?: Omit<PageOptions, "target">;
}

export interface PageOptions {
  target: HostConfig["target"];
  order: { id: string; name: string };
  locale?: string;
  currency?: string;
  timezone?: string;
  countryCode?: string;
}

export interface CustomerHost {
  url: string;
  /** One target alone. */
  pageUrl(page: PageOptions): string;
  /** The order page with all three targets, for the demo customer. */
  orderPageUrl(page: Omit<PageOptions, "target">): string;
  close(): Promise<void>;
}

/** The host's own page script, bundled with the extension package's esbuild. */
async function bundleHostScript(): Promise<string> {
  const esbuild = createRequire(path.join(EXTENSION_DIR, "package.json"))("esbuild") as typeof Esbuild;
  const result = await esbuild.build({
    entryPoints: [path.join(here, "browser/host.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

/** The extension's locale files, as Shopify would serve them to shopify.i18n. */
async function localeFiles(): Promise<HostConfig["locales"]> {
  const dir = path.join(EXTENSION_DIR, "locales");
  const files: Record<string, Translations> = {};
  let defaultLocale = "";
  for (const name of await readdir(dir)) {
    const match = /^([\w-]+?)(\.default)?\.json$/.exec(name);
    if (!match) continue;
    files[match[1]!] = JSON.parse(await readFile(path.join(dir, name), "utf8")) as Translations;
    if (match[2]) defaultLocale = match[1]!;
  }
  if (!defaultLocale) throw new Error("The extension has no .default.json locale");
  return { defaultLocale, files };
}

const targetUrl = (page: PageOptions) => `/?page=${encodeURIComponent(JSON.stringify(page)).replace(/'/g, "%27")}`;

/** An order page of the customer account, as the customer sees it: the order action menu item,
 * the order status block, and the action's modal over them when the menu item is pressed. Each
 * target runs in its own frame, as Shopify isolates each extension target. */
function orderPage(page: Omit<PageOptions, "target">): string {
  const frame = (target: PageOptions["target"]) => targetUrl({ ...page, target });
  const name = page.order.name.replace(/[<&"]/g, "");
  return `<!doctype html><html lang="${(page.locale ?? "en").replace(/[<&"]/g, "")}"><head><meta charset="utf-8"><title>Order ${name}</title>
<style>body{font-family:sans-serif;margin:24px}iframe{border:0;width:100%}#menu{height:48px}#block{height:520px}
#modal{position:fixed;inset:0;background:rgba(0,0,0,.4);display:none}#modal iframe{background:#fff;width:620px;height:90vh;margin:5vh auto;display:block}</style></head>
<body><h1>Order ${name}</h1>
<iframe id="menu" title="Order actions" src="${frame("customer-account.order.action.menu-item.render")}"></iframe>
<iframe id="block" title="Order status" src="${frame("customer-account.order-status.block.render")}"></iframe>
<div id="modal"></div>
<script>
addEventListener("message", (event) => {
  if (event.data?.source !== "amends-customer-host") return;
  const modal = document.getElementById("modal");
  if (event.data.type === "open-action") {
    modal.innerHTML = '<iframe title="Order action" src=${JSON.stringify(frame("customer-account.order.action.render"))}></iframe>';
    modal.style.display = "block";
  } else if (event.data.type === "close-action") {
    modal.replaceChildren();
    modal.style.display = "none";
    document.getElementById("block").contentWindow.location.reload();
  }
});
</script></body></html>`;
}

export async function startCustomerHost(options: CustomerHostOptions): Promise<CustomerHost> {
  const [hostScript, locales] = await Promise.all([bundleHostScript(), localeFiles()]);
  const apiVersion = options.apiVersion ?? "2026-10";

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://host");
      if (url.pathname === "/host.js") {
        response.writeHead(200, { "Content-Type": "text/javascript" }).end(hostScript);
      } else if (url.pathname === "/extension.js") {
        response.writeHead(200, { "Content-Type": "text/javascript" }).end(await readFile(options.bundleFile));
      } else if (url.pathname === "/session-token") {
        const token = await signCustomerSessionToken(options);
        response.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-store" }).end(token);
      } else if (url.pathname === "/") {
        const page = JSON.parse(url.searchParams.get("page") ?? "null") as PageOptions | null;
        if (!page && options.home) {
          return void response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(orderPage(options.home));
        }
        if (!page) return void response.writeHead(400).end("page missing");
        const config: HostConfig = {
          target: page.target,
          apiVersion,
          order: page.order,
          locale: page.locale ?? "en",
          currency: page.currency ?? "USD",
          timezone: page.timezone ?? "UTC",
          countryCode: page.countryCode ?? "US",
          locales,
          sessionTokenUrl: "/session-token",
          bundleUrl: "/extension.js",
        };
        // Host scripts in <head>: the extension renders into <body>, which it owns.
        const json = JSON.stringify(config).replace(/</g, "\\u003c");
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(
          `<!doctype html><html lang="${config.locale}"><head><meta charset="utf-8"><title>Customer account (stand-in)</title>` +
            `<script>window.__AMENDS_HOST__=${json}</script><script src="/host.js"></script></head><body></body></html>`,
        );
      } else if (url.pathname === "/order") {
        const page = JSON.parse(url.searchParams.get("page") ?? "null") as Omit<PageOptions, "target"> | null;
        if (!page) return void response.writeHead(400).end("page missing");
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(orderPage(page));
      } else {
        response.writeHead(404).end();
      }
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    url,
    pageUrl: (page) => `${url}${targetUrl(page)}`,
    orderPageUrl: (page) => `${url}/order?page=${encodeURIComponent(JSON.stringify(page))}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
