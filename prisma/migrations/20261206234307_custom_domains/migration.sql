-- CreateEnum
CREATE TYPE "CustomDomainStatus" AS ENUM ('pending', 'verified', 'failed');

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "host" TEXT;

-- CreateTable
CREATE TABLE "custom_domains" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "verificationToken" TEXT NOT NULL,
    "status" "CustomDomainStatus" NOT NULL DEFAULT 'pending',
    "verifiedAt" TIMESTAMP(3),
    "lastCheckedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "custom_domains_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "embed_settings" (
    "orgId" TEXT NOT NULL,
    "origins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "keyVersion" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "embed_settings_pkey" PRIMARY KEY ("orgId")
);

-- CreateIndex
CREATE UNIQUE INDEX "custom_domains_hostname_key" ON "custom_domains"("hostname");

-- CreateIndex
CREATE INDEX "custom_domains_orgId_idx" ON "custom_domains"("orgId");

-- CreateIndex
CREATE INDEX "custom_domains_status_lastCheckedAt_idx" ON "custom_domains"("status", "lastCheckedAt");

-- AddForeignKey
ALTER TABLE "custom_domains" ADD CONSTRAINT "custom_domains_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "embed_settings" ADD CONSTRAINT "embed_settings_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security (same rule as the init migration).
ALTER TABLE "custom_domains" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "custom_domains" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "custom_domains"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

-- Which org a request's host belongs to is known before any org is (the host is all a
-- request says), and the re-verification sweep walks every org's verified domains: both
-- read through this one read-only policy (app.domain_directory), never write through it.
CREATE FUNCTION app_domain_directory() RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.domain_directory', true), '') = 'on' $$;
CREATE POLICY domain_directory_read ON "custom_domains" FOR SELECT
  USING (app_domain_directory());

ALTER TABLE "embed_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "embed_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "embed_settings"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
