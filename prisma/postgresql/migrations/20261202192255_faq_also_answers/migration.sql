-- AlterTable
ALTER TABLE "FaqEntry" ADD COLUMN     "alsoAnswersJson" TEXT NOT NULL DEFAULT '[]';

