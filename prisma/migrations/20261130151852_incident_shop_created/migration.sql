-- CreateIndex
CREATE INDEX "Incident_shop_createdAt_idx" ON "Incident"("shop", "createdAt");

