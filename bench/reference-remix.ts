// The reference "Shopify app template" webhook route, served by the real Remix request pipeline
// through Express (as remix-serve does): authenticate.webhook, then one Prisma create.
import { randomUUID } from "node:crypto";

import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";

import { createDatabase } from "../app/db.server";
import shopify from "../app/shopify.server";

export function referenceRemixApp(databaseUrl: string) {
  const db = createDatabase(databaseUrl);
  const action = async ({ request }: { request: Request }) => {
    const { shop, topic, webhookId, payload } = await shopify.authenticate.webhook(request);
    await db.webhookDelivery.create({
      data: {
        id: randomUUID(),
        shop,
        topic,
        webhookId,
        eventId: request.headers.get("x-shopify-event-id") ?? webhookId,
        payload: JSON.stringify(payload),
      },
    });
    return new Response(null, { status: 200 });
  };
  const build = {
    mode: "production",
    basename: "/",
    publicPath: "/build/",
    assetsBuildDirectory: "build/client",
    isSpaMode: false,
    future: {},
    entry: { module: { default: () => new Response("Not found", { status: 404 }) } },
    routes: {
      root: { id: "root", path: "", module: { default: () => null } },
      "routes/webhooks": { id: "routes/webhooks", parentId: "root", path: "webhooks", module: { action } },
    },
    assets: { entry: { imports: [], module: "" }, routes: {}, url: "", version: "bench" },
  } as unknown as ServerBuild;
  const app = express();
  app.all("*", createRequestHandler({ build, mode: "production" }));
  return app;
}
