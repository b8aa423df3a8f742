// Typed access to one loaded patronus object through the loader: every map
// key/value goes through the codecs in structs.ts.
import type { StructCodec } from "./codec";
import { REASON_SLOTS, REASONS, type Reason } from "./constants";
import type { LoaderClient, MapInfo } from "./loader-client";
import { logEvent, MAP_CODECS } from "./structs";

type KeyOf<M extends keyof typeof MAP_CODECS> = Parameters<(typeof MAP_CODECS)[M][0]["encode"]>[0];

// BPF_MAP_TYPE_PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH
const PERCPU_TYPES = new Set([5, 6, 10]);

export interface LoadOptions {
  name: string;
  path: string;
  pin?: string;
}

export interface TestRunResult {
  retval: number;
  duration: number;
  data: Buffer;
  ctx?: Buffer;
}

export class Dataplane {
  private constructor(
    readonly loader: LoaderClient,
    readonly name: string,
    readonly maps: Record<string, MapInfo>,
    readonly ncpus: number,
  ) {}

  static async load(loader: LoaderClient, opts: LoadOptions): Promise<Dataplane> {
    const res = await loader.call<{ maps: Record<string, MapInfo> }>("load", { ...opts });
    const { ncpus } = await loader.call<{ ncpus: number }>("now");
    return new Dataplane(loader, opts.name, res.maps, ncpus);
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

  async putMany(map: string, entries: [object, object][]): Promise<void> {
    const [k, v] = this.codecs(map);
    const hex = entries.map(([a, b]) => [k.encode(a).toString("hex"), v.encode(b).toString("hex")]);
    // Chunked so one line stays well below pipe-friendly sizes.
    for (let i = 0; i < hex.length; i += 4096)
      await this.loader.call("update_batch", {
        name: this.name,
        map,
        entries: hex.slice(i, i + 4096),
      });
  }

  async del(map: string, key: object): Promise<void> {
    const [k] = this.codecs(map);
    await this.loader.call("delete", { name: this.name, map, key: k.encode(key).toString("hex") });
  }

  async clear(map: string): Promise<void> {
    await this.loader.call("clear", { name: this.name, map });
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
