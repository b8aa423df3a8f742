-- Tenant time series (docs/observability.md, "Tenant time series"). Hand-edited after
-- Prisma's diff: the three point tables are partitioned by range on ts (Prisma models them
-- as plain tables; the drift test compares the parents, whose columns, keys and indexes
-- match), and their partitions live in the schema series_parts, which the drift test does
-- not read and the app role cannot use: it reaches points only through the parents, under
-- their row-level security.

-- CreateTable
CREATE TABLE "series" (
    "id" BIGSERIAL NOT NULL,
    "orgId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "siteId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "labels" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "series_points" (
    "orgId" TEXT NOT NULL,
    "seriesId" BIGINT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "series_points_pkey" PRIMARY KEY ("seriesId","ts")
) PARTITION BY RANGE ("ts");

-- CreateTable
CREATE TABLE "series_points_1m" (
    "orgId" TEXT NOT NULL,
    "seriesId" BIGINT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "series_points_1m_pkey" PRIMARY KEY ("seriesId","ts")
) PARTITION BY RANGE ("ts");

-- CreateTable
CREATE TABLE "series_points_1h" (
    "orgId" TEXT NOT NULL,
    "seriesId" BIGINT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "series_points_1h_pkey" PRIMARY KEY ("seriesId","ts")
) PARTITION BY RANGE ("ts");

-- CreateIndex
CREATE INDEX "series_orgId_kind_objectId_metric_idx" ON "series"("orgId", "kind", "objectId", "metric");

-- CreateIndex
CREATE INDEX "series_orgId_siteId_metric_idx" ON "series"("orgId", "siteId", "metric");

-- CreateIndex
CREATE UNIQUE INDEX "series_orgId_deviceId_kind_objectId_metric_labels_key" ON "series"("orgId", "deviceId", "kind", "objectId", "metric", "labels");

-- CreateIndex
CREATE INDEX "series_points_ts_idx" ON "series_points" USING BRIN ("ts");

-- CreateIndex
CREATE INDEX "series_points_1m_ts_idx" ON "series_points_1m" USING BRIN ("ts");

-- CreateIndex
CREATE INDEX "series_points_1h_ts_idx" ON "series_points_1h" USING BRIN ("ts");

-- AddForeignKey
ALTER TABLE "series" ADD CONSTRAINT "series_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Partitions: a DEFAULT partition per table takes points no range partition covers yet (a
-- fresh install before the first series.maintain sweep, a device's queued past); the sweep
-- moves them into the range partition it creates.
CREATE SCHEMA series_parts;
REVOKE ALL ON SCHEMA series_parts FROM PUBLIC;
CREATE TABLE series_parts.series_points_default PARTITION OF "series_points" DEFAULT;
CREATE TABLE series_parts.series_points_1m_default PARTITION OF "series_points_1m" DEFAULT;
CREATE TABLE series_parts.series_points_1h_default PARTITION OF "series_points_1h" DEFAULT;

-- Row-level security, on the parents: a query through a parent applies the parent's
-- policies to every partition it reads (a partition's own policies apply only when it is
-- named directly, which the app role cannot: it has no USAGE on series_parts).
ALTER TABLE "series" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "series" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "series"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

-- The series.maintain sweep rolls raw points up into minutes and hours, and applies
-- retention, for every org in one statement per step (app.series_maintainer, set only by
-- that sweep): it copies each row with its own orgId and never reads the dictionary.
CREATE FUNCTION app_series_maintainer() RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.series_maintainer', true), '') = 'on' $$;

ALTER TABLE "series_points" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "series_points" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "series_points"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
CREATE POLICY series_maintainer ON "series_points"
  USING (app_series_maintainer()) WITH CHECK (app_series_maintainer());

ALTER TABLE "series_points_1m" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "series_points_1m" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "series_points_1m"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
CREATE POLICY series_maintainer ON "series_points_1m"
  USING (app_series_maintainer()) WITH CHECK (app_series_maintainer());

ALTER TABLE "series_points_1h" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "series_points_1h" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "series_points_1h"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
CREATE POLICY series_maintainer ON "series_points_1h"
  USING (app_series_maintainer()) WITH CHECK (app_series_maintainer());

-- Partition upkeep for the app role, which owns no table: SECURITY DEFINER functions that
-- touch only the three series tables. series_add_partition makes [from, to) a partition of
-- the parent, moving what the default partition holds of that range into it first (the
-- default is locked meanwhile, so no insert lands there in between). It builds the table
-- apart and ATTACHes it, which takes a lighter lock on the parent than CREATE ... PARTITION
-- OF, so the ingest keeps writing. Idempotent: false when the partition exists.
CREATE FUNCTION series_check_parent(p_parent text) RETURNS void
  LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_parent NOT IN ('series_points', 'series_points_1m', 'series_points_1h') THEN
    RAISE EXCEPTION 'not a series table: %', p_parent;
  END IF;
END $$;

CREATE FUNCTION series_add_partition(p_parent text, p_from timestamptz, p_to timestamptz)
  RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  v_name text := p_parent || '_p' || to_char(p_from AT TIME ZONE 'UTC', 'YYYYMMDD');
  v_default text := p_parent || '_default';
BEGIN
  PERFORM series_check_parent(p_parent);
  IF p_to <= p_from THEN RAISE EXCEPTION 'empty range'; END IF;
  -- Checked before the lock too, so that the sweep's calls for existing partitions never
  -- make an insert wait.
  IF to_regclass(format('series_parts.%I', v_name)) IS NOT NULL THEN RETURN false; END IF;
  EXECUTE format('LOCK TABLE series_parts.%I IN ACCESS EXCLUSIVE MODE', v_default);
  IF to_regclass(format('series_parts.%I', v_name)) IS NOT NULL THEN RETURN false; END IF;
  EXECUTE format('CREATE TABLE series_parts.%I (LIKE public.%I INCLUDING DEFAULTS)', v_name, p_parent);
  EXECUTE format(
    'WITH moved AS (DELETE FROM series_parts.%I WHERE ts >= $1 AND ts < $2 RETURNING *)
     INSERT INTO series_parts.%I SELECT * FROM moved', v_default, v_name) USING p_from, p_to;
  EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION series_parts.%I FOR VALUES FROM (%L) TO (%L)',
    p_parent, v_name, p_from, p_to);
  RETURN true;
END $$;

-- The range partitions of a series table, oldest first.
CREATE FUNCTION series_partitions(p_parent text)
  RETURNS TABLE (name text, range_from timestamptz, range_to timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  PERFORM series_check_parent(p_parent);
  RETURN QUERY
    SELECT c.relname::text,
      substring(b.bound FROM 'FROM \(''([^'']+)''\)')::timestamptz,
      substring(b.bound FROM 'TO \(''([^'']+)''\)')::timestamptz
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
    WHERE i.inhparent = format('public.%I', p_parent)::regclass AND b.bound <> 'DEFAULT'
    ORDER BY 2;
END $$;

-- Retention: drops the partitions wholly before `p_before` and deletes the default
-- partition's points before it; returns how many partitions went.
CREATE FUNCTION series_drop_partitions(p_parent text, p_before timestamptz)
  RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  r record;
  n integer := 0;
BEGIN
  PERFORM series_check_parent(p_parent);
  FOR r IN SELECT name FROM series_partitions(p_parent) WHERE range_to <= p_before LOOP
    EXECUTE format('DROP TABLE series_parts.%I', r.name);
    n := n + 1;
  END LOOP;
  EXECUTE format('DELETE FROM series_parts.%I WHERE ts < $1', p_parent || '_default') USING p_before;
  RETURN n;
END $$;
