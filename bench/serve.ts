// One server under test, in its own process: `tsx bench/serve.ts <bare|remix|amends> <port>`.
// Prints "ready" when listening.
import http from "node:http";

import type * as ServerModule from "../app/server/server";
import { isAuthenticWebhook } from "../app/webhooks/verify";

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);
const secret = process.env.SHOPIFY_API_SECRET ?? "";

async function main() {
  let server: http.Server;
  if (kind === "bare") {
    // The limit: verify the HMAC over the raw body, answer. Nothing stored.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const ok = isAuthenticWebhook(Buffer.concat(chunks), req.headers["x-shopify-hmac-sha256"] as string, secret);
        res.writeHead(ok ? 200 : 401).end();
      });
    });
  } else if (kind === "remix") {
    const { referenceRemixApp } = await import("./reference-remix");
    server = http.createServer(referenceRemixApp(process.env.DATABASE_URL ?? ""));
  } else if (kind === "amends") {
    // The production server as `npm start` runs it: built with the app (npm run build).
    const { createServer } = (await import("../build/server/server.js" as string)) as typeof ServerModule;
    const amends = await createServer();
    server = amends.server;
    // Stop the webhook worker with the server, as `npm start` does on SIGTERM.
    process.once("SIGTERM", () => void amends.close().then(() => process.exit(0)));
  } else {
    throw new Error(`unknown server kind ${kind}`);
  }
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => console.log("ready"));
}

void main();
