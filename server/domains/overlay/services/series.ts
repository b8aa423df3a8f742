// A path's measurements over time (charts) and the incident timeline (path events).
import { Prisma, type Tx } from "../../../platform/db/client";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import { requireSite } from "../../sites";
import type { SampleValues } from "./state";
import type { IncidentView, PathSeriesView } from "./views";

/** A chart needs no more; longer windows are averaged into buckets by the database. */
export const MAX_POINTS = 1000;

/** The site's own measurements of the path (its boxes' end), oldest first. */
export async function pathSeries(
  tx: Tx,
  orgId: string,
  siteId: string,
  pathId: string,
  minutes: number,
): Promise<PathSeriesView> {
  await requireSite(tx, orgId, siteId);
  const where = Prisma.sql`"orgId" = ${orgId} AND "siteId" = ${siteId} AND "pathId" = ${pathId}
    AND at > now() - ${minutes}::int * interval '1 minute'`;
  const [count] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM path_samples WHERE ${where}`;
  // Buckets of at least window / (MAX_POINTS - 1) touch at most MAX_POINTS of them.
  const bucket = Math.ceil((minutes * 60) / (MAX_POINTS - 1));
  const rows =
    (count?.n ?? 0) <= MAX_POINTS
      ? await tx.$queryRaw<SampleValues[]>`
          SELECT at, up, "latencyMs", "jitterMs", "lossPct", mos
          FROM path_samples WHERE ${where} ORDER BY at, id`
      : await tx.$queryRaw<SampleValues[]>`
          SELECT to_timestamp(floor(extract(epoch FROM at) / ${bucket}::int) * ${bucket}::int) AS at,
            bool_and(up) AS up, avg("latencyMs") AS "latencyMs", avg("jitterMs") AS "jitterMs",
            avg("lossPct") AS "lossPct", avg(mos) AS mos
          FROM path_samples WHERE ${where} GROUP BY 1 ORDER BY 1`;
  return {
    pathId,
    points: rows.map((r) => ({
      at: r.at.toISOString(),
      latencyMs: num(r.latencyMs),
      jitterMs: num(r.jitterMs),
      lossPct: num(r.lossPct),
      mos: num(r.mos),
      up: r.up,
    })),
  };
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** One page of the org's path events (newest first unless asked otherwise). */
export async function listIncidents(
  tx: Tx,
  orgId: string,
  q: PageQuery & { siteId?: string; kind?: string },
): Promise<{ items: IncidentView[]; next: string | null; total?: number }> {
  if (q.siteId) await requireSite(tx, orgId, q.siteId);
  const { where: past, ...args } = keysetArgs(q);
  const matching = {
    orgId,
    ...(q.siteId ? { siteId: q.siteId } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
  };
  const events = await tx.pathEvent.findMany({ where: { ...matching, ...past }, ...args });
  const total = await tx.pathEvent.count({ where: matching });
  const ids = (f: (e: (typeof events)[number]) => string | null) => [
    ...new Set(events.map(f).filter((x): x is string => !!x)),
  ];
  const [sites, devices] = await Promise.all([
    tx.site.findMany({
      where: { orgId, id: { in: ids((e) => e.remoteSiteId) } },
      select: { id: true, name: true },
    }),
    tx.device.findMany({
      where: { orgId, id: { in: ids((e) => e.deviceId) } },
      select: { id: true, hostname: true },
    }),
  ]);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const hostname = new Map(devices.map((d) => [d.id, d.hostname]));
  return pageOf(
    events,
    q,
    (e) => ({
      id: e.id,
      at: e.at.toISOString(),
      kind: e.kind,
      unitName: e.unitName,
      remoteSite: e.remoteSiteId
        ? { id: e.remoteSiteId, name: siteName.get(e.remoteSiteId) ?? "deleted site" }
        : null,
      fromPath: e.fromPath,
      toPath: e.toPath,
      reason: e.reason,
      device: { id: e.deviceId, hostname: hostname.get(e.deviceId) ?? "deleted device" },
    }),
    total,
  );
}
