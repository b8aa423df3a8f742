// The org's Prometheus endpoint (GET /api/v1/orgs/{org}/metrics): the latest raw point of
// each of its series from the last five minutes, in the text exposition format (0.0.4),
// with the current site and device names as labels. A series without a recent point is
// left out, as Prometheus marks a series stale when a scrape no longer has it.
import { escapeLabel, formatValue as num } from "../../../../protocol";
import type { Tx } from "../../../platform/db/client";
import { METRICS, type MetricName } from "../../../platform/series/catalog";

/** Points older than this are not "the latest value" any more. */
export const STALE_AFTER_SECONDS = 300;

interface Row {
  kind: string;
  objectId: string;
  siteId: string;
  deviceId: string;
  metric: string;
  labels: string;
  value: number;
  siteName: string | null;
  hostname: string | null;
}

const OBJECT_LABEL: Record<string, string> = { path: "path", class: "class" };

function labelsOf(r: Row, withDevice: boolean) {
  const out: [string, string][] = [];
  if (OBJECT_LABEL[r.kind]) out.push([OBJECT_LABEL[r.kind] as string, r.objectId]);
  if (withDevice) out.push(["device", r.deviceId], ["device_name", r.hostname ?? ""]);
  out.push(["site", r.siteId], ["site_name", r.siteName ?? ""]);
  for (const [k, v] of Object.entries(JSON.parse(r.labels) as Record<string, string>))
    out.push([k, v]);
  return out;
}

const line = (name: string, labels: [string, string][], value: number) =>
  `${name}{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}} ${num(value)}`;

/** The exposition text of the org's series (an empty document when none is recent). */
export async function orgMetricsText(tx: Tx, orgId: string): Promise<string> {
  const rows = await tx.$queryRaw<Row[]>`
    SELECT s.kind, s."objectId", s."siteId", s."deviceId", s.metric, s.labels, p.value,
           st.name AS "siteName", d.hostname
    FROM series s
    JOIN LATERAL (
      SELECT value FROM series_points x
      WHERE x."seriesId" = s.id AND x."orgId" = ${orgId}
        AND x.ts > now() - make_interval(secs => ${STALE_AFTER_SECONDS})
      ORDER BY x.ts DESC LIMIT 1
    ) p ON true
    LEFT JOIN sites st ON st.id = s."siteId" AND st."orgId" = ${orgId}
    LEFT JOIN devices d ON d.id = s."deviceId" AND d."orgId" = ${orgId}
    WHERE s."orgId" = ${orgId}
    ORDER BY s.metric, s."siteId", s."deviceId", s."objectId", s.labels`;
  const out: string[] = [];
  for (const [metric, def] of Object.entries(METRICS) as [
    MetricName,
    (typeof METRICS)[MetricName],
  ][]) {
    const mine = rows.filter((r) => r.metric === metric);
    if (mine.length === 0) continue;
    const scale = "scale" in def ? def.scale : 1;
    out.push(`# HELP ${def.prom} ${def.help}`, `# TYPE ${def.prom} gauge`);
    for (const r of mine) out.push(line(def.prom, labelsOf(r, true), r.value * scale));
    // A site's rate: the sum of its devices' (per label set, e.g. per drop reason).
    if (def.kind !== "device" || def.combine !== "sum") continue;
    const sites = new Map<string, { labels: [string, string][]; value: number }>();
    for (const r of mine) {
      const labels = labelsOf(r, false);
      const key = JSON.stringify(labels);
      const sum = sites.get(key) ?? { labels, value: 0 };
      sum.value += r.value * scale;
      sites.set(key, sum);
    }
    const name = def.prom.replace(/^patronus_device_/, "patronus_site_");
    out.push(`# HELP ${name} ${def.help}, summed over the site's devices`, `# TYPE ${name} gauge`);
    for (const s of sites.values()) out.push(line(name, s.labels, s.value));
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
