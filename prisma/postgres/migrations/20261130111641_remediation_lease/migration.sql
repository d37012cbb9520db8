-- AlterTable
ALTER TABLE "Remediation" ADD COLUMN     "leaseExpiresAt" TIMESTAMP(3);

