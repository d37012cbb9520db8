-- AlterTable
ALTER TABLE "Incident" ADD COLUMN "dismissReason" TEXT;
ALTER TABLE "Incident" ADD COLUMN "escalatedAt" DATETIME;
ALTER TABLE "Incident" ADD COLUMN "escalationNote" TEXT;

