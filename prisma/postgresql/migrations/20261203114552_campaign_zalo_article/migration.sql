-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "articleJson" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'message';

-- CreateTable
CREATE TABLE "CampaignBroadcast" (
    "id" SERIAL NOT NULL,
    "campaignId" TEXT NOT NULL,
    "run" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heldReason" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "providerMessageId" TEXT,
    "requestJson" TEXT,
    "sentAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignBroadcast_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CampaignBroadcast_state_nextAttemptAt_idx" ON "CampaignBroadcast"("state", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignBroadcast_campaignId_run_key" ON "CampaignBroadcast"("campaignId", "run");

-- AddForeignKey
ALTER TABLE "CampaignBroadcast" ADD CONSTRAINT "CampaignBroadcast_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

