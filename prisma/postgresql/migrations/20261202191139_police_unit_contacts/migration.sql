-- AlterTable
ALTER TABLE "PoliceUnit" ADD COLUMN     "address" TEXT,
ADD COLUMN     "contactSample" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "hours" TEXT;

