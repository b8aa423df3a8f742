-- DropIndex
DROP INDEX "custom_domains_hostname_key";

-- DropIndex
DROP INDEX "custom_domains_orgId_idx";

-- AlterTable
ALTER TABLE "custom_domains" ADD COLUMN     "servedHostname" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "custom_domains_servedHostname_key" ON "custom_domains"("servedHostname");

-- CreateIndex
CREATE INDEX "custom_domains_hostname_idx" ON "custom_domains"("hostname");

-- CreateIndex
CREATE UNIQUE INDEX "custom_domains_orgId_hostname_key" ON "custom_domains"("orgId", "hostname");


-- Domains verified before claims became per org keep serving their org.
UPDATE "custom_domains" SET "servedHostname" = "hostname" WHERE "status" = 'verified';

