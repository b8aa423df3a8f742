// Seeded random JSON values and edits of them, for the diff's round-trip tests.
import type { Json } from "../../../server/platform/diff";

export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

export type Rand = ReturnType<typeof rng>;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]) => xs[int(r, xs.length)] as T;
const KEYS = ["a", "b", "name", "dst", "ports", "tags", "x", "settings"];

function scalar(r: Rand): Json {
  return pick(r, [null, true, false, int(r, 100), `s${int(r, 20)}`, "x".repeat(int(r, 300))]);
}

export function randomJson(r: Rand, depth = 3): Json {
  const kind = depth <= 0 ? 0 : int(r, 4);
  if (kind === 0) return scalar(r);
  if (kind === 1) return Array.from({ length: int(r, 5) }, () => randomJson(r, depth - 1));
  if (kind === 2) return withIds(r, depth);
  const o: { [k: string]: Json } = {};
  for (let i = int(r, 5); i > 0; i--) o[pick(r, KEYS)] = randomJson(r, depth - 1);
  return o;
}

/** An array of objects with unique ids: what identity matching works on. */
function withIds(r: Rand, depth: number): Json {
  const ids = [...new Set(Array.from({ length: int(r, 6) }, () => `r${int(r, 10)}`))];
  return ids.map((id) => ({ id, v: randomJson(r, depth - 1) }));
}

/** A copy of `v` with a few random edits: what a diff usually sees. */
export function edit(r: Rand, v: Json, depth = 0): Json {
  if (r() < 0.15 || depth > 4) return r() < 0.5 ? v : randomJson(r, 2);
  if (Array.isArray(v)) {
    const out = v.map((x) => (r() < 0.3 ? edit(r, x, depth + 1) : x));
    if (r() < 0.3 && out.length > 0) out.splice(int(r, out.length), 1);
    if (r() < 0.3) {
      const el = out.every((x) => typeof x === "object" && x && "id" in x)
        ? { id: `n${int(r, 1000)}`, v: scalar(r) }
        : scalar(r);
      out.splice(int(r, out.length + 1), 0, el);
    }
    if (r() < 0.2) out.reverse();
    return out;
  }
  if (typeof v === "object" && v !== null) {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v))
      if (r() > 0.15) out[k] = r() < 0.4 ? edit(r, x, depth + 1) : x;
    if (r() < 0.3) out[pick(r, KEYS)] = randomJson(r, 2);
    return out;
  }
  return r() < 0.5 ? v : scalar(r);
}
