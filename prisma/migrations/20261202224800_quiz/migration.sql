-- CreateTable
CREATE TABLE "QuizQuestion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL DEFAULT 1,
    "position" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "questionJson" TEXT NOT NULL,
    "choicesJson" TEXT NOT NULL,
    "correct" INTEGER NOT NULL,
    "explanationJson" TEXT NOT NULL,
    "legal" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT,
    "reviewedBy" TEXT NOT NULL,
    "reviewedAt" TEXT NOT NULL,
    "approvedById" TEXT,
    "approvedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "QuizAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT NOT NULL,
    "round" TEXT NOT NULL,
    "communeCode" TEXT,
    "adminDataVersion" TEXT,
    "questionIdsJson" TEXT NOT NULL,
    "answersJson" TEXT NOT NULL DEFAULT '[]',
    "score" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "QuizQuestion_position_idx" ON "QuizQuestion"("position");

-- CreateIndex
CREATE INDEX "QuizAttempt_round_communeCode_idx" ON "QuizAttempt"("round", "communeCode");

-- CreateIndex
CREATE INDEX "QuizAttempt_startedAt_idx" ON "QuizAttempt"("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "QuizAttempt_contactId_round_key" ON "QuizAttempt"("contactId", "round");

