-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "capabilityVersion" INTEGER,
ADD COLUMN     "missingSections" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sections" TEXT[] DEFAULT ARRAY[]::TEXT[];

