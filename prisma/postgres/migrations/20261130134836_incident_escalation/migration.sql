-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "dismissReason" TEXT,
ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "escalationNote" TEXT;

