// Every webhook subscription in shopify.app.toml points here (POST /webhooks). The delivery is
// authenticated (a forged or missing HMAC gets 401 before anything is stored), recorded
// durably, and answered; a database failure answers 500 so Shopify retries.
import type { ActionFunctionArgs } from "@remix-run/node";

import { logger } from "../logger.server";
import { recordDelivery } from "../models/webhook-delivery.server";
import { authenticate } from "../shopify.server";
import { topicFromEnum } from "../webhooks/topics";

export const action = async ({ request }: ActionFunctionArgs) => {
  const raw = request.clone();
  const { shop, topic, webhookId, apiVersion } = await authenticate.webhook(request);
  const payload = await raw.text();
  const eventId = request.headers.get("X-Shopify-Event-Id") ?? webhookId;
  const triggeredAtHeader = request.headers.get("X-Shopify-Triggered-At");
  const triggeredAt = triggeredAtHeader ? new Date(triggeredAtHeader) : null;
  const normalisedTopic = topicFromEnum(topic);
  const log = logger.child({ shop, topic: normalisedTopic, webhookId, eventId });
  try {
    const outcome = await recordDelivery({
      shop,
      topic: normalisedTopic,
      webhookId,
      eventId,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
      apiVersion,
      payload,
    });
    log.info({ outcome: outcome.status }, "webhook delivery recorded");
  } catch (error) {
    log.error({ err: error }, "could not store webhook delivery; asking Shopify to retry");
    return new Response("Could not store the delivery", { status: 500 });
  }
  return new Response(null, { status: 200 });
};
