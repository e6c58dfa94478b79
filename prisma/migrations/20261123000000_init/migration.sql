-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "platformIdHash" TEXT NOT NULL,
    "platformIdEnc" TEXT NOT NULL,
    "displayNameEnc" TEXT,
    "phoneEnc" TEXT,
    "language" TEXT,
    "languageHint" TEXT,
    "stoppedAt" DATETIME,
    "lastInboundAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "chatKey" TEXT NOT NULL,
    "payloadEnc" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "processedAt" DATETIME,
    "lastError" TEXT
);

-- CreateTable
CREATE TABLE "Conversation" (
    "contactId" TEXT NOT NULL PRIMARY KEY,
    "flow" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "dataEnc" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Conversation_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Tip" (
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
    CONSTRAINT "Tip_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tipId" TEXT,
    "contactId" TEXT,
    "sourceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "mime" TEXT,
    "size" INTEGER,
    "sha256" TEXT,
    "storageKey" TEXT,
    "originalName" TEXT,
    "status" TEXT NOT NULL,
    "rejectReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Attachment_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Attachment_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TipMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tipId" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "officerId" TEXT,
    "attachmentId" TEXT,
    "sourceKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME,
    CONSTRAINT "TipMessage_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TipEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tipId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TipEvent_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
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
    "sentAt" DATETIME
);

-- CreateTable
CREATE TABLE "WebchatMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "visitorKey" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "clientMessageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AdminUnit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "folded" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Officer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "unitId" TEXT,
    "languages" TEXT NOT NULL DEFAULT 'vi',
    "disabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OfficerSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officerId" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OfficerSession_officerId_fkey" FOREIGN KEY ("officerId") REFERENCES "Officer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "officerId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "Contact_channel_platformIdHash_key" ON "Contact"("channel", "platformIdHash");

-- CreateIndex
CREATE INDEX "InboundEvent_status_chatKey_id_idx" ON "InboundEvent"("status", "chatKey", "id");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_channel_externalId_key" ON "InboundEvent"("channel", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Tip_reference_key" ON "Tip"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "Tip_sourceKey_key" ON "Tip"("sourceKey");

-- CreateIndex
CREATE INDEX "Tip_status_urgent_createdAt_idx" ON "Tip"("status", "urgent", "createdAt");

-- CreateIndex
CREATE INDEX "Tip_contactId_idx" ON "Tip"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "Attachment_sourceKey_key" ON "Attachment"("sourceKey");

-- CreateIndex
CREATE INDEX "Attachment_tipId_idx" ON "Attachment"("tipId");

-- CreateIndex
CREATE UNIQUE INDEX "TipMessage_sourceKey_key" ON "TipMessage"("sourceKey");

-- CreateIndex
CREATE INDEX "TipMessage_tipId_createdAt_idx" ON "TipMessage"("tipId", "createdAt");

-- CreateIndex
CREATE INDEX "TipEvent_tipId_createdAt_idx" ON "TipEvent"("tipId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_chatKey_id_idx" ON "OutboxMessage"("status", "chatKey", "id");

-- CreateIndex
CREATE INDEX "WebchatMessage_visitorKey_id_idx" ON "WebchatMessage"("visitorKey", "id");

-- CreateIndex
CREATE UNIQUE INDEX "WebchatMessage_visitorKey_clientMessageId_key" ON "WebchatMessage"("visitorKey", "clientMessageId");

-- CreateIndex
CREATE INDEX "AdminUnit_version_folded_idx" ON "AdminUnit"("version", "folded");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUnit_version_code_key" ON "AdminUnit"("version", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Officer_username_key" ON "Officer"("username");

-- CreateIndex
CREATE INDEX "OfficerSession_officerId_idx" ON "OfficerSession"("officerId");

-- CreateIndex
CREATE INDEX "AuditLog_targetType_targetId_idx" ON "AuditLog"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "AuditLog_officerId_createdAt_idx" ON "AuditLog"("officerId", "createdAt");

