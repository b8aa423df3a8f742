// Compares two JSON values into a list of changes at paths: objects key by key, arrays of
// objects by a stable identity field when every element has a unique one, other arrays by
// their longest common run of equal elements (so an inserted element is one addition, not
// every later element changed). Applying the changes in order to `before` gives `after`
// (apply-changes.ts; the property test checks it on random values).
import { type AlignedPair, alignArrays } from "./align-arrays";
import { HIDDEN, isObject, isSecretKey, jsonEqual, redactValue } from "./json-values";
import type { Change, DiffOptions, ElementRef, Json, Path } from "./types";

export const IDENTITY_KEYS = ["id", "name", "key", "priority"] as const;

export function diffJson(before: Json, after: Json, options: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  const o = { redact: options.redact ?? true, identityKeys: options.identityKeys ?? IDENTITY_KEYS };
  walk(before, after, [], out, o);
  return out;
}

type Opts = { redact: boolean; identityKeys: readonly string[] };

function walk(b: Json, a: Json, path: Path, out: Change[], o: Opts) {
  if (jsonEqual(b, a)) return;
  const last = path.at(-1);
  if (o.redact && typeof last === "string" && isSecretKey(last)) {
    out.push({ op: "changed", path, before: HIDDEN, after: HIDDEN, redacted: true });
  } else if (isObject(b) && isObject(a)) {
    const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !(k in b))];
    for (const k of keys) {
      const inB = b[k] !== undefined;
      const inA = a[k] !== undefined;
      if (inB && inA) walk(b[k] as Json, a[k] as Json, [...path, k], out, o);
      else if (inB) out.push(removed([...path, k], b[k] as Json, o));
      else if (inA) out.push(added([...path, k], a[k] as Json, o));
    }
  } else if (Array.isArray(b) && Array.isArray(a)) {
    const key = identityKey(b, a, o.identityKeys);
    if (key) byIdentity(b, a, key, path, out, o);
    else byAlignment(b, a, path, out, o);
  } else {
    out.push({ op: "changed", path, before: shown(path, b, o), after: shown(path, a, o) });
  }
}

const secretAt = (path: Path, o: Opts) => {
  const last = path.at(-1);
  return o.redact && typeof last === "string" && isSecretKey(last);
};
const shown = (path: Path, v: Json, o: Opts): Json =>
  secretAt(path, o) ? HIDDEN : o.redact ? redactValue(v) : v;
const added = (path: Path, v: Json, o: Opts, at?: number): Change => ({
  op: "added",
  path,
  after: shown(path, v, o),
  ...(at === undefined ? {} : { at }),
  ...(secretAt(path, o) ? { redacted: true } : {}),
});
const removed = (path: Path, v: Json, o: Opts): Change => ({
  op: "removed",
  path,
  before: shown(path, v, o),
  ...(secretAt(path, o) ? { redacted: true } : {}),
});

/** The first field every element of both arrays has, unique within each: or none. */
function identityKey(b: Json[], a: Json[], keys: readonly string[]) {
  if (b.length + a.length === 0) return undefined;
  return keys.find((k) =>
    [b, a].every((list) => {
      const ids = new Set<string | number>();
      for (const el of list) {
        const id = isObject(el) ? el[k] : undefined;
        if ((typeof id !== "string" && typeof id !== "number") || ids.has(id)) return false;
        ids.add(id);
      }
      return true;
    }),
  );
}

const LABEL_KEYS = ["name", "hostname", "title", "description"] as const;

function refOf(el: Json, key: string): ElementRef {
  const obj = el as { [k: string]: Json };
  const id = obj[key] as string | number;
  const label = LABEL_KEYS.map((k) => obj[k]).find((v) => typeof v === "string" && v !== "");
  return label && key !== "name" ? { key, id, label: label as string } : { key, id };
}

function byIdentity(b: Json[], a: Json[], key: string, path: Path, out: Change[], o: Opts) {
  const idOf = (el: Json) => (el as { [k: string]: Json })[key] as string | number;
  const inA = new Set(a.map(idOf));
  const before = new Map(b.map((el) => [idOf(el), el]));
  for (const el of b) if (!inA.has(idOf(el))) out.push(removed([...path, refOf(el, key)], el, o));
  const keptB = b.map(idOf).filter((id) => inA.has(id));
  const keptA = a.map(idOf).filter((id) => before.has(id));
  if (keptB.some((id, i) => id !== keptA[i]))
    out.push({ op: "reordered", path, key, before: keptB, after: keptA });
  a.forEach((el, at) => {
    const old = before.get(idOf(el));
    const elPath = [...path, refOf(old ?? el, key)];
    if (old === undefined) out.push(added(elPath, el, o, at));
    else walk(old, el, elPath, out, o);
  });
}

/**
 * Positions are those of the array as the changes before have left it, so that applying in
 * order works: a removed element's position is where it stands at that moment.
 */
function byAlignment(b: Json[], a: Json[], path: Path, out: Change[], o: Opts) {
  let pos = 0;
  const emit = (pairs: AlignedPair[]) => {
    for (const p of pairs) {
      if (p.before !== undefined && p.after !== undefined) {
        walk(b[p.before] as Json, a[p.after] as Json, [...path, pos], out, o);
        pos++;
      } else if (p.before !== undefined) {
        out.push(removed([...path, pos], b[p.before] as Json, o));
      } else if (p.after !== undefined) {
        out.push(added([...path, pos], a[p.after] as Json, o));
        pos++;
      }
    }
  };
  emit(alignArrays(b, a));
}
