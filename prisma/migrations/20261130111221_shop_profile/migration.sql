-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "currencyCode" TEXT,
    "timeZone" TEXT,
    "country" TEXT,
    "primaryLocale" TEXT,
    "email" TEXT,
    "detection" JSONB,
    "policy" JSONB,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("currencyCode", "detection", "domain", "installedAt", "name", "policy", "timeZone", "uninstalledAt", "updatedAt") SELECT "currencyCode", "detection", "domain", "installedAt", "name", "policy", "timeZone", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Every stored currency and zone so far was the column default, never read from Shopify: forget
-- them, so each shop's real profile is read from Shopify before its next use.
UPDATE "Shop" SET "currencyCode" = NULL, "timeZone" = NULL;
