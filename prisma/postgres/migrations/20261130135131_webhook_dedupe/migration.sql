-- DropIndex
DROP INDEX "WebhookDelivery_shop_topic_eventId_key";

-- Copies of one event stored under different shop headers (the old key let them in): the
-- first one received is kept (ids are time-ordered), so the new keys can be created.
DELETE FROM "WebhookDelivery" WHERE "id" NOT IN (SELECT MIN("id") FROM "WebhookDelivery" GROUP BY "topic", "eventId");
DELETE FROM "WebhookDelivery" WHERE "id" NOT IN (SELECT MIN("id") FROM "WebhookDelivery" GROUP BY "webhookId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_topic_eventId_key" ON "WebhookDelivery"("topic", "eventId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_key" ON "WebhookDelivery"("webhookId");

