// What the metrics tests read of deploy/: the Prometheus rules and the Grafana dashboards'
// queries, and the metric names they use.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { onPath } from "../../../testkit/skip";

export const DEPLOY = join(import.meta.dirname, "..", "..", "..", "deploy");
export const RULES_FILE = join(DEPLOY, "prometheus", "patronus-rules.yml");
export const RULES_TEST_FILE = join(DEPLOY, "prometheus", "patronus-rules.test.yml");
export const GRAFANA = join(DEPLOY, "grafana");

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

export function rules(): Rule[] {
  const doc = parse(readFileSync(RULES_FILE, "utf8")) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

export const dashboardFiles = () =>
  readdirSync(GRAFANA)
    .filter((f) => f.endsWith(".json"))
    .sort();

interface JsonPanel {
  type: string;
  title?: string;
  panels?: JsonPanel[];
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
}

export function dashboardPanels(file: string): JsonPanel[] {
  const d = JSON.parse(readFileSync(join(GRAFANA, file), "utf8")) as { panels?: JsonPanel[] };
  return (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query of every dashboard, with where it is. */
export function dashboardQueries(): { where: string; expr: string }[] {
  return dashboardFiles().flatMap((file) =>
    dashboardPanels(file).flatMap((p) =>
      (p.targets ?? []).map((t) => ({ where: `${file}: ${p.title}`, expr: t.expr ?? "" })),
    ),
  );
}

/** A dashboard's query with Grafana's variables replaced, as Prometheus can run it. */
export const concrete = (expr: string) =>
  expr.replaceAll("$__rate_interval", "1m").replace(/\$\{job\}|\$job\b/g, ".*");

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
