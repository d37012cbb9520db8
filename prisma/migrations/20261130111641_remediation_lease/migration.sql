-- AlterTable
ALTER TABLE "Remediation" ADD COLUMN "leaseExpiresAt" DATETIME;

