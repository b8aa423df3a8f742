// Bytes per application class since the agent started, for `telemetry/usage`'s `classes`
// (docs/overview.md "Top applications"). A real box reads the data plane's cumulative
// per-app-id counters (AppCounterReader: Dataplane.appCounters(), summed over CPUs) and
// tallies each id's growth like the interface tally does (usage.ts advanceTally): an id
// whose counter went down restarted (the data plane reloaded) and adds what it counted
// since. Growth goes to the class name the config gives the id at that sampling, so a
// renamed class counts under its new name from then on; an id without a class (0: no class
// matched) is UNCLASSIFIED_CLASS. A simulated box splits its synthetic totals over its
// classes by fixed per-seed weights, so the classes never add up to more than the totals.
import {
  type DeviceConfig,
  MAX_USAGE_CLASSES,
  UNCLASSIFIED_CLASS,
  type UsageClass,
  ZUsageClassName,
} from "../../../protocol";
import type { Counters } from "./usage";

/** Cumulative bytes per data-plane app id since the data plane loaded. */
export type AppCounters = ReadonlyMap<number, { rx: number | bigint; tx: number | bigint }>;
export type AppCounterReader = () => Promise<AppCounters>;

export interface ClassSource {
  read: AppCounterReader;
  /** The current config's app id → class name. */
  names: () => ReadonlyMap<number, string>;
}

/** The classes a simulated box shows when its config has none. */
export const DEMO_CLASSES = ["web", "video", "voice", "saas", UNCLASSIFIED_CLASS] as const;

/** How long one reading of the data plane's counters may take before the report goes without it. */
export const CLASS_READ_TIMEOUT_MS = 2_000;

/** The overlay's application classes of a config: app id → name. */
export function appClassNames(config: DeviceConfig | null | undefined): Map<number, string> {
  return new Map((config?.overlay?.classes ?? []).map((c) => [c.id, c.name]));
}

export interface ClassTally {
  /** Bytes per class name since the meter started. */
  total: Map<string, Counters>;
  /** Each app id's last reading; null until the first reading (the baseline). */
  last: Map<number, Counters> | null;
}

export const newClassTally = (): ClassTally => ({ total: new Map(), last: null });

const grown = (prev: number, cur: number) => (cur >= prev ? cur - prev : cur);

const safe = (n: number | bigint) => {
  const v = typeof n === "bigint" ? Number(n) : n;
  return Number.isSafeInteger(v) && v >= 0 ? v : null;
};

/**
 * The name bytes are reported under: the class's, if it is a valid report name and the
 * tally has room for it (MAX_USAGE_CLASSES, one kept for unclassified), else unclassified.
 */
function nameFor(total: ReadonlyMap<string, Counters>, name: string | undefined): string {
  if (name === undefined || !ZUsageClassName.safeParse(name).success) return UNCLASSIFIED_CLASS;
  if (total.has(name) || total.size < MAX_USAGE_CLASSES - 1) return name;
  return UNCLASSIFIED_CLASS;
}

function add(total: Map<string, Counters>, name: string, rx: number, tx: number) {
  if (rx === 0 && tx === 0) return;
  const t = total.get(name) ?? { rx: 0, tx: 0 };
  total.set(name, { rx: t.rx + rx, tx: t.tx + tx });
}

/**
 * Pure: the tally after one reading of the data plane's counters. The first reading is the
 * baseline (bytes before the agent started are not its run's); an id that appears later
 * counts whole (its counter started at zero since the reading before); an id whose counter
 * went down restarted and adds its new count; counters that are not whole numbers JavaScript
 * holds exactly are skipped.
 */
export function advanceClassTally(
  t: ClassTally,
  readings: AppCounters,
  names: ReadonlyMap<number, string>,
): ClassTally {
  const total = new Map(t.total);
  const last = new Map<number, Counters>();
  for (const [id, c] of readings) {
    const rx = safe(c.rx);
    const tx = safe(c.tx);
    if (rx === null || tx === null) continue;
    last.set(id, { rx, tx });
    if (!t.last) continue;
    const prev = t.last.get(id) ?? { rx: 0, tx: 0 };
    add(total, nameFor(total, names.get(id)), grown(prev.rx, rx), grown(prev.tx, tx));
  }
  return { total, last };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The class names a simulated box reports: its config's (valid ones), else DEMO_CLASSES. */
export function simulatedClassNames(configNames: readonly string[]): string[] {
  const valid = configNames.filter((n) => ZUsageClassName.safeParse(n).success);
  if (valid.length === 0) return [...DEMO_CLASSES];
  return [...new Set([...valid.slice(0, MAX_USAGE_CLASSES - 1), UNCLASSIFIED_CLASS])];
}

/**
 * Pure: `bytes` split over `names` by weights fixed per seed and name (1 to 8), whole
 * bytes; what rounding leaves goes to the last name, so the parts add up to `bytes` exactly.
 */
export function splitByWeight(seed: string, names: readonly string[], bytes: number): number[] {
  if (names.length === 0) return [];
  const weights = names.map((n) => 1 + (hash(`${seed}/${n}`) % 8));
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((bytes * w) / sum));
  parts[parts.length - 1] = bytes - parts.slice(0, -1).reduce((a, b) => a + b, 0);
  return parts;
}

/** Pure: a simulated box's tally after its totals grew by `grew`, split over `names`. */
export function advanceSimulatedTally(
  t: ClassTally,
  seed: string,
  names: readonly string[],
  grew: Counters,
): ClassTally {
  const total = new Map(t.total);
  const rx = splitByWeight(seed, names, grew.rx);
  const tx = splitByWeight(seed, names, grew.tx);
  names.forEach((n, i) => void add(total, n, rx[i] ?? 0, tx[i] ?? 0));
  return { total, last: t.last };
}

/** The tally as the report's `classes`, by name. */
export const classesOf = (t: ClassTally): UsageClass[] =>
  [...t.total]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => ({ name, rx_bytes: c.rx, tx_bytes: c.tx }));

/** The reader's answer, or null when it fails or takes longer than `ms`. */
export async function readWithin<T>(read: () => Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((done) => {
    timer = setTimeout(() => done(null), ms);
  });
  try {
    return await Promise.race([read().catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}
