-- AlterTable
ALTER TABLE "OrderRecord" ADD COLUMN     "copyVersion" JSONB,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

