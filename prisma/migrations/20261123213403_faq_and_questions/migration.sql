-- CreateTable
CREATE TABLE "Question" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT,
    "channel" TEXT NOT NULL,
    "chatIdEnc" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "textFolded" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" DATETIME,
    "answeredBy" TEXT,
    "answer" TEXT,
    "faqEntryId" TEXT,
    "sourceKey" TEXT NOT NULL,
    CONSTRAINT "Question_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FaqEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL DEFAULT 1,
    "tagsJson" TEXT NOT NULL DEFAULT '[]',
    "questionsJson" TEXT NOT NULL,
    "answersJson" TEXT NOT NULL,
    "linksJson" TEXT NOT NULL DEFAULT '[]',
    "reviewedBy" TEXT NOT NULL,
    "reviewedAt" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false
);

-- CreateIndex
CREATE UNIQUE INDEX "Question_sourceKey_key" ON "Question"("sourceKey");

-- CreateIndex
CREATE INDEX "Question_status_createdAt_idx" ON "Question"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Question_contactId_idx" ON "Question"("contactId");

