-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN "identityStep" TEXT;

