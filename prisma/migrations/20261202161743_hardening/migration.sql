-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStart" DATETIME NOT NULL,
    "blockedUntil" DATETIME,
    "strikes" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "contactId" TEXT,
    "chatKey" TEXT NOT NULL,
    "addressEnc" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "lastErrorKind" TEXT,
    "lastError" TEXT,
    "providerMessageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    "windowClosedAt" DATETIME,
    "deliveredAt" DATETIME,
    "seenAt" DATETIME,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "tipId" TEXT,
    "resends" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_OutboxMessage" ("addressEnc", "attempts", "channel", "chatKey", "contactId", "createdAt", "dedupeKey", "deliveredAt", "id", "lastError", "lastErrorKind", "lockedBy", "lockedUntil", "nextAttemptAt", "payload", "providerMessageId", "seenAt", "sentAt", "status", "windowClosedAt") SELECT "addressEnc", "attempts", "channel", "chatKey", "contactId", "createdAt", "dedupeKey", "deliveredAt", "id", "lastError", "lastErrorKind", "lockedBy", "lockedUntil", "nextAttemptAt", "payload", "providerMessageId", "seenAt", "sentAt", "status", "windowClosedAt" FROM "OutboxMessage";
DROP TABLE "OutboxMessage";
ALTER TABLE "new_OutboxMessage" RENAME TO "OutboxMessage";
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");
CREATE INDEX "OutboxMessage_status_chatKey_id_idx" ON "OutboxMessage"("status", "chatKey", "id");
CREATE INDEX "OutboxMessage_channel_status_priority_chatKey_id_idx" ON "OutboxMessage"("channel", "status", "priority", "chatKey", "id");
CREATE INDEX "OutboxMessage_channel_providerMessageId_idx" ON "OutboxMessage"("channel", "providerMessageId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RateLimit_updatedAt_idx" ON "RateLimit"("updatedAt");

-- CreateIndex
CREATE INDEX "InboundEvent_channel_status_chatKey_id_idx" ON "InboundEvent"("channel", "status", "chatKey", "id");

