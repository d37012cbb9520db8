// Under `shopify app dev`; in production app/server/app-server.ts answers before Remix, with the same
// check: `Authorization: Bearer <METRICS_TOKEN>` (open in demo mode).
import type { LoaderFunctionArgs } from "@remix-run/node";

import { metricsText } from "../health.server";
import { metricsAccess } from "../metrics.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!metricsAccess(request.headers.get("authorization"))) {
    return new Response("Unauthorized", { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { "Content-Type": contentType } });
};
