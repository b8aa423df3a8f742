// An org's SLA report for a period (docs/reports.md): per site availability and incident
// time, per path and per SLA class latency/jitter/loss percentiles and compliance against
// the class's targets, and the incidents, from the tenant time series' rollups.
import type { Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { seriesRetentionOf } from "../../billing";
import type {
  ClassFigures,
  Percentiles,
  ReportIncident,
  ReportQuery,
  SiteReport,
  SlaReport,
} from "../schemas";
import {
  type ClassRow,
  classRows,
  pathRows,
  type Resolution,
  STEP_MINUTES,
  siteRows,
  type Window,
} from "./figures-sql";
import { unionMinutes } from "./intervals";
import { periodOf } from "./period";

const DAY = 86_400_000;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const pct = (share: number | null | undefined) => (share == null ? null : r4(share * 100));

function percentilesOf(a: number[] | null): Percentiles {
  const at = (i: number) => (a?.[i] == null ? null : r4(a[i] as number));
  return { p50: at(0), p95: at(1), p99: at(2) };
}

/** Minutes while kept (the org's plan), else hours. */
function resolutionFor(from: Date, now: Date, minuteDays: number): Resolution {
  return from.getTime() >= now.getTime() - minuteDays * DAY ? "1m" : "1h";
}

type SlaClass = {
  id: string;
  name: string;
  maxLatencyMs: number;
  maxJitterMs: number;
  maxLossPct: number;
};

function classFigures(c: SlaClass, row: ClassRow | undefined, step: number): ClassFigures {
  return {
    slaClassId: c.id,
    name: c.name,
    maxLatencyMs: c.maxLatencyMs,
    maxJitterMs: c.maxJitterMs,
    maxLossPct: c.maxLossPct,
    minutes: (row?.steps ?? 0) * step,
    latencyMs: percentilesOf(row?.latency ?? null),
    jitterMs: percentilesOf(row?.jitter ?? null),
    lossPct: percentilesOf(row?.loss ?? null),
    compliancePct: pct(row?.compliant),
    latencyOkPct: pct(row?.latencyOk),
    jitterOkPct: pct(row?.jitterOk),
    lossOkPct: pct(row?.lossOk),
  };
}

export async function slaReport(
  tx: Tx,
  orgId: string,
  q: Omit<ReportQuery, "orgSlug">,
  now = new Date(),
): Promise<SlaReport> {
  const period = periodOf(q, now);
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: orgId },
    select: { name: true, slug: true },
  });
  const sites = await tx.site.findMany({
    where: { orgId, ...(q.siteId ? { id: q.siteId } : {}) },
    select: { id: true, name: true, createdAt: true },
    orderBy: { name: "asc" },
  });
  if (q.siteId && sites.length === 0)
    throw new AppError("NOT_FOUND", "No such site in this organization");
  const resolution = resolutionFor(
    period.from,
    now,
    (await seriesRetentionOf(tx, orgId)).minuteDays,
  );
  const step = STEP_MINUTES[resolution];
  const w: Window = { orgId, siteId: q.siteId, from: period.from, to: period.to, resolution };
  // One after another: a transaction's queries share its connection.
  const paths = await pathRows(tx, w);
  const availability = await siteRows(tx, w);
  const classes = await classRows(tx, w);
  const slaClasses = await tx.slaClass.findMany({
    where: { orgId },
    select: { id: true, name: true, maxLatencyMs: true, maxJitterMs: true, maxLossPct: true },
    orderBy: { name: "asc" },
  });
  const incidentRows = await tx.incident.findMany({
    where: {
      orgId,
      ...(q.siteId ? { siteId: q.siteId } : {}),
      openedAt: { lt: period.to },
      OR: [{ resolvedAt: null }, { resolvedAt: { gt: period.from } }],
    },
    orderBy: { openedAt: "asc" },
  });

  const end = Math.min(period.to.getTime(), now.getTime());
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const spans = incidentRows.map((i) => ({
    siteId: i.siteId,
    from: Math.max(i.openedAt.getTime(), period.from.getTime()),
    to: Math.min(i.resolvedAt?.getTime() ?? end, end),
  }));
  const incidents: ReportIncident[] = incidentRows.map((i, k) => ({
    id: i.id,
    number: i.number,
    title: i.title,
    severity: i.severity,
    status: i.status,
    siteId: i.siteId,
    siteName: i.siteId ? (siteName.get(i.siteId) ?? null) : null,
    openedAt: i.openedAt,
    resolvedAt: i.resolvedAt,
    minutesInPeriod: r4(Math.max(0, (spans[k]!.to - spans[k]!.from) / 60_000)),
  }));

  const classRow = new Map(classes.map((c) => [`${c.siteId ?? ""}/${c.slaClassId}`, c]));
  const siteReports: SiteReport[] = sites.map((s) => {
    const a = availability.find((x) => x.siteId === s.id);
    const measured = (a?.measured ?? 0) * step;
    const expected = Math.max(
      0,
      (end - Math.max(period.from.getTime(), s.createdAt.getTime())) / 60_000,
    );
    const own = spans.filter((x) => x.siteId === s.id);
    return {
      id: s.id,
      name: s.name,
      availabilityPct: a && a.measured > 0 ? pct(a.up / a.measured) : null,
      coveragePct: expected > 0 ? r4(Math.min(100, (measured / expected) * 100)) : null,
      measuredMinutes: measured,
      downMinutes: a ? r4((a.measured - a.up) * step) : 0,
      incidentMinutes: r4(unionMinutes(own)),
      incidents: own.length,
      classes: slaClasses
        .filter((c) => classRow.has(`${s.id}/${c.id}`))
        .map((c) => classFigures(c, classRow.get(`${s.id}/${c.id}`), step)),
      paths: paths
        .filter((p) => p.siteId === s.id)
        .map((p) => ({
          pathId: p.pathId,
          minutes: p.steps * step,
          upPct: pct(p.up),
          latencyMs: percentilesOf(p.latency),
          jitterMs: percentilesOf(p.jitter),
          lossPct: percentilesOf(p.loss),
        })),
    };
  });

  const orgClasses = slaClasses.map((c) => classFigures(c, classRow.get(`/${c.id}`), step));
  const measured = availability.reduce((n, a) => n + a.measured, 0);
  const up = availability.reduce((n, a) => n + a.up, 0);
  const classSteps = classes.filter((c) => c.siteId === null);
  const placed = classSteps.reduce((n, c) => n + c.steps, 0);
  return {
    org,
    period,
    resolution,
    generatedAt: now,
    summary: {
      availabilityPct: measured > 0 ? pct(up / measured) : null,
      compliancePct:
        placed > 0
          ? pct(classSteps.reduce((n, c) => n + (c.compliant ?? 0) * c.steps, 0) / placed)
          : null,
      sites: sites.length,
      incidents: incidents.length,
      incidentMinutes: r4(unionMinutes(spans)),
    },
    classes: orgClasses,
    sites: siteReports,
    incidents,
  };
}
