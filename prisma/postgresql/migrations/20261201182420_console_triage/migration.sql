-- AlterTable
ALTER TABLE "Tip" ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "assignedOfficerId" TEXT,
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "dueAt" TIMESTAMP(3),
ADD COLUMN     "dutyAlertedAt" TIMESTAMP(3),
ADD COLUMN     "threadFolded" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "reporterActivityAt" TIMESTAMP(3),
ADD COLUMN     "settleExtensions" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PoliceUnit" ADD COLUMN     "dutyChatId" TEXT;

-- AlterTable
ALTER TABLE "Officer" ADD COLUMN     "passwordChangedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "TipNote" (
    "id" TEXT NOT NULL,
    "tipId" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TipNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "data" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TipNote_tipId_createdAt_idx" ON "TipNote"("tipId", "createdAt");

-- CreateIndex
CREATE INDEX "Tip_urgent_dueAt_id_idx" ON "Tip"("urgent", "dueAt", "id");

-- CreateIndex
CREATE INDEX "Tip_assignedOfficerId_idx" ON "Tip"("assignedOfficerId");

-- CreateIndex
CREATE INDEX "Tip_communeCode_idx" ON "Tip"("communeCode");

-- CreateIndex
CREATE INDEX "Tip_createdAt_idx" ON "Tip"("createdAt");

-- CreateIndex
CREATE INDEX "Tip_dutyAlertedAt_idx" ON "Tip"("dutyAlertedAt");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_action_createdAt_idx" ON "AuditLog"("action", "createdAt");

-- AddForeignKey
ALTER TABLE "Tip" ADD CONSTRAINT "Tip_assignedOfficerId_fkey" FOREIGN KEY ("assignedOfficerId") REFERENCES "Officer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tip" ADD CONSTRAINT "Tip_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Tip"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TipNote" ADD CONSTRAINT "TipNote_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: the deadline that matters now (acknowledgement while new, settlement after).
UPDATE "Tip" SET "dueAt" = CASE WHEN "status" = 'new' THEN "ackDueAt" ELSE "settleDueAt" END WHERE "dueAt" IS NULL;
