// The report as one self-contained HTML page (inline CSS, the logo as a data: URL, nothing
// fetched), in the org's effective brand, for Chromium to print as the PDF. Never served to
// browsers. Every value from the org is escaped.
import { readPublicAsset } from "../../../platform/assets";
import type { EffectiveBrand } from "../../branding";
import type { ClassFigures, Percentiles, SlaReport } from "../schemas";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLOUR = /^#[0-9a-fA-F]{6}$/;
const fmt = (x: number | null, unit = "") => (x == null ? "—" : `${Number(x.toFixed(2))}${unit}`);
const pcts = (p: Percentiles, unit: string) =>
  `<td>${fmt(p.p50, unit)}</td><td>${fmt(p.p95, unit)}</td><td>${fmt(p.p99, unit)}</td>`;
const day = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

/** "November 2026", or the from–to range, in UTC. */
export function periodLabel(p: SlaReport["period"]) {
  if (p.month)
    return p.from.toLocaleString("en", { month: "long", year: "numeric", timeZone: "UTC" });
  return `${day(p.from)} – ${day(p.to)} UTC`;
}

/** The logo's bytes as a data: URL (null: none, or it cannot be read). */
export async function logoDataUrl(brand: EffectiveBrand): Promise<string | null> {
  const id = brand.logoLightUrl?.split("/").pop();
  if (!id) return null;
  const asset = await readPublicAsset(id);
  if (!asset) return null;
  return `data:${asset.contentType};base64,${Buffer.from(asset.bytes).toString("base64")}`;
}

function classTable(classes: ClassFigures[]) {
  if (classes.length === 0)
    return "<p class=muted>No SLA class traffic was placed in this period.</p>";
  const rows = classes.map(
    (
      c,
    ) => `<tr><td>${esc(c.name)}</td><td>${c.maxLatencyMs} ms / ${c.maxJitterMs} ms / ${c.maxLossPct} %</td>
      <td>${fmt(c.compliancePct, " %")}</td>${pcts(c.latencyMs, "")}${pcts(c.jitterMs, "")}${pcts(c.lossPct, "")}<td>${c.minutes}</td></tr>`,
  );
  return `<table><thead><tr><th rowspan=2>SLA class</th><th rowspan=2>Targets (latency / jitter / loss)</th>
    <th rowspan=2>Within target</th><th colspan=3>Latency ms (p50/p95/p99)</th><th colspan=3>Jitter ms</th>
    <th colspan=3>Loss %</th><th rowspan=2>Minutes</th></tr>
    <tr>${"<th>p50</th><th>p95</th><th>p99</th>".repeat(3)}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

export function reportHtml(report: SlaReport, brand: EffectiveBrand, logo: string | null) {
  const primary = COLOUR.test(brand.primaryColor) ? brand.primaryColor : "#1f2937";
  const s = report.summary;
  const title = `${brand.productName} SLA report: ${report.org.name}, ${periodLabel(report.period)}`;
  const sites = report.sites.map(
    (x) => `<section><h3>${esc(x.name)}</h3>
      <p>Availability ${fmt(x.availabilityPct, " %")} · measured ${fmt(x.coveragePct, " %")} of the period ·
      down ${fmt(x.downMinutes)} min · ${x.incidents} incident(s), ${fmt(x.incidentMinutes)} min</p>
      ${classTable(x.classes)}
      ${
        x.paths.length
          ? `<table><thead><tr><th>Path</th><th>Up</th><th>Latency p50</th><th>p95</th><th>p99</th><th>Jitter p50</th><th>p95</th><th>p99</th><th>Loss p50</th><th>p95</th><th>p99</th></tr></thead><tbody>${x.paths
              .map(
                (p) =>
                  `<tr><td class=mono>${esc(p.pathId)}</td><td>${fmt(p.upPct, " %")}</td>${pcts(p.latencyMs, "")}${pcts(p.jitterMs, "")}${pcts(p.lossPct, "")}</tr>`,
              )
              .join("")}</tbody></table>`
          : "<p class=muted>No path measurements in this period.</p>"
      }</section>`,
  );
  const incidents = report.incidents.length
    ? `<table><thead><tr><th>#</th><th>Title</th><th>Site</th><th>Severity</th><th>Opened</th><th>Resolved</th><th>Minutes in period</th></tr></thead><tbody>${report.incidents
        .map(
          (i) =>
            `<tr><td>${i.number}</td><td>${esc(i.title)}</td><td>${esc(i.siteName ?? "—")}</td><td>${esc(i.severity)}</td><td>${day(i.openedAt)}</td><td>${i.resolvedAt ? day(i.resolvedAt) : "open"}</td><td>${fmt(i.minutesInPeriod)}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "<p class=muted>No incidents in this period.</p>";
  return `<!doctype html><html lang=en><head><meta charset=utf-8><title>${esc(title)}</title><style>
body{font:11px/1.4 system-ui,sans-serif;color:#111;margin:0}
header{display:flex;align-items:center;gap:12px;border-bottom:3px solid ${primary};padding-bottom:8px;margin-bottom:12px}
header img{max-height:36px;max-width:160px}h1{font-size:18px;margin:0;color:${primary}}h2{font-size:14px;color:${primary}}
h3{font-size:12px;margin:12px 0 4px}table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{border:1px solid #ccc;padding:2px 4px;text-align:left}th{background:#f3f4f6}.mono{font-family:monospace}
.muted{color:#555}.kpi{display:flex;gap:16px}.kpi div{border:1px solid #ddd;padding:6px 10px}
.kpi b{display:block;font-size:16px;color:${primary}}footer{margin-top:16px;color:#555}
</style></head><body><header>${logo ? `<img src="${logo}" alt="">` : ""}<div><h1>${esc(brand.productName)} SLA report</h1>
<div>${esc(report.org.name)} · ${esc(periodLabel(report.period))}</div></div></header>
<div class=kpi><div>Availability<b>${fmt(s.availabilityPct, " %")}</b></div><div>Within SLA<b>${fmt(s.compliancePct, " %")}</b></div>
<div>Sites<b>${s.sites}</b></div><div>Incidents<b>${s.incidents}</b></div><div>Incident time<b>${fmt(s.incidentMinutes)} min</b></div></div>
<h2>SLA classes</h2>${classTable(report.classes)}<h2>Sites</h2>${sites.join("") || "<p class=muted>No sites.</p>"}
<h2>Incidents</h2>${incidents}
<footer>Generated ${day(report.generatedAt)} UTC from ${report.resolution === "1m" ? "per-minute" : "hourly"} figures.${
    brand.hidePoweredBy ? "" : " Powered by Patronus."
  }</footer></body></html>`;
}
