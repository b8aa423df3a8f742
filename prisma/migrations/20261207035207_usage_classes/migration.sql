-- AlterTable
ALTER TABLE "device_usage" ADD COLUMN     "classes" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "usage_class_hours" (
    "orgId" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "class" TEXT NOT NULL,
    "rxBytes" BIGINT NOT NULL DEFAULT 0,
    "txBytes" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_class_hours_pkey" PRIMARY KEY ("orgId","hour","class")
);

-- AddForeignKey
ALTER TABLE "usage_class_hours" ADD CONSTRAINT "usage_class_hours_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Row-level security: an org's per-class usage is its own, like usage_hours.
ALTER TABLE "usage_class_hours" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_class_hours" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_class_hours"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
