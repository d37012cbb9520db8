// Under `shopify app dev`; in production app/server/app-server.ts answers before Remix.
import { healthCheck } from "../health.server";

export const loader = async () => {
  const { status, body } = await healthCheck();
  return new Response(body, { status, headers: { "Content-Type": "application/json" } });
};
