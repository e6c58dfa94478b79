-- CreateTable
CREATE TABLE "BotAnswer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sourceKey" TEXT NOT NULL,
    "faqEntryId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "BotAnswer_sourceKey_key" ON "BotAnswer"("sourceKey");

-- CreateIndex
CREATE INDEX "BotAnswer_createdAt_idx" ON "BotAnswer"("createdAt");

