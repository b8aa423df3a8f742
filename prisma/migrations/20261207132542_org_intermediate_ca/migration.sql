-- AlterTable
ALTER TABLE "fleet_trust" ADD COLUMN     "legacyCertPem" TEXT,
ADD COLUMN     "migratedAt" TIMESTAMP(3);

