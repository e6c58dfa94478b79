-- CreateTable
CREATE TABLE "BotAnswer" (
    "id" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "faqEntryId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BotAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BotAnswer_sourceKey_key" ON "BotAnswer"("sourceKey");

-- CreateIndex
CREATE INDEX "BotAnswer_createdAt_idx" ON "BotAnswer"("createdAt");

