-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "deliveredAt" DATETIME;
ALTER TABLE "OutboxMessage" ADD COLUMN "seenAt" DATETIME;
ALTER TABLE "OutboxMessage" ADD COLUMN "windowClosedAt" DATETIME;

-- CreateTable
CREATE TABLE "ChannelCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accessTokenEnc" TEXT,
    "refreshTokenEnc" TEXT,
    "accessExpiresAt" DATETIME,
    "refreshExpiresAt" DATETIME,
    "refreshingBy" TEXT,
    "refreshingUntil" DATETIME,
    "lastError" TEXT,
    "lastErrorAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_providerMessageId_idx" ON "OutboxMessage"("channel", "providerMessageId");

