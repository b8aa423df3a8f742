-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "stagedHash" TEXT,
ADD COLUMN     "stagedRevision" INTEGER;

