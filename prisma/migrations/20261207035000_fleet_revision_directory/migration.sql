-- The fleet revision sweep (server/domains/fleet/compile/revision-sweep.ts) finds every org
-- whose revision is ahead of its compile in one read instead of one RLS scope per org (two
-- round trips an org, every 30 s on every replica; at thousands of orgs its transaction ran
-- past Prisma's 5 s). This read-only policy is on only while a transaction sets
-- app.fleet_directory, as the sweep's own does; it never lets a write through.
CREATE FUNCTION app_fleet_directory() RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.fleet_directory', true), '') = 'on' $$;
CREATE POLICY fleet_directory_read ON "fleet_revisions" FOR SELECT
  USING (app_fleet_directory());
