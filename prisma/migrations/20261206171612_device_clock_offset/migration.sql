-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "clockCheckedAt" TIMESTAMP(3),
ADD COLUMN     "clockOffsetMs" BIGINT;


