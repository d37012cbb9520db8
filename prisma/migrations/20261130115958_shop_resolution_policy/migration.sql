-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "resolutionPolicy" TEXT;

