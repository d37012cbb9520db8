-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "country" TEXT,
ADD COLUMN     "email" TEXT,
ADD COLUMN     "primaryLocale" TEXT,
ALTER COLUMN "currencyCode" DROP NOT NULL,
ALTER COLUMN "currencyCode" DROP DEFAULT,
ALTER COLUMN "timeZone" DROP NOT NULL,
ALTER COLUMN "timeZone" DROP DEFAULT;


-- Every stored currency and zone so far was the column default, never read from Shopify: forget
-- them, so each shop's real profile is read from Shopify before its next use.
UPDATE "Shop" SET "currencyCode" = NULL, "timeZone" = NULL;
