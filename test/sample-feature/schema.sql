-- The sample area's tables, in a schema of their own (made and dropped by its test), with
-- row-level security as every tenant table has.
CREATE SCHEMA sample_area;
CREATE TABLE sample_area.notes (
  id text PRIMARY KEY,
  "orgId" text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  "siteId" text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  text text NOT NULL
);
CREATE TABLE sample_area.reports (
  "orgId" text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  "deviceId" text NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  applied integer NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY ("orgId", "deviceId")
);
ALTER TABLE sample_area.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE sample_area.notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sample_area.notes
  USING ("orgId" = app_current_org()) WITH CHECK ("orgId" = app_current_org());
ALTER TABLE sample_area.reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE sample_area.reports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sample_area.reports
  USING ("orgId" = app_current_org()) WITH CHECK ("orgId" = app_current_org());
GRANT USAGE ON SCHEMA sample_area TO patronus_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA sample_area TO patronus_app;
