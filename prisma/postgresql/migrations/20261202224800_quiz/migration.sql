-- CreateTable
CREATE TABLE "QuizQuestion" (
    "id" TEXT NOT NULL,
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
    "approvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuizQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuizAttempt" (
    "id" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "round" TEXT NOT NULL,
    "communeCode" TEXT,
    "adminDataVersion" TEXT,
    "questionIdsJson" TEXT NOT NULL,
    "answersJson" TEXT NOT NULL DEFAULT '[]',
    "score" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuizAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "QuizQuestion_position_idx" ON "QuizQuestion"("position");

-- CreateIndex
CREATE INDEX "QuizAttempt_round_communeCode_idx" ON "QuizAttempt"("round", "communeCode");

-- CreateIndex
CREATE INDEX "QuizAttempt_startedAt_idx" ON "QuizAttempt"("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "QuizAttempt_contactId_round_key" ON "QuizAttempt"("contactId", "round");

