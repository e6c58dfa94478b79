-- AlterTable
ALTER TABLE "PoliceUnit" ADD COLUMN "dutyChatId" TEXT;

-- AlterTable
ALTER TABLE "Officer" ADD COLUMN "passwordChangedAt" DATETIME;

-- CreateTable
CREATE TABLE "TipNote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tipId" TEXT NOT NULL,
    "officerId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TipNote_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "data" TEXT NOT NULL DEFAULT '{}'
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Tip" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "contactId" TEXT,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "descriptionFolded" TEXT NOT NULL,
    "occurredAt" DATETIME,
    "occurredText" TEXT,
    "latitude" REAL,
    "longitude" REAL,
    "communeCode" TEXT,
    "placeText" TEXT,
    "placeFolded" TEXT,
    "adminDataVersion" TEXT,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "urgentReason" TEXT,
    "anonymous" BOOLEAN NOT NULL DEFAULT true,
    "reporterNameEnc" TEXT,
    "reporterPhoneEnc" TEXT,
    "status" TEXT NOT NULL DEFAULT 'new',
    "ackDueAt" DATETIME NOT NULL,
    "settleDueAt" DATETIME NOT NULL,
    "duplicateOfId" TEXT,
    "outcome" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "unitId" TEXT,
    "routeRule" TEXT,
    "needsConfirmation" BOOLEAN NOT NULL DEFAULT false,
    "assignedOfficerId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "dueAt" DATETIME,
    "acknowledgedAt" DATETIME,
    "closedAt" DATETIME,
    "settleExtensions" INTEGER NOT NULL DEFAULT 0,
    "dutyAlertedAt" DATETIME,
    "threadFolded" TEXT NOT NULL DEFAULT '',
    "reporterActivityAt" DATETIME,
    CONSTRAINT "Tip_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Tip_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "PoliceUnit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Tip_assignedOfficerId_fkey" FOREIGN KEY ("assignedOfficerId") REFERENCES "Officer" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Tip_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Tip" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Tip" ("ackDueAt", "adminDataVersion", "anonymous", "category", "channel", "communeCode", "contactId", "createdAt", "description", "descriptionFolded", "duplicateOfId", "id", "language", "latitude", "longitude", "needsConfirmation", "occurredAt", "occurredText", "outcome", "placeFolded", "placeText", "reference", "reporterNameEnc", "reporterPhoneEnc", "routeRule", "secretHash", "settleDueAt", "sourceKey", "status", "unitId", "updatedAt", "urgent", "urgentReason") SELECT "ackDueAt", "adminDataVersion", "anonymous", "category", "channel", "communeCode", "contactId", "createdAt", "description", "descriptionFolded", "duplicateOfId", "id", "language", "latitude", "longitude", "needsConfirmation", "occurredAt", "occurredText", "outcome", "placeFolded", "placeText", "reference", "reporterNameEnc", "reporterPhoneEnc", "routeRule", "secretHash", "settleDueAt", "sourceKey", "status", "unitId", "updatedAt", "urgent", "urgentReason" FROM "Tip";
DROP TABLE "Tip";
ALTER TABLE "new_Tip" RENAME TO "Tip";
CREATE UNIQUE INDEX "Tip_reference_key" ON "Tip"("reference");
CREATE UNIQUE INDEX "Tip_sourceKey_key" ON "Tip"("sourceKey");
CREATE INDEX "Tip_status_urgent_createdAt_idx" ON "Tip"("status", "urgent", "createdAt");
CREATE INDEX "Tip_urgent_dueAt_id_idx" ON "Tip"("urgent", "dueAt", "id");
CREATE INDEX "Tip_contactId_idx" ON "Tip"("contactId");
CREATE INDEX "Tip_unitId_idx" ON "Tip"("unitId");
CREATE INDEX "Tip_assignedOfficerId_idx" ON "Tip"("assignedOfficerId");
CREATE INDEX "Tip_communeCode_idx" ON "Tip"("communeCode");
CREATE INDEX "Tip_createdAt_idx" ON "Tip"("createdAt");
CREATE INDEX "Tip_dutyAlertedAt_idx" ON "Tip"("dutyAlertedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "TipNote_tipId_createdAt_idx" ON "TipNote"("tipId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_action_createdAt_idx" ON "AuditLog"("action", "createdAt");


-- Backfill: the deadline that matters now (acknowledgement while new, settlement after).
UPDATE "Tip" SET "dueAt" = CASE WHEN "status" = 'new' THEN "ackDueAt" ELSE "settleDueAt" END WHERE "dueAt" IS NULL;
