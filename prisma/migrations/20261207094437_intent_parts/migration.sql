-- AlterTable
ALTER TABLE "intent_snapshots" ADD COLUMN     "parts" JSONB,
ALTER COLUMN "intent" DROP NOT NULL;

-- CreateTable
CREATE TABLE "intent_parts" (
    "orgId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "section" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "intent_parts_pkey" PRIMARY KEY ("orgId","hash")
);

-- CreateIndex
CREATE INDEX "intent_snapshots_orgId_createdAt_idx" ON "intent_snapshots"("orgId", "createdAt");

-- AddForeignKey
ALTER TABLE "intent_parts" ADD CONSTRAINT "intent_parts_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Row-level security: an org's intent parts are its own, like its snapshots.
ALTER TABLE "intent_parts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "intent_parts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "intent_parts" USING ("orgId" = app_current_org()) WITH CHECK ("orgId" = app_current_org());
