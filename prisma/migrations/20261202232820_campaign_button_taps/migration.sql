-- AlterTable
ALTER TABLE "CampaignDelivery" ADD COLUMN "quizTappedAt" DATETIME;
ALTER TABLE "CampaignDelivery" ADD COLUMN "reportTappedAt" DATETIME;

