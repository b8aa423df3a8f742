// Prometheus' text exposition format (0.0.4), written by hand: the agent serves its local
// endpoint with it (it carries no prom-client), and the portal the org's series. Pure.
// Names are checked (a bad one is a programming error and throws); label values are
// escaped as the format says; a family's second sample with the same label set is dropped,
// since a scrape with duplicate series is refused by Prometheus.

export type MetricType = "gauge" | "counter";
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels?: Labels;
  value: number | bigint;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: readonly Sample[];
}

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the format wants it: backslash, quote and newline escaped. */
export const escapeLabel = (v: string) =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export const formatValue = (v: number | bigint) =>
  typeof v === "bigint"
    ? v.toString()
    : Number.isNaN(v)
      ? "NaN"
      : v === Infinity
        ? "+Inf"
        : v === -Infinity
          ? "-Inf"
          : String(v);

function labelText(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return "";
  for (const [k] of entries)
    if (!LABEL_NAME.test(k) || k.startsWith("__")) throw new Error(`bad label name: ${k}`);
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

/** One sample line: `name{a="x"} 1`. */
export function sampleLine(name: string, labels: Labels | undefined, value: number | bigint) {
  if (!METRIC_NAME.test(name)) throw new Error(`bad metric name: ${name}`);
  return `${name}${labelText(labels)} ${formatValue(value)}`;
}

/** The document: HELP and TYPE of every family (with or without samples), then its samples. */
export function exposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  const names = new Set<string>();
  for (const f of families) {
    if (names.has(f.name)) throw new Error(`metric family ${f.name} written twice`);
    names.add(f.name);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    const seen = new Set<string>();
    for (const s of f.samples) {
      const line = sampleLine(f.name, s.labels, s.value);
      const key = line.slice(0, line.lastIndexOf(" "));
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(line);
    }
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
