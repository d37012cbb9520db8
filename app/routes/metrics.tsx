// Under `shopify app dev`; in production scripts/server.mjs answers before Remix.
import { metricsText } from "../health.server";

export const loader = async () => {
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { "Content-Type": contentType } });
};
