-- AlterTable
ALTER TABLE "Officer" ADD COLUMN "testContactId" TEXT;
ALTER TABLE "Officer" ADD COLUMN "testLinkCodeExpires" DATETIME;
ALTER TABLE "Officer" ADD COLUMN "testLinkCodeHash" TEXT;

