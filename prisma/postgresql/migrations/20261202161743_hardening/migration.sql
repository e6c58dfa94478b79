-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "resends" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tipId" TEXT;

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "blockedUntil" TIMESTAMP(3),
    "strikes" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "RateLimit_updatedAt_idx" ON "RateLimit"("updatedAt");

-- CreateIndex
CREATE INDEX "InboundEvent_channel_status_chatKey_id_idx" ON "InboundEvent"("channel", "status", "chatKey", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_status_priority_chatKey_id_idx" ON "OutboxMessage"("channel", "status", "priority", "chatKey", "id");

