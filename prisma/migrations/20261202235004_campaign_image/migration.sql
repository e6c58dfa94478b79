-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "imageId" TEXT;

