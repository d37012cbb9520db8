// Every webhook subscription in shopify.app.toml points at POST /webhooks. In production the
// lean server (scripts/server.mjs) answers it before Remix; under `shopify app dev` this route
// does, through the same intake: verify the HMAC (forged or missing → 401, nothing stored),
// store durably (failure → 503, Shopify retries), answer; the work happens afterwards.
import type { ActionFunctionArgs } from "@remix-run/node";

import { webhookRuntime } from "../webhooks/runtime.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const body = Buffer.from(await request.arrayBuffer());
  const result = await webhookRuntime().intake.receive({
    method: request.method,
    header: (name) => request.headers.get(name) ?? undefined,
    body,
  });
  return new Response(result.body || null, { status: result.status });
};

export const loader = () => new Response("Method not allowed", { status: 405 });
