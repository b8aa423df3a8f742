// Typed access to one loaded patronus object through the loader: every map
// key/value goes through the codecs in structs.ts.
import { type AppCounterRow, type AppCounters, sumAppCounters } from "./app-counters";
import type { StructCodec } from "./codec";
import { DP_LAYOUT_VERSION, REASON_SLOTS, REASONS, type Reason } from "./constants";
import { type LoaderClient, LoaderError, type MapInfo } from "./loader-client";
import { type PinnedSet, type UpgradeReport, upgradePinned } from "./migrate";
import { MIGRATIONS, type Migrations } from "./migrations";
import { logEvent, MAP_CODECS } from "./structs";

export type { AppCounter, AppCounters } from "./app-counters";

type KeyOf<M extends keyof typeof MAP_CODECS> = Parameters<(typeof MAP_CODECS)[M][0]["encode"]>[0];

// BPF_MAP_TYPE_PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH
const PERCPU_TYPES = new Set([5, 6, 10]);

export interface LoadOptions {
  name: string;
  path: string;
  /** bpffs directory: maps go to <pin>/maps-v<layout>/, programs to <pin>/. */
  pin?: string;
  /** Layout version of the pinned maps (default DP_LAYOUT_VERSION). */
  layout?: number;
  /** Steps for map sets pinned by older versions (default MIGRATIONS); false
   * leaves such sets alone. */
  migrate?: Migrations | false;
}

/** A putMany the kernel refused midway: entries [0, applied) are in the map. */
export class PutManyError extends LoaderError {
  constructor(
    cause: LoaderError,
    readonly applied: number,
    readonly total: number,
  ) {
    super(
      cause.cmd,
      `${cause.message} (applied ${applied} of ${total})`,
      cause.errno,
      cause.response,
    );
  }
}

/** Entries per update_batch line (the helper takes up to 65,536). */
const BATCH = 4096;

export interface ExpireOptions {
  /** Entries per kernel batch (1..65,536, default 4096). */
  batch?: number;
  /** Stop after scanning about this many; the answer's cursor resumes. */
  max?: number;
  cursor?: string;
  /** "keys" walks with get_next_key even where batch lookups work. */
  walk?: "batch" | "keys";
}

export interface ExpireResult {
  scanned: number;
  deleted: number;
  /** Present when `max` stopped the walk before the end. */
  cursor?: string;
}

export interface TestRunResult {
  retval: number;
  duration: number;
  data: Buffer;
  ctx?: Buffer;
}

export class Dataplane {
  /** What load did with map sets of other layout versions (null: none found). */
  upgrade: UpgradeReport | null = null;

  private constructor(
    readonly loader: LoaderClient,
    readonly name: string,
    readonly maps: Record<string, MapInfo>,
    readonly ncpus: number,
  ) {}

  /** Loads the object; with `pin`, reuses the maps pinned by the same layout and
   * migrates those of the newest older layout into the fresh maps, then removes the
   * older sets (docs/dataplane.md, "Upgrading the data plane"). Attach afterwards. */
  static async load(loader: LoaderClient, opts: LoadOptions): Promise<Dataplane> {
    const { migrate = MIGRATIONS, layout = DP_LAYOUT_VERSION, ...load } = opts;
    const res = await loader.call<{ maps: Record<string, MapInfo>; previous?: PinnedSet[] }>(
      "load",
      load.pin === undefined ? load : { ...load, layout },
    );
    const { ncpus } = await loader.call<{ ncpus: number }>("now");
    const dp = new Dataplane(loader, opts.name, res.maps, ncpus);
    if (migrate !== false && res.previous?.length)
      dp.upgrade = await upgradePinned(loader, opts.name, res.maps, layout, res.previous, migrate);
    return dp;
  }

  unload(): Promise<unknown> {
    return this.loader.call("unload", { name: this.name });
  }

  private codecs(map: string): [StructCodec<object>, StructCodec<object>] {
    const c = MAP_CODECS[map];
    if (!c) throw new Error(`no codec for map ${map}`);
    return c;
  }

  async put(map: string, key: object, value: object, flags?: "any" | "noexist" | "exist") {
    const [k, v] = this.codecs(map);
    const args = { name: this.name, map, flags };
    await this.loader.call("update", {
      ...args,
      key: k.encode(key).toString("hex"),
      value: v.encode(value).toString("hex"),
    });
  }

  /** In order, BATCH entries per line. Each line is all-or-nothing for bad input
   * (the helper validates it before writing); a kernel refusal midway throws
   * PutManyError saying how many entries are in the map. */
  async putMany(map: string, entries: [object, object][]): Promise<void> {
    const [k, v] = this.codecs(map);
    const hex = entries.map(([a, b]) => [k.encode(a).toString("hex"), v.encode(b).toString("hex")]);
    for (let i = 0; i < hex.length; i += BATCH) {
      try {
        await this.loader.call("update_batch", {
          name: this.name,
          map,
          entries: hex.slice(i, i + BATCH),
        });
      } catch (e) {
        if (!(e instanceof LoaderError)) throw e;
        const applied = typeof e.response?.applied === "number" ? e.response.applied : 0;
        throw new PutManyError(e, i + applied, hex.length);
      }
    }
  }

  async del(map: string, key: object): Promise<void> {
    const [k] = this.codecs(map);
    await this.loader.call("delete", { name: this.name, map, key: k.encode(key).toString("hex") });
  }

  /** Zeroes an array or empties any other map; returns the entries touched. */
  async clear(map: string): Promise<number> {
    return (await this.loader.call<{ count: number }>("clear", { name: this.name, map })).count;
  }

  /** Deletes, inside the helper and one batch at a time, every entry whose u64
   * `field` (by name, e.g. conntrack's `expires`) is below `before`; nothing but
   * the counts crosses the pipe. */
  async expire(
    map: string,
    field: string,
    before: bigint,
    opts: ExpireOptions = {},
  ): Promise<ExpireResult> {
    const [, v] = this.codecs(map);
    const f = v.fields.find((x) => x.name === field && x.kind === "u64");
    if (!f) throw new Error(`${map}: no u64 field ${field}`);
    const res = await this.loader.call<ExpireResult>("expire", {
      name: this.name,
      map,
      field: f.offset,
      before: before.toString(),
      ...opts,
    });
    return { scanned: res.scanned, deleted: res.deleted, cursor: res.cursor };
  }

  /** Per-CPU maps decode to one value per CPU; others to a one-element array. */
  private decodeValues<T>(map: string, hex: string, codec: StructCodec<T>): T[] {
    const buf = Buffer.from(hex, "hex");
    if (!PERCPU_TYPES.has(this.maps[map]?.type ?? -1)) return [codec.decode(buf)];
    const stride = Math.ceil(codec.size / 8) * 8;
    return Array.from({ length: buf.length / stride }, (_, i) => codec.decode(buf, i * stride));
  }

  async get<M extends keyof typeof MAP_CODECS>(map: M, key: KeyOf<M>): Promise<object[] | null> {
    const [k, v] = this.codecs(map);
    try {
      const res = await this.loader.call<{ value: string }>("lookup", {
        name: this.name,
        map,
        key: k.encode(key).toString("hex"),
      });
      return this.decodeValues(map, res.value, v);
    } catch (e) {
      if ((e as { errno?: number }).errno === 2) return null; // ENOENT
      throw e;
    }
  }

  async dump<K = Record<string, unknown>, V = Record<string, unknown>>(
    map: string,
    limit?: number,
  ): Promise<{ key: K; values: V[] }[]> {
    const [k, v] = this.codecs(map);
    const res = await this.loader.call<{ entries: [string, string][] }>("dump", {
      name: this.name,
      map,
      limit,
    });
    return res.entries.map(([kh, vh]) => ({
      key: k.decode(Buffer.from(kh, "hex")) as K,
      values: this.decodeValues(map, vh, v) as V[],
    }));
  }

  /** Sum of a per-CPU {packets, bytes} counter. */
  async counter(map: "counters" | "rule_counters", index: number) {
    const vals = ((await this.get(map, { v: index })) ?? []) as {
      packets: bigint;
      bytes: bigint;
    }[];
    return vals.reduce((a, c) => ({ packets: a.packets + c.packets, bytes: a.bytes + c.bytes }), {
      packets: 0n,
      bytes: 0n,
    });
  }

  /** All reason counters of one interface slot, summed over CPUs (one dump). */
  async reasonCounters(slot: number): Promise<Record<Reason, bigint>> {
    const out = Object.fromEntries(REASONS.map((r) => [r, 0n])) as Record<Reason, bigint>;
    const base = slot * REASON_SLOTS;
    await Promise.all(
      REASONS.map(async (r, i) => {
        out[r] = (await this.counter("counters", base + i)).packets;
      }),
    );
    return out;
  }

  /** WAN traffic per application class (app_counters), summed over CPUs: app id
   * (0 = unclassified) -> packets and bytes received from (rx) and sent to (tx) the
   * WAN; only ids with traffic. Cumulative since the map was created, never reset by
   * the data plane: the pinned map survives agent restarts, reloads and layout
   * upgrades (copied); it starts at zero on first load, after a reboot or removed
   * pins, so a reading below the previous one means a restart from zero
   * (docs/dataplane.md, "Application counters"). One dump of the whole map (paged
   * only past the helper's 64 MiB answer cap). */
  async appCounters(): Promise<AppCounters> {
    const [k, v] = this.codecs("app_counters");
    const rows: AppCounterRow[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await this.loader.call<{
        entries: [string, string][];
        more: boolean;
        next?: string;
      }>("dump", { name: this.name, map: "app_counters", after });
      for (const [kh, vh] of res.entries)
        rows.push({
          key: k.decode(Buffer.from(kh, "hex")) as AppCounterRow["key"],
          values: this.decodeValues("app_counters", vh, v) as AppCounterRow["values"],
        });
      if (!res.more || !res.next) break;
      after = res.next;
    }
    return sumAppCounters(rows);
  }

  /** `ctx` (e.g. a zeroed __sk_buff) makes the kernel return the context after the run. */
  async testRun(prog: string, data: Buffer, repeat = 1, ctx?: Buffer): Promise<TestRunResult> {
    const res = await this.loader.call<{
      retval: number;
      duration: number;
      data: string;
      ctx?: string;
    }>("test_run", {
      name: this.name,
      prog,
      data: data.toString("hex"),
      repeat,
      ctx: ctx?.toString("hex"),
    });
    return {
      retval: res.retval,
      duration: res.duration,
      data: Buffer.from(res.data, "hex"),
      ctx: res.ctx === undefined ? undefined : Buffer.from(res.ctx, "hex"),
    };
  }

  /** Drains the allow+log ring buffer. */
  async readPolicyLog() {
    const res = await this.loader.call<{ events: string[] }>("ringbuf_read", {
      name: this.name,
      map: "policy_log",
    });
    return res.events.map((h) => logEvent.decode(Buffer.from(h, "hex")));
  }

  async now(): Promise<bigint> {
    return BigInt((await this.loader.call<{ now: string }>("now")).now);
  }
}
