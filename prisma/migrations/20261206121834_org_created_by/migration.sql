-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "createdById" TEXT;

-- CreateIndex
CREATE INDEX "organizations_createdById_idx" ON "organizations"("createdById");


-- Existing top-level orgs: their first owner created them. (Under a role that row-level
-- security applies to, no membership is visible and older orgs stay uncounted.)
UPDATE "organizations" o SET "createdById" = (
  SELECT m."userId" FROM "memberships" m
  WHERE m."orgId" = o."id" AND m."role" = 'owner'
  ORDER BY m."createdAt" ASC LIMIT 1
) WHERE o."parentId" IS NULL;
