-- AlterTable
ALTER TABLE "CampaignDelivery" ADD COLUMN     "quizTappedAt" TIMESTAMP(3),
ADD COLUMN     "reportTappedAt" TIMESTAMP(3);

