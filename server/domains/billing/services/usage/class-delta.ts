// Pure: what one report's per-class counters (UsageMetrics.classes) add, given the
// device's per-class cursor (device_usage.classes, of the cursor's epoch). The rules are
// usageDelta's, per class: the same epoch adds what each counter grew (a stale report adds
// nothing), another epoch is a restart and counts whole, and a jump no link could carry is
// refused (that class adds nothing; the cursor moves past it all the same).
import { MAX_USAGE_CLASSES, type UsageClass } from "../../../../../protocol";
import { type UsageCursor, usageDelta } from "./delta";

/** Per class name: [rx, tx], the highest counters of the cursor's epoch. */
export type ClassCursor = Record<string, [number, number]>;

/**
 * Names a cursor keeps. An agent reports every class it counted since its start, so names
 * only come and go with a restart; a device that rotates names within a run cannot grow
 * its cursor past this (it then keeps the current report's names only).
 */
export const MAX_CURSOR_CLASSES = 2 * MAX_USAGE_CLASSES;

export interface ClassDeltas {
  /** Bytes to add per class name (only names that grew). */
  add: Map<string, { rx: number; tx: number }>;
  /** The device's cursor after this report. */
  cursor: ClassCursor;
  /** Why each refused class was refused. */
  refused: { name: string; reason: string }[];
}

/** Reads a stored cursor; anything but { name: [rx, tx] } entries is treated as absent. */
export function readClassCursor(value: unknown): ClassCursor {
  const out: ClassCursor = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [name, v] of Object.entries(value)) {
    if (Array.isArray(v) && v.length === 2 && v.every((n) => Number.isSafeInteger(n) && n >= 0))
      out[name] = [v[0], v[1]];
  }
  return out;
}

/**
 * `prev` is the device's cursor (its epoch, when it was stored, and its classes); null when
 * the device never reported. `classes` undefined: this report carries none (an older agent,
 * or classes dropped as invalid), which adds nothing and keeps the cursor of the same epoch.
 */
export function classDeltas(
  prev: { epoch: number; at: number; classes: ClassCursor } | null,
  epoch: number,
  classes: readonly UsageClass[] | undefined,
  nowMs: number,
): ClassDeltas {
  const continues = prev !== null && prev.epoch === epoch;
  const before = continues ? prev.classes : {};
  const result: ClassDeltas = { add: new Map(), cursor: { ...before }, refused: [] };
  if (!classes) return result;
  for (const c of classes) {
    const p = before[c.name];
    // A class new in this run counts from the run's start, as a device's first report does.
    const cursor: UsageCursor | null =
      p && prev ? { epoch: prev.epoch, rx: p[0], tx: p[1], at: prev.at } : null;
    const d = usageDelta(cursor, { epoch, rx_bytes: c.rx_bytes, tx_bytes: c.tx_bytes }, nowMs);
    if (!d.ok) result.refused.push({ name: c.name, reason: d.reason });
    else if (d.rx > 0 || d.tx > 0) result.add.set(c.name, { rx: d.rx, tx: d.tx });
    result.cursor[c.name] = p
      ? [Math.max(p[0], c.rx_bytes), Math.max(p[1], c.tx_bytes)]
      : [c.rx_bytes, c.tx_bytes];
  }
  if (Object.keys(result.cursor).length > MAX_CURSOR_CLASSES) {
    const current = new Set(classes.map((c) => c.name));
    for (const name of Object.keys(result.cursor))
      if (!current.has(name)) delete result.cursor[name];
  }
  return result;
}
