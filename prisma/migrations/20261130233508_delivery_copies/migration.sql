-- DropIndex
DROP INDEX "WebhookDelivery_topic_eventId_key";

-- DropIndex
DROP INDEX "WebhookDelivery_webhookId_key";

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "deliveryId" TEXT NOT NULL PRIMARY KEY,
    "topic" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    CONSTRAINT "WebhookEvent_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_topic_eventId_key" ON "WebhookEvent"("topic", "eventId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_webhookId_key" ON "WebhookEvent"("webhookId");


-- Every delivery stored so far was unique on both keys: each holds its own event.
INSERT INTO "WebhookEvent" ("deliveryId", "topic", "eventId", "webhookId")
SELECT "id", "topic", "eventId", "webhookId" FROM "WebhookDelivery";
