-- CreateIndex
CREATE INDEX "Incident_shop_createdAt_id_idx" ON "Incident"("shop", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Incident_shop_responseDeadline_id_idx" ON "Incident"("shop", "responseDeadline", "id");

-- CreateIndex
CREATE INDEX "Incident_shop_status_createdAt_id_idx" ON "Incident"("shop", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Incident_shop_status_responseDeadline_id_idx" ON "Incident"("shop", "status", "responseDeadline", "id");

-- CreateIndex
CREATE INDEX "Incident_shop_escalatedAt_createdAt_idx" ON "Incident"("shop", "escalatedAt", "createdAt");

-- CreateIndex
CREATE INDEX "Incident_shop_owner_idx" ON "Incident"("shop", "owner");

