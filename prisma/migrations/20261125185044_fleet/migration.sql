-- CreateEnum
CREATE TYPE "DeviceStatus" AS ENUM ('pending', 'active', 'rejected', 'revoked');

-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('canary', 'rolling', 'completed', 'halted', 'superseded');

-- CreateTable
CREATE TABLE "fleet_cas" (
    "orgId" TEXT NOT NULL,
    "certPem" TEXT NOT NULL,
    "keyEnc" TEXT NOT NULL,
    "crlNumber" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "fleet_cas_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "fleet_trust" (
    "orgId" TEXT NOT NULL,
    "certPem" TEXT NOT NULL,
    "crlPem" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "fleet_trust_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "fleet_revisions" (
    "orgId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "compiled" INTEGER NOT NULL DEFAULT 0,
    "canaryPercent" INTEGER NOT NULL DEFAULT 10,
    "failureThreshold" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "fleet_revisions_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "intent_snapshots" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "intent" JSONB NOT NULL,
    "actorId" TEXT,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "intent_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sites" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "settings" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollment_tokens" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "maxUses" INTEGER NOT NULL,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "autoApprove" BOOLEAN NOT NULL DEFAULT true,
    "tags" TEXT[],
    "createdById" TEXT,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "enrollment_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "status" "DeviceStatus" NOT NULL,
    "tags" TEXT[],
    "agentVersion" TEXT,
    "tokenId" TEXT,
    "pollTokenHash" TEXT,
    "pendingCsr" TEXT,
    "certSerial" TEXT,
    "certNotAfter" TIMESTAMP(3),
    "desiredRevision" INTEGER NOT NULL DEFAULT 0,
    "desiredHash" TEXT,
    "reportedRevision" INTEGER NOT NULL DEFAULT 0,
    "reportedHash" TEXT,
    "attemptedRevision" INTEGER,
    "applyStatus" TEXT,
    "lastError" TEXT,
    "appliedAt" TIMESTAMP(3),
    "online" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" TIMESTAMP(3),
    "approvedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_certificates" (
    "serial" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "pem" TEXT NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "notAfter" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_certificates_pkey" PRIMARY KEY ("serial")
);

-- CreateTable
CREATE TABLE "policy_rules" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT,
    "priority" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "src" TEXT NOT NULL,
    "dst" TEXT NOT NULL,
    "proto" TEXT NOT NULL,
    "portLo" INTEGER,
    "portHi" INTEGER,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "policy_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "port_forwards" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "proto" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "toAddr" TEXT NOT NULL,
    "toPort" INTEGER NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "port_forwards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lb_services" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vip" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "proto" TEXT NOT NULL,
    "backends" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lb_services_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollouts" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "status" "RolloutStatus" NOT NULL,
    "deviceIds" TEXT[],
    "canaryIds" TEXT[],
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "failureThreshold" INTEGER NOT NULL,
    "haltReason" TEXT,
    "isRollback" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "intent_snapshots_orgId_revision_key" ON "intent_snapshots"("orgId", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "sites_orgId_name_key" ON "sites"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "enrollment_tokens_tokenHash_key" ON "enrollment_tokens"("tokenHash");

-- CreateIndex
CREATE INDEX "enrollment_tokens_orgId_siteId_idx" ON "enrollment_tokens"("orgId", "siteId");

-- CreateIndex
CREATE INDEX "devices_orgId_siteId_idx" ON "devices"("orgId", "siteId");

-- CreateIndex
CREATE INDEX "device_certificates_orgId_revokedAt_idx" ON "device_certificates"("orgId", "revokedAt");

-- CreateIndex
CREATE INDEX "device_certificates_deviceId_idx" ON "device_certificates"("deviceId");

-- CreateIndex
CREATE INDEX "policy_rules_orgId_priority_idx" ON "policy_rules"("orgId", "priority");

-- CreateIndex
CREATE INDEX "port_forwards_orgId_idx" ON "port_forwards"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "port_forwards_siteId_proto_port_key" ON "port_forwards"("siteId", "proto", "port");

-- CreateIndex
CREATE INDEX "lb_services_orgId_idx" ON "lb_services"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "lb_services_siteId_vip_port_proto_key" ON "lb_services"("siteId", "vip", "port", "proto");

-- CreateIndex
CREATE INDEX "rollouts_orgId_startedAt_idx" ON "rollouts"("orgId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "rollouts_orgId_revision_key" ON "rollouts"("orgId", "revision");

-- AddForeignKey
ALTER TABLE "fleet_cas" ADD CONSTRAINT "fleet_cas_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet_trust" ADD CONSTRAINT "fleet_trust_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fleet_revisions" ADD CONSTRAINT "fleet_revisions_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "intent_snapshots" ADD CONSTRAINT "intent_snapshots_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sites" ADD CONSTRAINT "sites_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_certificates" ADD CONSTRAINT "device_certificates_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_rules" ADD CONSTRAINT "policy_rules_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "port_forwards" ADD CONSTRAINT "port_forwards_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "port_forwards" ADD CONSTRAINT "port_forwards_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lb_services" ADD CONSTRAINT "lb_services_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lb_services" ADD CONSTRAINT "lb_services_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollouts" ADD CONSTRAINT "rollouts_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- Row-level security for the fleet tables (same rule as the init migration).
-- app.enroll_token_hash is set by the enrollment endpoint: whoever holds an
-- enrollment token may read that token's row, and a pending device may read its
-- own row with the poll secret it was given.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_enroll_token_hash() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.enroll_token_hash', true), '') $$;

ALTER TABLE "enrollment_tokens" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "enrollment_tokens" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "enrollment_tokens"
  USING ("orgId" = app_current_org() OR "tokenHash" = app_enroll_token_hash())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "devices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "devices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "devices"
  USING ("orgId" = app_current_org() OR "pollTokenHash" = app_enroll_token_hash())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "fleet_cas" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "fleet_cas" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "fleet_cas"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "fleet_revisions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "fleet_revisions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "fleet_revisions"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "intent_snapshots" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "intent_snapshots" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "intent_snapshots"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "sites" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sites" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sites"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "device_certificates" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "device_certificates" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "device_certificates"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "policy_rules" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "policy_rules" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "policy_rules"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "port_forwards" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "port_forwards" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "port_forwards"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "lb_services" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "lb_services" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "lb_services"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "rollouts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "rollouts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "rollouts"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
