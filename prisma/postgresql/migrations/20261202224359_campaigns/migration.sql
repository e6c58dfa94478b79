-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "variantsJson" TEXT NOT NULL,
    "buttonsJson" TEXT NOT NULL DEFAULT '[]',
    "audienceJson" TEXT NOT NULL DEFAULT '{}',
    "scheduledAt" TIMESTAMP(3),
    "recurrenceJson" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "nextRun" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3),
    "approvedById" TEXT,
    "approvedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "pausedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignDelivery" (
    "id" SERIAL NOT NULL,
    "campaignId" TEXT NOT NULL,
    "run" INTEGER NOT NULL DEFAULT 0,
    "contactId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "via" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heldReason" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "providerMessageId" TEXT,
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "seenAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SendRate" (
    "key" TEXT NOT NULL,
    "nextAt" BIGINT NOT NULL,

    CONSTRAINT "SendRate_pkey" PRIMARY KEY ("key")
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

-- AddForeignKey
ALTER TABLE "CampaignDelivery" ADD CONSTRAINT "CampaignDelivery_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

