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


-- Not expressible in schema.prisma (PostgreSQL only; prisma migrate diff does not see these, so later diffs leave them alone).
-- The open queue (statusGroup=open, the console's default) in its order: PostgreSQL cannot read
-- "status IN (…) ORDER BY urgent DESC, dueAt, id" in order from a (status, …) index and would sort every open tip;
-- this partial index holds only open tips, already in queue order. Keep the list equal to OPEN_STATUSES
-- (src/tips/workflow.ts) in the same order: a different list only stops the planner from using it.
CREATE INDEX "Tip_open_queue_idx" ON "Tip"("urgent" DESC, "dueAt", "id") WHERE "status" IN ('new', 'received', 'verifying', 'handled', 'forwarded');

-- Search: `contains` is LIKE '%word%', a scan of every tip when few match. Trigram indexes answer it for words of
-- 3 characters or more (pg_trgm is a trusted extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Tip_descriptionFolded_trgm_idx" ON "Tip" USING gin ("descriptionFolded" gin_trgm_ops);
CREATE INDEX "Tip_placeFolded_trgm_idx" ON "Tip" USING gin ("placeFolded" gin_trgm_ops);
CREATE INDEX "Tip_threadFolded_trgm_idx" ON "Tip" USING gin ("threadFolded" gin_trgm_ops);
