-- AlterTable
ALTER TABLE "Tip" ADD COLUMN "occurredFrom" DATETIME;
ALTER TABLE "Tip" ADD COLUMN "occurredTo" DATETIME;

