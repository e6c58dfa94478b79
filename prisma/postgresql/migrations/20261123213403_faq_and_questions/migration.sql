-- CreateTable
CREATE TABLE "Question" (
    "id" TEXT NOT NULL,
    "contactId" TEXT,
    "channel" TEXT NOT NULL,
    "chatIdEnc" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "textFolded" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),
    "answeredBy" TEXT,
    "answer" TEXT,
    "faqEntryId" TEXT,
    "sourceKey" TEXT NOT NULL,

    CONSTRAINT "Question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FaqEntry" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "tagsJson" TEXT NOT NULL DEFAULT '[]',
    "questionsJson" TEXT NOT NULL,
    "answersJson" TEXT NOT NULL,
    "linksJson" TEXT NOT NULL DEFAULT '[]',
    "reviewedBy" TEXT NOT NULL,
    "reviewedAt" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "FaqEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Question_sourceKey_key" ON "Question"("sourceKey");

-- CreateIndex
CREATE INDEX "Question_status_createdAt_idx" ON "Question"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Question_contactId_idx" ON "Question"("contactId");

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

