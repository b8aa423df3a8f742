// Carries the maps pinned by an older layout version into a newly loaded object:
// a pure planner (what happens to each map) and a thin executor that pages every
// map through the loader (`open_pinned`, `dump` with `after`, `update_batch`) and
// then removes the old set. Idempotent: entries are written with BPF_ANY, so a
// migration cut short is simply run again by the next load.
import type { LoaderClient, MapInfo } from "./loader-client";
import { DESIRED_STATE_MAPS, type MapConversion, type Migrations } from "./migrations";

/** A map set of another layout version, as the loader's `load` lists it. */
export interface PinnedSet {
  version: number;
  dir: string;
  maps: Record<string, MapInfo>;
  skipped: string[];
  error?: string;
}

export type MapPlan =
  | { map: string; action: "copy" }
  | { map: string; action: "convert"; steps: MapConversion[] }
  | { map: string; action: "skip"; reason: string };

const RINGBUF = 27;
const PERCPU_TYPES = new Set([5, 6, 10]);
const ARRAY_TYPES = new Set([2, 6]);

const sizes = (m: MapInfo) => `${m.key_size}/${m.value_size}`;

/** Pure: what becomes of each map of `from` on the way to layout `to`. Throws
 * when the registry has no step, or a map changed its sizes without a conversion
 * (a build bug: btf.bpf.test.ts asks for a migration when the layout changes). */
export function planMigration(
  from: PinnedSet,
  target: Record<string, MapInfo>,
  to: number,
  registry: Migrations,
): MapPlan[] {
  if (from.version >= to) throw new Error(`layout ${from.version} is not older than ${to}`);
  for (let v = from.version; v < to; v++)
    if (!registry[v]) throw new Error(`migrations.ts has no step from layout ${v} to ${v + 1}`);
  return Object.entries(from.maps).map(([map, old]): MapPlan => {
    const now = target[map];
    if (!now) return { map, action: "skip", reason: `not in layout ${to}` };
    if (old.type === RINGBUF || now.type === RINGBUF)
      return { map, action: "skip", reason: "ring buffer: pending events are not carried over" };
    const steps: MapConversion[] = [];
    for (let v = from.version; v < to; v++) {
      const step = registry[v]!;
      if (step.rebuild.includes(map)) {
        if (!(DESIRED_STATE_MAPS as readonly string[]).includes(map))
          throw new Error(`migrations.ts rebuilds ${map}, which the agent does not rewrite`);
        return { map, action: "skip", reason: "rebuilt from desired state" };
      }
      const c = step.convert[map];
      if (c) steps.push(c);
    }
    if (steps.length === 0) {
      if (sizes(old) !== sizes(now))
        throw new Error(
          `map ${map}: key/value sizes ${sizes(old)} in layout ${from.version} but ${sizes(now)} in ${to}, and migrations.ts has no conversion`,
        );
      return { map, action: "copy" };
    }
    const first = steps[0]!.from;
    const last = steps.at(-1)!.to;
    if (
      `${first[0].size}/${first[1].size}` !== sizes(old) ||
      `${last[0].size}/${last[1].size}` !== sizes(now)
    )
      throw new Error(`map ${map}: the conversion's codecs do not match the pinned sizes`);
    return { map, action: "convert", steps };
  });
}

const stride = (valueSize: number) => Math.ceil(valueSize / 8) * 8;

/** Raw key/value hex in the old layout -> in the new, or null to drop. */
export function convertEntry(
  steps: MapConversion[],
  keyHex: string,
  valueHex: string,
  percpu: boolean,
): [string, string] | null {
  const oldSize = steps[0]!.from[1].size;
  const newSize = steps.at(-1)!.to[1].size;
  const raw = Buffer.from(valueHex, "hex");
  const slots = percpu ? raw.length / stride(oldSize) : 1;
  let key: Buffer | null = null;
  const out = Buffer.alloc(percpu ? slots * stride(newSize) : newSize);
  for (let i = 0; i < slots; i++) {
    let k: Buffer = Buffer.from(keyHex, "hex");
    let v: Buffer = raw.subarray(i * stride(oldSize), i * stride(oldSize) + oldSize);
    for (const s of steps) {
      const next = s.convert(s.from[0].decode(k), s.from[1].decode(v));
      if (!next) return null;
      k = s.to[0].encode(next[0]);
      v = s.to[1].encode(next[1]);
    }
    key ??= k;
    v.copy(out, percpu ? i * stride(newSize) : 0);
  }
  return [key!.toString("hex"), out.toString("hex")];
}

export interface MigrationReport {
  from: number;
  maps: { map: string; action: MapPlan["action"]; entries: number; reason?: string }[];
}

const PAGE = 8192;
const isZero = (hex: string) => /^0*$/.test(hex);

/** Copies or converts every planned map of `from` into object `name` (loaded
 * already), a page at a time. The old set is opened as a pseudo-object and closed
 * again; removing it is the caller's last step. */
export async function runMigration(
  loader: LoaderClient,
  name: string,
  target: Record<string, MapInfo>,
  from: PinnedSet,
  plan: MapPlan[],
): Promise<MigrationReport> {
  const old = `${name.slice(0, 40)}@v${from.version}`;
  const report: MigrationReport = { from: from.version, maps: [] };
  await loader.call("open_pinned", { name: old, dir: from.dir });
  try {
    for (const p of plan) {
      if (p.action === "skip") {
        report.maps.push({ map: p.map, action: p.action, entries: 0, reason: p.reason });
        continue;
      }
      const info = target[p.map]!;
      let entries = 0;
      let after: string | undefined;
      for (;;) {
        const page = await loader.call<{
          entries: [string, string][];
          more: boolean;
          next?: string;
        }>("dump", { name: old, map: p.map, limit: PAGE, after });
        const out: [string, string][] = [];
        for (const [k, v] of page.entries) {
          // new arrays start zeroed: writing zeros again would only cost time
          if (ARRAY_TYPES.has(info.type) && isZero(v)) continue;
          const e =
            p.action === "copy"
              ? ([k, v] as [string, string])
              : convertEntry(p.steps, k, v, PERCPU_TYPES.has(info.type));
          if (e) out.push(e);
        }
        if (out.length > 0) await loader.call("update_batch", { name, map: p.map, entries: out });
        entries += out.length;
        if (!page.more || page.next === undefined) break;
        after = page.next;
      }
      report.maps.push({ map: p.map, action: p.action, entries });
    }
  } finally {
    await loader.call("unload", { name: old }).catch(() => undefined);
  }
  return report;
}

export interface UpgradeReport {
  /** The newest older set, carried over; null when there was none. */
  migrated: MigrationReport | null;
  /** Directories of older sets removed (the migrated one and stale ones). */
  removed: string[];
  /** Sets left alone: newer versions (a downgrade starts fresh) and unreadable ones. */
  kept: PinnedSet[];
}

/** After loading layout `layout`: migrate from the newest older set, then remove
 * every older set. Maps of the old set stay alive in the kernel for as long as the
 * old programs (still attached until the agent re-attaches) use them. */
export async function upgradePinned(
  loader: LoaderClient,
  name: string,
  target: Record<string, MapInfo>,
  layout: number,
  previous: PinnedSet[],
  registry: Migrations,
): Promise<UpgradeReport> {
  const older = previous
    .filter((p) => p.version < layout && p.error === undefined)
    .sort((a, b) => b.version - a.version);
  const kept = previous.filter((p) => !older.includes(p));
  const newest = older[0];
  const migrated = newest
    ? await runMigration(
        loader,
        name,
        target,
        newest,
        planMigration(newest, target, layout, registry),
      )
    : null;
  const removed: string[] = [];
  for (const p of older) {
    await loader.call("remove_pinned", { dir: p.dir });
    removed.push(p.dir);
  }
  return { migrated, removed, kept };
}
