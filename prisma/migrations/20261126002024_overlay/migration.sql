-- AlterTable
ALTER TABLE "sites" ADD COLUMN     "prefixes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'edge';

-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "overlayPublicKey" TEXT,
ADD COLUMN     "overlayStatus" JSONB,
ADD COLUMN     "overlayStatusAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "wan_links" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "interface" TEXT NOT NULL,
    "gateway" TEXT,
    "publicAddress" TEXT,
    "cost" INTEGER NOT NULL DEFAULT 10,
    "upMbps" INTEGER NOT NULL DEFAULT 100,
    "downMbps" INTEGER NOT NULL DEFAULT 100,
    "metered" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "wan_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "overlay_settings" (
    "orgId" TEXT NOT NULL,
    "topology" TEXT NOT NULL DEFAULT 'full_mesh',
    "sitePairs" JSONB NOT NULL DEFAULT '[]',
    "probeIntervalMs" INTEGER NOT NULL DEFAULT 100,
    "holdDownSeconds" INTEGER NOT NULL DEFAULT 30,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "overlay_settings_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "sla_classes" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "maxLatencyMs" INTEGER NOT NULL,
    "maxJitterMs" INTEGER NOT NULL,
    "maxLossPct" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sla_classes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_classes" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "dscp" INTEGER,
    "match" JSONB NOT NULL DEFAULT '[]',
    "slaClassId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_classes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_groups" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefixes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "user_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "steering_policies" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "siteId" TEXT,
    "appClassId" TEXT,
    "userGroupId" TEXT,
    "srcPrefixes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "preferred" JSONB NOT NULL DEFAULT '[]',
    "slaClassId" TEXT,
    "onViolation" TEXT NOT NULL DEFAULT 'best_effort',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "steering_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "path_events" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "unitName" TEXT NOT NULL,
    "remoteSiteId" TEXT,
    "fromPath" TEXT,
    "toPath" TEXT,
    "reason" TEXT NOT NULL,
    "metrics" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "path_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "path_samples" (
    "id" BIGSERIAL NOT NULL,
    "orgId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "pathId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "up" BOOLEAN NOT NULL,
    "latencyMs" DOUBLE PRECISION,
    "jitterMs" DOUBLE PRECISION,
    "lossPct" DOUBLE PRECISION,
    "mos" DOUBLE PRECISION,

    CONSTRAINT "path_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "wan_links_orgId_idx" ON "wan_links"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "wan_links_siteId_name_key" ON "wan_links"("siteId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "sla_classes_orgId_name_key" ON "sla_classes"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "app_classes_orgId_name_key" ON "app_classes"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "app_classes_orgId_number_key" ON "app_classes"("orgId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "user_groups_orgId_name_key" ON "user_groups"("orgId", "name");

-- CreateIndex
CREATE INDEX "steering_policies_orgId_priority_idx" ON "steering_policies"("orgId", "priority");

-- CreateIndex
CREATE UNIQUE INDEX "steering_policies_orgId_name_key" ON "steering_policies"("orgId", "name");

-- CreateIndex
CREATE INDEX "path_events_orgId_siteId_at_idx" ON "path_events"("orgId", "siteId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "path_events_deviceId_eventId_key" ON "path_events"("deviceId", "eventId");

-- CreateIndex
CREATE INDEX "path_samples_orgId_pathId_at_idx" ON "path_samples"("orgId", "pathId", "at");

-- CreateIndex
CREATE INDEX "path_samples_orgId_siteId_at_idx" ON "path_samples"("orgId", "siteId", "at");

-- AddForeignKey
ALTER TABLE "wan_links" ADD CONSTRAINT "wan_links_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wan_links" ADD CONSTRAINT "wan_links_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "overlay_settings" ADD CONSTRAINT "overlay_settings_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sla_classes" ADD CONSTRAINT "sla_classes_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_classes" ADD CONSTRAINT "app_classes_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_classes" ADD CONSTRAINT "app_classes_slaClassId_fkey" FOREIGN KEY ("slaClassId") REFERENCES "sla_classes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_groups" ADD CONSTRAINT "user_groups_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "steering_policies" ADD CONSTRAINT "steering_policies_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "steering_policies" ADD CONSTRAINT "steering_policies_appClassId_fkey" FOREIGN KEY ("appClassId") REFERENCES "app_classes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "steering_policies" ADD CONSTRAINT "steering_policies_userGroupId_fkey" FOREIGN KEY ("userGroupId") REFERENCES "user_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "steering_policies" ADD CONSTRAINT "steering_policies_slaClassId_fkey" FOREIGN KEY ("slaClassId") REFERENCES "sla_classes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "path_events" ADD CONSTRAINT "path_events_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "path_events" ADD CONSTRAINT "path_events_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "path_samples" ADD CONSTRAINT "path_samples_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Row-level security: every overlay table is tenant-scoped.
ALTER TABLE "wan_links" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "wan_links" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "wan_links"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "overlay_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "overlay_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "overlay_settings"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "sla_classes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sla_classes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "sla_classes"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "app_classes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "app_classes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "app_classes"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "user_groups" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_groups" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "user_groups"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "steering_policies" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "steering_policies" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "steering_policies"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "path_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "path_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "path_events"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "path_samples" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "path_samples" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "path_samples"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

