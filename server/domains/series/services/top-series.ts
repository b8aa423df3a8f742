// "Top talkers": the org's sites, devices or application classes (optionally of one site)
// with the most WAN traffic in a window, from the tenant time series' rollups. Each step's
// average rate times the step's length is the traffic of that step, so the rollups must be
// no finer than the agents report (every ~30 s): minutes, or hours for long windows.
import type { Tx } from "../../../platform/db/client";
import { Prisma } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import type { MetricName } from "../../../platform/series/catalog";
import type { SeriesTopQuery, SeriesTopResult } from "../schemas";
import { seriesWindow } from "./read-series";

type By = SeriesTopQuery["by"];

/** The column of `series` that names the ranked object, and its pair of rates. */
const RANKED: Record<By, { column: Prisma.Sql; rx: MetricName; tx: MetricName }> = {
  site: { column: Prisma.raw(`"siteId"`), rx: "rx_bits_per_second", tx: "tx_bits_per_second" },
  device: { column: Prisma.raw(`"deviceId"`), rx: "rx_bits_per_second", tx: "tx_bits_per_second" },
  class: {
    column: Prisma.raw(`"objectId"`),
    rx: "class_rx_bits_per_second",
    tx: "class_tx_bits_per_second",
  },
};

async function namesOf(tx: Tx, orgId: string, by: By, ids: string[]) {
  if (by === "class") return new Map(ids.map((id) => [id, id]));
  const rows =
    by === "site"
      ? await tx.site.findMany({
          where: { orgId, id: { in: ids } },
          select: { id: true, name: true },
        })
      : (
          await tx.device.findMany({
            where: { orgId, id: { in: ids } },
            select: { id: true, hostname: true },
          })
        ).map((d) => ({ id: d.id, name: d.hostname }));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function readTop(
  tx: Tx,
  orgId: string,
  q: Omit<SeriesTopQuery, "orgSlug">,
  now = new Date(),
): Promise<SeriesTopResult> {
  const w = await seriesWindow(tx, orgId, q, now, "1m");
  if (q.siteId) {
    const site = await tx.site.findFirst({ where: { orgId, id: q.siteId }, select: { id: true } });
    if (!site) throw new AppError("NOT_FOUND", "No such site in this organization");
  }
  const { column, rx, tx: txMetric } = RANKED[q.by];
  // Per series and step (one rollup row each): its average rate.
  const steps = Prisma.sql`
    s AS (
      SELECT id, ${column} AS obj, metric = ${rx} AS is_rx FROM series
      WHERE "orgId" = ${orgId} AND metric IN (${rx}, ${txMetric})
        ${q.siteId ? Prisma.sql`AND "siteId" = ${q.siteId}` : Prisma.empty}
    ), b AS (
      SELECT s.obj, s.is_rx, x.ts AS at, x.sum / x.count AS avg
      FROM ${w.table} x JOIN s ON s.id = x."seriesId"
      WHERE x."orgId" = ${orgId} AND x.ts >= ${w.from}::timestamptz AND x.ts < ${w.to}::timestamptz
    )`;
  const totals = await tx.$queryRaw<{ obj: string; rx: number; tx: number }[]>`
    WITH ${steps}, t AS (
      SELECT obj, ${w.stepSeconds}::float8 * coalesce(sum(avg) FILTER (WHERE is_rx), 0) AS rx,
             ${w.stepSeconds}::float8 * coalesce(sum(avg) FILTER (WHERE NOT is_rx), 0) AS tx
      FROM b GROUP BY obj
    )
    SELECT obj, rx, tx FROM t ORDER BY rx + tx DESC, obj LIMIT ${q.limit}`;
  const ids = totals.map((t) => t.obj);
  const points = new Map<string, SeriesTopResult["items"][number]["points"]>();
  if (q.view === "points" && ids.length > 0) {
    // Rates add up across the object's series (a site's devices) per step.
    const rows = await tx.$queryRaw<{ obj: string; at: Date; rx: number; tx: number }[]>`
      WITH ${steps}
      SELECT obj, at, coalesce(sum(avg) FILTER (WHERE is_rx), 0) AS rx,
             coalesce(sum(avg) FILTER (WHERE NOT is_rx), 0) AS tx
      FROM b WHERE obj = ANY(${ids}::text[]) GROUP BY obj, at ORDER BY obj, at`;
    for (const r of rows) {
      const list = points.get(r.obj) ?? [];
      list.push({ at: r.at, rx: r.rx, tx: r.tx });
      points.set(r.obj, list);
    }
  }
  const names = await namesOf(tx, orgId, q.by, ids);
  return {
    by: q.by,
    resolution: w.resolution,
    stepSeconds: w.stepSeconds,
    from: w.from,
    to: w.to,
    items: totals.map((t) => ({
      id: t.obj,
      name: names.get(t.obj) ?? t.obj,
      rxBits: t.rx,
      txBits: t.tx,
      points: points.get(t.obj) ?? [],
    })),
  };
}
