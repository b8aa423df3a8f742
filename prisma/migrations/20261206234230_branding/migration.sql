-- AlterTable
ALTER TABLE "mail_outbox" ADD COLUMN     "fromName" TEXT;

-- CreateTable
CREATE TABLE "brands" (
    "orgId" TEXT NOT NULL,
    "productName" TEXT,
    "primaryColor" TEXT,
    "accentColor" TEXT,
    "logoLightAssetId" TEXT,
    "logoDarkAssetId" TEXT,
    "faviconAssetId" TEXT,
    "supportUrl" TEXT,
    "supportEmail" TEXT,
    "signInText" TEXT,
    "emailSenderName" TEXT,
    "hidePoweredBy" BOOLEAN,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "brands_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "email_templates" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "email_templates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "email_templates_orgId_kind_key" ON "email_templates"("orgId", "kind");

-- AddForeignKey
ALTER TABLE "brands" ADD CONSTRAINT "brands_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email_templates" ADD CONSTRAINT "email_templates_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "brands" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "brands" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "brands"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "email_templates" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "email_templates" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "email_templates"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

-- A customer org shows its MSP's brand and mail texts where it has none of its own, so a
-- transaction scoped to the customer may read (never write) its parent's rows: what its
-- people see anyway. Nothing else of the parent becomes visible.
CREATE FUNCTION app_current_org_parent() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT "parentId" FROM organizations WHERE id = app_current_org() $$;
CREATE POLICY parent_brand_read ON "brands" FOR SELECT
  USING ("orgId" = app_current_org_parent());
CREATE POLICY parent_template_read ON "email_templates" FOR SELECT
  USING ("orgId" = app_current_org_parent());
