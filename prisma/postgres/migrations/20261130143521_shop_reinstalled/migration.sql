-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "reinstalledAt" TIMESTAMP(3);

