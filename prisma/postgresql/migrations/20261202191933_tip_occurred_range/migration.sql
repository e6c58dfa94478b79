-- AlterTable
ALTER TABLE "Tip" ADD COLUMN     "occurredFrom" TIMESTAMP(3),
ADD COLUMN     "occurredTo" TIMESTAMP(3);

