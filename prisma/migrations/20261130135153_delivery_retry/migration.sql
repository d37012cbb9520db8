-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN "claimedAt" DATETIME;
ALTER TABLE "WebhookDelivery" ADD COLUMN "nextAttemptAt" DATETIME;

-- CreateTable
CREATE TABLE "HealthProbe" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "checkedAt" DATETIME NOT NULL
);

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN "claimedBy" TEXT;

