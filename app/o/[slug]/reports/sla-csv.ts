// The SLA report as one CSV table: a `section` column says what each row is (org, site,
// class, path, incident); a class row without a site is over every site of the report.

import type { inferRouterOutputs } from "@trpc/server";
import { CSV_BOM, type CsvValue, csvRow } from "@/app/_lib/csv";
import type { AppRouter } from "@/server/api/root";

type Report = inferRouterOutputs<AppRouter>["report"]["sla"];
type P = { p50: number | null; p95: number | null; p99: number | null };

export const CSV_COLUMNS = [
  "section",
  "site",
  "name",
  "availability_pct",
  "coverage_pct",
  "within_target_pct",
  "latency_p50_ms",
  "latency_p95_ms",
  "latency_p99_ms",
  "jitter_p50_ms",
  "jitter_p95_ms",
  "jitter_p99_ms",
  "loss_p50_pct",
  "loss_p95_pct",
  "loss_p99_pct",
  "minutes",
  "target_latency_ms",
  "target_jitter_ms",
  "target_loss_pct",
  "incidents",
  "incident_minutes",
  "severity",
  "opened",
  "resolved",
] as const;

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], CsvValue>>;
const pcts = (prefix: "latency" | "jitter" | "loss", unit: "ms" | "pct", p: P): Row => ({
  [`${prefix}_p50_${unit}`]: p.p50,
  [`${prefix}_p95_${unit}`]: p.p95,
  [`${prefix}_p99_${unit}`]: p.p99,
});

function classRow(site: string, c: Report["classes"][number]): Row {
  return {
    section: "class",
    site,
    name: c.name,
    within_target_pct: c.compliancePct,
    ...pcts("latency", "ms", c.latencyMs),
    ...pcts("jitter", "ms", c.jitterMs),
    ...pcts("loss", "pct", c.lossPct),
    minutes: c.minutes,
    target_latency_ms: c.maxLatencyMs,
    target_jitter_ms: c.maxJitterMs,
    target_loss_pct: c.maxLossPct,
  };
}

export function slaCsv(r: Report): string {
  const s = r.summary;
  const rows: Row[] = [
    {
      section: "org",
      name: r.org.name,
      availability_pct: s.availabilityPct,
      within_target_pct: s.compliancePct,
      incidents: s.incidents,
      incident_minutes: s.incidentMinutes,
    },
    ...r.classes.map((c) => classRow("", c)),
  ];
  for (const site of r.sites) {
    rows.push({
      section: "site",
      site: site.name,
      name: site.name,
      availability_pct: site.availabilityPct,
      coverage_pct: site.coveragePct,
      minutes: site.measuredMinutes,
      incidents: site.incidents,
      incident_minutes: site.incidentMinutes,
    });
    rows.push(...site.classes.map((c) => classRow(site.name, c)));
    for (const p of site.paths)
      rows.push({
        section: "path",
        site: site.name,
        name: p.pathId,
        availability_pct: p.upPct,
        ...pcts("latency", "ms", p.latencyMs),
        ...pcts("jitter", "ms", p.jitterMs),
        ...pcts("loss", "pct", p.lossPct),
        minutes: p.minutes,
      });
  }
  for (const i of r.incidents)
    rows.push({
      section: "incident",
      site: i.siteName ?? "",
      name: `#${i.number} ${i.title}`,
      incident_minutes: i.minutesInPeriod,
      severity: i.severity,
      opened: i.openedAt,
      resolved: i.resolvedAt,
    });
  return (
    CSV_BOM +
    [CSV_COLUMNS, ...rows.map((row) => CSV_COLUMNS.map((c) => row[c]))]
      .map((v) => csvRow([...v]))
      .join("")
  );
}
