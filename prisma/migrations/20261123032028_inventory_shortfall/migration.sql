-- CreateTable
CREATE TABLE "InventoryShortfall" (
    "shop" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "variantId", "locationId")
);

-- CreateIndex
CREATE INDEX "InventoryShortfall_shop_inventoryItemId_idx" ON "InventoryShortfall"("shop", "inventoryItemId");

