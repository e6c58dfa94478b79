-- CreateTable
CREATE TABLE "CampaignBroadcast" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" TEXT NOT NULL,
    "run" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heldReason" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "providerMessageId" TEXT,
    "requestJson" TEXT,
    "sentAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CampaignBroadcast_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "variantsJson" TEXT NOT NULL,
    "buttonsJson" TEXT NOT NULL DEFAULT '[]',
    "audienceJson" TEXT NOT NULL DEFAULT '{}',
    "scheduledAt" DATETIME,
    "recurrenceJson" TEXT,
    "imageId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "nextRun" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" DATETIME,
    "createdById" TEXT NOT NULL,
    "submittedAt" DATETIME,
    "approvedById" TEXT,
    "approvedAt" DATETIME,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "pausedAt" DATETIME,
    "cancelledAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'message',
    "articleJson" TEXT
);
INSERT INTO "new_Campaign" ("approvedAt", "approvedById", "audienceJson", "buttonsJson", "cancelledAt", "createdAt", "createdById", "finishedAt", "id", "imageId", "nextRun", "nextRunAt", "pausedAt", "recurrenceJson", "scheduledAt", "startedAt", "status", "submittedAt", "title", "topic", "updatedAt", "variantsJson", "version") SELECT "approvedAt", "approvedById", "audienceJson", "buttonsJson", "cancelledAt", "createdAt", "createdById", "finishedAt", "id", "imageId", "nextRun", "nextRunAt", "pausedAt", "recurrenceJson", "scheduledAt", "startedAt", "status", "submittedAt", "title", "topic", "updatedAt", "variantsJson", "version" FROM "Campaign";
DROP TABLE "Campaign";
ALTER TABLE "new_Campaign" RENAME TO "Campaign";
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "CampaignBroadcast_state_nextAttemptAt_idx" ON "CampaignBroadcast"("state", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignBroadcast_campaignId_run_key" ON "CampaignBroadcast"("campaignId", "run");

