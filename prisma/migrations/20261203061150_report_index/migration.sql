-- DropIndex
DROP INDEX "Tip_createdAt_idx";

-- CreateIndex
CREATE INDEX "Tip_report_idx" ON "Tip"("createdAt", "category", "status", "channel", "language", "urgent", "outcome", "communeCode", "acknowledgedAt", "ackDueAt", "closedAt", "settleDueAt", "id");

