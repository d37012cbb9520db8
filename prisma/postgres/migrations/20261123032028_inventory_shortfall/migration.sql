-- CreateTable
CREATE TABLE "InventoryShortfall" (
    "shop" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "locationId" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InventoryShortfall_pkey" PRIMARY KEY ("shop","variantId","locationId")
);

-- CreateIndex
CREATE INDEX "InventoryShortfall_shop_inventoryItemId_idx" ON "InventoryShortfall"("shop", "inventoryItemId");

