-- AlterTable
ALTER TABLE "Officer" ADD COLUMN     "testContactId" TEXT,
ADD COLUMN     "testLinkCodeExpires" TIMESTAMP(3),
ADD COLUMN     "testLinkCodeHash" TEXT;

