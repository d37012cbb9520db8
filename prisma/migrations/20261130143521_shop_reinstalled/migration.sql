-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "reinstalledAt" DATETIME;

