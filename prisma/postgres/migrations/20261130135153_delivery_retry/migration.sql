-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "HealthProbe" (
    "id" TEXT NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HealthProbe_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "claimedBy" TEXT;

