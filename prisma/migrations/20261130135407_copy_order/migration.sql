-- AlterTable (added in place: another migration may also add columns to OrderRecord)
ALTER TABLE "OrderRecord" ADD COLUMN "copyVersion" JSONB;
ALTER TABLE "OrderRecord" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0;
