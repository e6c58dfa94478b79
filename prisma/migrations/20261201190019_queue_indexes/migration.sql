-- DropIndex
DROP INDEX "Tip_status_urgent_createdAt_idx";

-- DropIndex
DROP INDEX "Tip_urgent_dueAt_id_idx";

-- DropIndex
DROP INDEX "Tip_assignedOfficerId_idx";

-- DropIndex
DROP INDEX "Tip_communeCode_idx";

-- DropIndex
DROP INDEX "TipRouting_unitId_active_idx";

-- DropIndex
DROP INDEX "TipRouting_tipId_idx";

-- CreateIndex
CREATE INDEX "Tip_status_urgent_dueAt_id_idx" ON "Tip"("status", "urgent" DESC, "dueAt", "id");

-- CreateIndex
CREATE INDEX "Tip_urgent_dueAt_id_idx" ON "Tip"("urgent" DESC, "dueAt", "id");

-- CreateIndex
CREATE INDEX "Tip_assignedOfficerId_status_urgent_dueAt_id_idx" ON "Tip"("assignedOfficerId", "status", "urgent" DESC, "dueAt", "id");

-- CreateIndex
CREATE INDEX "Tip_communeCode_status_urgent_dueAt_id_idx" ON "Tip"("communeCode", "status", "urgent" DESC, "dueAt", "id");

-- CreateIndex
CREATE INDEX "TipRouting_unitId_active_tipId_idx" ON "TipRouting"("unitId", "active", "tipId");

-- CreateIndex
CREATE INDEX "TipRouting_tipId_unitId_active_idx" ON "TipRouting"("tipId", "unitId", "active");

