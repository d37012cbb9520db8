// Every webhook subscription in shopify.app.toml points at POST /webhooks. In production the
// lean server (app/server/app-server.ts) answers it, in every spelling of the path, before Remix;
// under `shopify app dev` this route does, through the same reader (5 MB, read under a
// deadline) and the same intake: forged or missing HMAC → 401, a domain that is not an
// installed shop → 4xx, nothing stored; failure to store → 503 (Shopify retries).
import type { ActionFunctionArgs } from "@remix-run/node";

import { readBodyWithin, webStreamChunks } from "../webhooks/body.server";
import { serverLimits, webhookRuntime } from "../webhooks/runtime.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  let body: Buffer;
  try {
    body = await readBodyWithin(webStreamChunks(request.body), {
      declaredLength: request.headers.get("content-length"),
      deadlineMs: serverLimits().bodyDeadlineMs,
    });
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    // The rest of the body is not read: the connection goes with the answer.
    return new Response((error as Error).message, { status, headers: { Connection: "close" } });
  }
  const result = await webhookRuntime().intake.receive({
    method: request.method,
    header: (name) => request.headers.get(name) ?? undefined,
    body,
  });
  return new Response(result.body || null, { status: result.status });
};

export const loader = () => new Response("Method not allowed", { status: 405 });
