-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "variantsJson" TEXT NOT NULL,
    "buttonsJson" TEXT NOT NULL DEFAULT '[]',
    "audienceJson" TEXT NOT NULL DEFAULT '{}',
    "scheduledAt" DATETIME,
    "recurrenceJson" TEXT,
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
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CampaignDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "campaignId" TEXT NOT NULL,
    "run" INTEGER NOT NULL DEFAULT 0,
    "contactId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "via" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heldReason" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "providerMessageId" TEXT,
    "sentAt" DATETIME,
    "deliveredAt" DATETIME,
    "seenAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CampaignDelivery_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SendRate" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "nextAt" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");

-- CreateIndex
CREATE INDEX "CampaignDelivery_state_nextAttemptAt_id_idx" ON "CampaignDelivery"("state", "nextAttemptAt", "id");

-- CreateIndex
CREATE INDEX "CampaignDelivery_campaignId_state_idx" ON "CampaignDelivery"("campaignId", "state");

-- CreateIndex
CREATE INDEX "CampaignDelivery_channel_providerMessageId_idx" ON "CampaignDelivery"("channel", "providerMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignDelivery_campaignId_run_contactId_key" ON "CampaignDelivery"("campaignId", "run", "contactId");

