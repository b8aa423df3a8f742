// What the metrics tests read of deploy/: the Prometheus rules files and the Grafana
// dashboards' queries, and the metric names they use. Two sets ship: the platform's
// (patronus-rules.yml, patronus-platform.json) and the edge agents' (patronus-agent-rules.yml,
// patronus-agents.json); each is checked against the endpoint it is for.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { onPath } from "../../../testkit/skip";

export const DEPLOY = join(import.meta.dirname, "..", "..", "..", "deploy");
export const PROMETHEUS = join(DEPLOY, "prometheus");
export const GRAFANA = join(DEPLOY, "grafana");

export const PLATFORM_RULES = "patronus-rules.yml";
export const AGENT_RULES = "patronus-agent-rules.yml";
export const PLATFORM_DASHBOARD = "patronus-platform.json";
export const AGENTS_DASHBOARD = "patronus-agents.json";

/** The rules files of deploy/prometheus, by file name (their unit tests are not). */
export const rulesFiles = () =>
  readdirSync(PROMETHEUS)
    .filter((f) => f.endsWith(".yml") && !f.endsWith(".test.yml"))
    .sort();
export const rulesPath = (file: string) => join(PROMETHEUS, file);
/** `x.yml`'s promtool unit tests: `x.test.yml`, next to it. */
export const rulesTestPath = (file: string) =>
  join(PROMETHEUS, file.replace(/\.yml$/, ".test.yml"));

/** Grafana's data source variable, as every panel and query names it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's syntax, not a template
export const DATASOURCE_VAR = "${datasource}";

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The rules of one file of deploy/prometheus, in order. */
export function rules(file: string): Rule[] {
  const doc = parse(readFileSync(rulesPath(file), "utf8")) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

export const dashboardFiles = () =>
  readdirSync(GRAFANA)
    .filter((f) => f.endsWith(".json"))
    .sort();

interface JsonPanel {
  type: string;
  title?: string;
  description?: string;
  panels?: JsonPanel[];
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
}

export function dashboardPanels(file: string): JsonPanel[] {
  const d = JSON.parse(readFileSync(join(GRAFANA, file), "utf8")) as { panels?: JsonPanel[] };
  return (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query of the dashboard `file` (of every dashboard without it), with where it is. */
export function dashboardQueries(file?: string): { where: string; expr: string }[] {
  return (file ? [file] : dashboardFiles()).flatMap((file) =>
    dashboardPanels(file).flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `${file}: ${p.title}`, expr: t.expr ?? "" })),
    ),
  );
}

/**
 * A dashboard's query with Grafana's variables replaced, as Prometheus can run it: the rate
 * interval by 1m, the others (`$job`, `${instance}`: regex matchers) by `.*`.
 */
export const concrete = (expr: string) =>
  expr.replaceAll("$__rate_interval", "1m").replace(/\$\{\w+\}|\$\w+/g, ".*");

/**
 * The Patronus metric names an expression reads: raw ones (`patronus_…`) and recorded ones
 * (`route:patronus_…:rate5m`). Label names and values and functions are not metric names:
 * strings and `{…}`/`by (…)` are cut out first.
 */
export function metricNames(expr: string): { raw: string[]; recorded: string[] } {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = [...new Set(bare.match(/[a-zA-Z_:][\w:]*/g) ?? [])];
  return {
    raw: names.filter((n) => n.startsWith("patronus_")),
    recorded: names.filter((n) => n.includes(":")),
  };
}

/** The metric names a scrape's text declares (`# TYPE`), with a histogram's series names. */
export function exposedNames(text: string): Set<string> {
  const exposed = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exposed.add(name as string);
    if (type === "histogram" || type === "summary")
      for (const suffix of ["_bucket", "_count", "_sum"]) exposed.add(`${name}${suffix}`);
  }
  return exposed;
}

/**
 * Each Patronus metric that a rule of `rulesFile` or a query of `dashboardFile` names and
 * `exposed` lacks, as "where: name" (a typo, or a metric of another endpoint).
 */
export function unexposed(
  rulesFile: string,
  dashboardFile: string,
  exposed: ReadonlySet<string>,
): { unknown: string[]; named: number } {
  const named = [
    ...rules(rulesFile).map((r) => ({ where: r.alert ?? r.record, expr: r.expr })),
    ...dashboardQueries(dashboardFile),
  ].flatMap((n) => metricNames(n.expr).raw.map((m) => ({ where: n.where, m })));
  return {
    unknown: named.filter((n) => !exposed.has(n.m)).map((n) => `${n.where}: ${n.m}`),
    named: named.length,
  };
}

/** Runs a test that needs promtool: skips without it, unless root (CI installs it). */
export function promtoolMissing(tool = "promtool"): string | null {
  if (onPath(tool)) return null;
  if (process.getuid?.() === 0)
    throw new Error(`${tool} is missing: run scripts/system-deps.sh (Debian package prometheus)`);
  return `${tool} is not installed (Debian prometheus; scripts/system-deps.sh)`;
}

/** `promtool check metrics` on an exposition text: its exit code and what it said. */
export function promtoolCheckMetrics(text: string): { code: number | null; out: string } {
  const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}
