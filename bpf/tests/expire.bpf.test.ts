// expire: conntrack cleanup inside the helper, one bounded batch at a time, with
// only counts crossing the pipe. A full table (262,144 entries, half of them past
// their `expires`) must lose exactly the expired entries, whichever walk is used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { LoaderError } from "../../edge-agent/src/dataplane/loader-client";
import { type Env, setupEnv } from "./lib/harness";

let env: Env;
let dp: Dataplane;
beforeAll(async () => {
  env = await setupEnv();
  dp = await env.fresh();
});
afterAll(() => env?.close());

const N = 262_144;
const BEFORE = 1_000_000n;

/** Odd i: expired long ago; even i: expires far in the future. */
const ENTRIES: [object, object][] = Array.from({ length: N }, (_, i) => [
  {
    saddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    daddr: "10.255.0.1",
    sport: 1000 + (i % 7),
    dport: 80,
    proto: 6,
  },
  { expires: i % 2 ? 1000n + BigInt(i) : 1n << 62n, state: 2 },
]);

/** key hex -> expires, straight from the kernel (the test may afford one big dump). */
async function snapshot(): Promise<Map<string, bigint>> {
  const res = await env.loader.call<{ entries: [string, string][] }>("dump", {
    name: "main",
    map: "conntrack",
  });
  return new Map(res.entries.map(([k, v]) => [k, Buffer.from(v, "hex").readBigUInt64LE(0)]));
}

/** Fills the table to capacity; LRU may evict a few while the last ones go in. */
async function fill() {
  await dp.putMany("conntrack", ENTRIES);
  const before = await snapshot();
  const expired = [...before].filter(([, e]) => e < BEFORE).map(([k]) => k);
  const live = [...before].filter(([, e]) => e >= BEFORE).map(([k]) => k);
  expect(before.size).toBeGreaterThan(N - 1024);
  expect(expired.length).toBeGreaterThan(N / 2 - 1024);
  return { before, expired, live };
}

describe("expire", () => {
  it("conntrack holds 262,144 entries", () => {
    expect(dp.maps.conntrack?.max_entries).toBe(N);
  });

  it.each([
    ["kernel batches", {}],
    ["get_next_key, odd batch", { walk: "keys" as const, batch: 1000 }],
  ])("deletes exactly the expired entries of a full table (%s)", async (_name, opts) => {
    const { before, expired, live } = await fill();
    const res = await dp.expire("conntrack", "expires", BEFORE, opts);
    expect(res).toEqual({ scanned: before.size, deleted: expired.length, cursor: undefined });
    const after = await snapshot();
    expect([...after.keys()].sort()).toEqual(live.sort());
  });

  it("resumes from its cursor under max, and a batch smaller than a bucket grows", async () => {
    const { expired } = await fill();
    let deleted = 0;
    let calls = 0;
    let cursor: string | undefined;
    do {
      const res = await dp.expire("conntrack", "expires", BEFORE, {
        batch: 1,
        max: 20_000,
        cursor,
      });
      expect(res.scanned).toBeLessThan(20_000 + 64);
      deleted += res.deleted;
      cursor = res.cursor;
      calls++;
    } while (cursor !== undefined && calls < 100);
    expect(calls).toBeGreaterThanOrEqual(N / 20_000 - 1);
    expect(deleted).toBe(expired.length);
    expect((await dp.expire("conntrack", "expires", BEFORE)).deleted).toBe(0);
  });

  it("refuses what it cannot do", async () => {
    const expire = (args: Record<string, unknown>) =>
      env.loader
        .call("expire", { name: "main", map: "conntrack", field: 0, before: "1", ...args })
        .then(
          () => "ok",
          (e: LoaderError) => e.message,
        );
    expect(await expire({ field: 4 })).toMatch(/field must be a multiple of 8 and at most 64/);
    expect(await expire({ field: 72 })).toMatch(/field must be/);
    expect(await expire({ field: -8 })).toMatch(/field must be an integer/);
    expect(await expire({ field: undefined })).toMatch(/field is required/);
    expect(await expire({ before: 5 })).toMatch(/before must be a string/);
    expect(await expire({ before: "-1" })).toMatch(/before must be a decimal string/);
    expect(await expire({ before: "18446744073709551616" })).toMatch(/before must be a decimal/);
    expect(await expire({ batch: 0 })).toMatch(/batch must be an integer in 1\.\.65536/);
    expect(await expire({ batch: 65537 })).toMatch(/batch must be an integer in 1\.\.65536/);
    expect(await expire({ walk: "sideways" })).toMatch(/walk must be batch or keys/);
    for (const cursor of ["x1", "b", "b-1", "b4294967296", "k00", "b1x"])
      expect(await expire({ cursor }), cursor).toMatch(/cursor must be one an earlier expire/);
    expect(await expire({ map: "if_config" })).toMatch(/hash and LRU hash maps/);
    expect(await expire({ map: "rl_src", before: "18446744073709551615" })).toBe("ok");
    await expect(dp.expire("conntrack", "state", 1n)).rejects.toThrow(/no u64 field state/);
  });
});
