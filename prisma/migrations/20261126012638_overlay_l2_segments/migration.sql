-- CreateTable
CREATE TABLE "l2_segments" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vni" INTEGER NOT NULL,
    "members" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "l2_segments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "l2_segments_orgId_name_key" ON "l2_segments"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "l2_segments_orgId_vni_key" ON "l2_segments"("orgId", "vni");

-- AddForeignKey
ALTER TABLE "l2_segments" ADD CONSTRAINT "l2_segments_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Row-level security: segments are tenant-scoped like the rest of the overlay intent.
ALTER TABLE "l2_segments" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "l2_segments" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "l2_segments"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
