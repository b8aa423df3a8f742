// How a diff reads as text: a path as `sites[HQ].settings.wan`, a value without JSON's
// braces and quotes, and two long strings cut down to where they differ.
import { isObject } from "./json-values";
import type { Change, Json, Path } from "./types";

export function pathLabel(path: Path): string {
  if (path.length === 0) return "(the whole value)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg + 1}]`;
    else if (typeof seg === "string") out += out === "" ? seg : `.${seg}`;
    else out += `[${seg.label ?? `${seg.key} ${seg.id}`}]`;
  }
  return out;
}

/** A value as a person reads it: `a: 1, b: (c: 2)`, lists comma-separated. */
export function formatValue(v: Json | undefined): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "string") return v === "" ? "(empty text)" : v;
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return v.length === 0 ? "(empty list)" : v.map((x) => nested(x)).join(", ");
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return "(empty)";
  return entries.map(([k, x]) => `${k}: ${nested(x)}`).join(", ");
}

const nested = (v: Json) =>
  isObject(v) || (Array.isArray(v) && v.some((x) => typeof x === "object" && x !== null))
    ? `(${formatValue(v)})`
    : formatValue(v);

/** Longer than this, two changed texts are shown around where they differ. */
export const LONG_TEXT = 120;
const CONTEXT = 40;

/**
 * Two texts cut to their differing middle with some context (`…` marks a cut), when either
 * is long; short ones are returned as they are.
 */
export function excerptPair(before: string, after: string): [string, string] {
  if (before.length <= LONG_TEXT && after.length <= LONG_TEXT) return [before, after];
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  const from = Math.max(0, start - CONTEXT);
  const cut = (s: string) => {
    const to = Math.min(s.length, s.length - end + CONTEXT);
    return `${from > 0 ? "…" : ""}${s.slice(from, to)}${to < s.length ? "…" : ""}`;
  };
  return [cut(before), cut(after)];
}

/** How many changes of each kind: for a one-line summary. */
export function countChanges(changes: readonly Change[]) {
  const n = { added: 0, removed: 0, changed: 0 };
  for (const c of changes) n[c.op === "reordered" ? "changed" : c.op]++;
  return n;
}
