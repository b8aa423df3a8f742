// Pure: how series answers become chart rows, figures in words, and incident markers.
// No clock and no I/O here: callers pass `now`.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The windows a chart offers; the server picks each one's resolution (docs/observability.md). */
export const CHART_WINDOWS = {
  "1h": { ms: HOUR, label: "Last hour" },
  "24h": { ms: DAY, label: "Last 24 hours" },
  "7d": { ms: 7 * DAY, label: "Last 7 days" },
  "30d": { ms: 30 * DAY, label: "Last 30 days" },
} as const;
export type ChartWindow = keyof typeof CHART_WINDOWS;

/**
 * The window's [from, to): `to` is now rounded up to the next minute, so a query (and its
 * cache entry) keeps its key for a minute instead of changing on every render.
 */
export function windowRange(w: ChartWindow, nowMs: number) {
  const to = Math.ceil(nowMs / MINUTE) * MINUTE;
  return { from: new Date(to - CHART_WINDOWS[w].ms), to: new Date(to) };
}

export type ChartRow = { t: number } & Record<string, number | null>;

/**
 * Joins lines (one per key, each point at a step's start) into rows by time, oldest first.
 * A key without a value at a time is null there. Where no line reports for longer than
 * three of its usual intervals (and three steps), a row of nulls breaks every line: a gap
 * in reporting shows as a gap, not as a straight line across it.
 */
export function joinLines(
  lines: Readonly<Record<string, readonly { at: Date; value: number }[]>>,
  stepMs: number,
): ChartRow[] {
  const keys = Object.keys(lines);
  const byTime = new Map<number, ChartRow>();
  for (const key of keys)
    for (const p of lines[key] ?? []) {
      const t = p.at.getTime();
      let row = byTime.get(t);
      if (!row) {
        row = { t, ...Object.fromEntries(keys.map((k) => [k, null])) } as ChartRow;
        byTime.set(t, row);
      }
      row[key] = p.value;
    }
  const rows = [...byTime.values()].sort((a, b) => a.t - b.t);
  const gaps = rows.slice(1).map((r, i) => r.t - (rows[i] as ChartRow).t);
  const usual = median(gaps) ?? stepMs;
  const limit = Math.max(3 * stepMs, 3 * usual);
  const out: ChartRow[] = [];
  for (const [i, row] of rows.entries()) {
    const prev = rows[i - 1];
    if (prev && row.t - prev.t > limit)
      out.push({
        t: prev.t + usual,
        ...Object.fromEntries(keys.map((k) => [k, null])),
      } as ChartRow);
    out.push(row);
  }
  return out;
}

function median(values: number[]) {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface Summary {
  latest: number;
  mean: number;
  min: number;
  max: number;
  count: number;
}

/** A line's figures in words: its latest value, mean, min and max (null: no values). */
export function summarize(rows: readonly ChartRow[], key: string): Summary | null {
  const values = rows.map((r) => r[key]).filter((v): v is number => typeof v === "number");
  if (values.length === 0) return null;
  return {
    latest: values.at(-1) as number,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    count: values.length,
  };
}

export interface IncidentLike {
  id: string;
  number: number;
  title: string;
  severity: string;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface IncidentMarker {
  id: string;
  number: number;
  title: string;
  severity: string;
  /** The part of [openedAt, resolvedAt or now) inside the window, in ms. */
  x1: number;
  x2: number;
  ongoing: boolean;
  /** It began before the window (its start is cut off). */
  startsBefore: boolean;
}

/**
 * The incidents that overlap [from, to), each clipped to the window: from its opening (or
 * the window's start) to its resolution (or now, or the window's end). Oldest first.
 */
export function incidentMarkers(
  incidents: readonly IncidentLike[],
  from: number,
  to: number,
  now: number,
): IncidentMarker[] {
  const out: IncidentMarker[] = [];
  for (const i of incidents) {
    const start = i.openedAt.getTime();
    const end = i.resolvedAt ? i.resolvedAt.getTime() : Math.max(now, start);
    if (end < from || start >= to) continue;
    out.push({
      id: i.id,
      number: i.number,
      title: i.title,
      severity: i.severity,
      x1: Math.max(start, from),
      x2: Math.min(end, to),
      ongoing: i.resolvedAt === null,
      startsBefore: start < from,
    });
  }
  return out.sort((a, b) => a.x1 - b.x1 || a.number - b.number);
}

/** `value` in thousands steps of `units`: [scaled value, its unit's index]. */
function decimalScale(value: number, units: readonly string[]): [number, number] {
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return [value, unit];
}

const RATE_UNITS = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"];

/** A rate in decimal units, as links are sold: "12.5 Mbit/s". */
export function formatRate(bitsPerSecond: number) {
  const [value, unit] = decimalScale(bitsPerSecond, RATE_UNITS);
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${RATE_UNITS[unit]}`;
}

const PACKET_UNITS = ["pkt/s", "k pkt/s", "M pkt/s", "G pkt/s"];

/** A packet rate: "850 pkt/s", "1.2 k pkt/s"; fractions keep one digit below 100. */
export function formatPacketRate(packetsPerSecond: number) {
  const [value, unit] = decimalScale(packetsPerSecond, PACKET_UNITS);
  const digits = Math.abs(value) >= 100 || (unit === 0 && Number.isInteger(value)) ? 0 : 1;
  return `${value.toFixed(digits)} ${PACKET_UNITS[unit]}`;
}

/** A data plane drop reason in words: "syn_flood_drop" → "SYN flood", "policy_deny" → "Policy deny". */
export function dropReasonLabel(reason: string) {
  const words = reason
    .replace(/_drop$/, "")
    .split("_")
    .filter(Boolean);
  const upper = new Set(["syn", "tcp", "lb", "snat", "rst", "icmp", "nd"]);
  const text = words.map((w) => (upper.has(w) ? w.toUpperCase() : w)).join(" ");
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : reason;
}

/** Ticks across the whole window (`count` intervals), whatever part of it has data. */
export function evenTicks(from: number, to: number, count = 6) {
  return Array.from({ length: count + 1 }, (_, i) => Math.round(from + ((to - from) * i) / count));
}

/** The time axis' labels: clock times up to a day, dates beyond. */
export function timeTick(windowMs: number) {
  const p = (n: number) => String(n).padStart(2, "0");
  return windowMs <= DAY
    ? (t: number) => {
        const d = new Date(t);
        return `${p(d.getHours())}:${p(d.getMinutes())}`;
      }
    : (t: number) => {
        const d = new Date(t);
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
      };
}
