-- CreateTable
CREATE TABLE "blobs" (
    "key" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "assets" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "slot" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "assets_orgId_idx" ON "assets"("orgId");

-- AddForeignKey
ALTER TABLE "assets" ADD CONSTRAINT "assets_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "assets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "assets" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "assets"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

-- The public serving route (/assets/<id>, shown on sign-in pages before anyone signs in)
-- reads one asset by its id, whatever its org: like an invitation's token, the random id
-- is the capability. Read only, and only the one row the transaction names; a tenant
-- transaction sets no app.asset_id and so sees only its own org's rows.
CREATE FUNCTION app_asset_id() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.asset_id', true), '') $$;
CREATE POLICY asset_public_read ON "assets" FOR SELECT
  USING (app_asset_id() <> '' AND "id" = app_asset_id());
