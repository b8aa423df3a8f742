// Versioned pins and upgrades: a build with a changed map layout loads beside the
// old pinned set, migrates it (migrations.ts) and removes it. Two purpose-built
// objects (bpf/tests/fixtures/layout-v{1,2}.bpf.c: a packet counter whose value
// grows a byte count) exercise conversion, copy and drop; the patronus object
// itself is upgraded from the unversioned maps/ of the previous release.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineStruct } from "../../edge-agent/src/dataplane/codec";
import { setInterface } from "../../edge-agent/src/dataplane/config";
import { CtState, DP_LAYOUT_VERSION } from "../../edge-agent/src/dataplane/constants";
import { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { ctEntryV0, flowKeyV0 } from "../../edge-agent/src/dataplane/layouts/v0";
import { LoaderClient, type LoaderError } from "../../edge-agent/src/dataplane/loader-client";
import { conversion, type Migrations } from "../../edge-agent/src/dataplane/migrations";
import { BARE_OBJ, BPF_DIR, BUILD, ensureBpffs, ensureBuilt, LOADER, OBJ } from "./lib/harness";
import { ipv4, TCP } from "./lib/packet";

const V1 = join(BUILD, "fixtures/layout-v1.bpf.o");
const V2 = join(BUILD, "fixtures/layout-v2.bpf.o");
const LAYOUT0_OBJ = join(BPF_DIR, "tests/fixtures/patronus-layout0.bpf.o");
const root = `/sys/fs/bpf/patronus-test-${randomBytes(4).toString("hex")}`;
const loaders: LoaderClient[] = [];

beforeAll(() => {
  ensureBuilt();
  ensureBpffs();
  mkdirSync(root);
});
afterAll(async () => {
  for (const l of loaders) await l.close();
  rmSync(root, { recursive: true, force: true });
});

function start() {
  const l = LoaderClient.start(LOADER);
  loaders.push(l);
  return l;
}

// The fixtures' layouts, as the agent's codecs would describe them.
const key = defineStruct("__u32", [{ name: "v", kind: "u32" }]);
const u64 = defineStruct("__u64", [{ name: "v", kind: "u64" }]);
const countV1 = defineStruct("count_v1", [{ name: "packets", kind: "u64" }]);
const countV2 = defineStruct("count_v2", [
  { name: "packets", kind: "u64" },
  { name: "bytes", kind: "u64" },
]);
/** 1 -> 2: counts keeps its packets; bytes before the upgrade are unknown (0). */
const FIXTURE_MIGRATIONS: Migrations = {
  1: {
    convert: {
      counts: conversion([key, countV1], [key, countV2], (k, v) => [
        k,
        { packets: v.packets, bytes: 0n },
      ]),
    },
    rebuild: [],
  },
};

const frame = (first: number) => Buffer.concat([Buffer.from([first]), Buffer.alloc(59)]);

async function countsOf(loader: LoaderClient, name: string, first: number) {
  const res = await loader.call<{ value: string }>("lookup", {
    name,
    map: "counts",
    key: key.encode({ v: first }).toString("hex"),
  });
  return Buffer.from(res.value, "hex");
}

/** Sum over CPUs of the per-CPU `total`. */
async function total(loader: LoaderClient, name: string) {
  const res = await loader.call<{ value: string }>("lookup", {
    name,
    map: "total",
    key: "00000000",
  });
  const buf = Buffer.from(res.value, "hex");
  let sum = 0n;
  for (let i = 0; i < buf.length; i += 8) sum += buf.readBigUInt64LE(i);
  return sum;
}

/** Loads layout 1 pinned under pin, counts packets, and leaves the pins behind as
 * an exiting agent does. */
async function pinnedV1(pin: string, packets: Record<number, number>) {
  const l = start();
  const dp = await Dataplane.load(l, { name: "fx", path: V1, pin, layout: 1, migrate: false });
  for (const [first, n] of Object.entries(packets))
    for (let i = 0; i < n; i++) await dp.testRun("count", frame(Number(first)));
  await l.call("update", {
    name: "fx",
    map: "notes",
    key: "02000000",
    value: u64.encode({ v: 42n }).toString("hex"),
  });
  await l.call("unload", { name: "fx", keep: true });
  await l.close();
}

/** The upgrade: layout 2 loaded where layout 1 may be pinned. */
const loadV2 = (l: LoaderClient, pin: string) =>
  Dataplane.load(l, { name: "fx", path: V2, pin, layout: 2, migrate: FIXTURE_MIGRATIONS });

const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : null);

describe("layout upgrade (fixtures)", () => {
  it("migrates v1 to v2: counters converted, copied or dropped; counting goes on; old pins gone", async () => {
    const pin = join(root, "up");
    await pinnedV1(pin, { 5: 3, 9: 2 });
    expect(ls(join(pin, "maps-v1"))).toEqual(["counts", "legacy", "notes", "total"]);

    const l = start();
    const dp = await loadV2(l, pin);
    expect(dp.upgrade?.removed).toEqual([join(pin, "maps-v1")]);
    expect(dp.upgrade?.kept).toEqual([]);
    const byMap = Object.fromEntries(dp.upgrade!.migrated!.maps.map((m) => [m.map, m]));
    expect(byMap).toMatchObject({
      counts: { action: "convert", entries: 2 },
      total: { action: "copy", entries: 1 },
      notes: { action: "copy", entries: 1 }, // zeroed slots are not rewritten
      legacy: { action: "skip", entries: 0, reason: "not in layout 2" },
    });
    expect(ls(join(pin, "maps-v1"))).toBeNull();
    expect(ls(join(pin, "maps-v2"))).toEqual(["counts", "extra", "notes", "total"]);

    expect(countV2.decode(await countsOf(l, "fx", 5))).toEqual({ packets: 3n, bytes: 0n });
    expect(countV2.decode(await countsOf(l, "fx", 9))).toEqual({ packets: 2n, bytes: 0n });
    await dp.testRun("count", frame(5));
    await dp.testRun("count", frame(5));
    expect(countV2.decode(await countsOf(l, "fx", 5))).toEqual({ packets: 5n, bytes: 120n });
    expect(await total(l, "fx")).toBe(7n);
    const note = await l.call<{ value: string }>("lookup", {
      name: "fx",
      map: "notes",
      key: "02000000",
    });
    expect(u64.decode(Buffer.from(note.value, "hex")).v).toBe(42n);

    // A restart of the same version reuses the v2 pins: nothing to migrate.
    await l.call("unload", { name: "fx", keep: true });
    const again = await loadV2(start(), pin);
    expect(again.upgrade).toBeNull();
    expect(countV2.decode(await countsOf(again.loader, "fx", 5)).packets).toBe(5n);
    await again.unload();
  });

  it("refuses a same-version pin that does not match the object, and pins nothing", async () => {
    const pin = join(root, "mismatch");
    const l = start();
    await l.call("load", { name: "v2", path: V2, pin, layout: 2 });
    await l.call("unload", { name: "v2", keep: true });
    const before = ls(join(pin, "maps-v2"));
    const err = (await l
      .call("load", { name: "v1", path: V1, pin, layout: 2 })
      .catch((e: LoaderError) => e)) as LoaderError;
    expect(err.errno).toBe(22);
    expect(err.message).toMatch(
      /pinned map .*maps-v2\/counts does not match the object \(value_size 16 pinned, 8 in the object\) though both are layout 2: a layout change needs a new DP_LAYOUT_VERSION/,
    );
    expect(ls(join(pin, "maps-v2"))).toEqual(before); // `legacy` was not pinned
    await expect(l.call("dump", { name: "v1", map: "counts" })).rejects.toThrow(/no loaded object/);
  });

  it("handles partial and garbage pin directories", async () => {
    const pin = join(root, "garbage");
    await pinnedV1(pin, { 7: 4 });
    // partial: two maps of the old set are gone
    unlinkSync(join(pin, "maps-v1/notes"));
    unlinkSync(join(pin, "maps-v1/total"));
    // garbage in the old set: programs and a directory where maps belong
    const g = start();
    await g.call("load", { name: "junk", path: BARE_OBJ, pin: join(pin, "maps-v1"), layout: 0 });
    await g.call("unload", { name: "junk", keep: true });
    // directories that are not map sets, and a newer set (a downgrade leaves it)
    for (const d of ["maps-vjunk", "maps-v01", "maps-v9"]) mkdirSync(join(pin, d));
    expect(ls(join(pin, "maps-v1"))).toEqual(["counts", "legacy", "maps", "tc_bare", "xdp_bare"]);

    const l = start();
    const dp = await loadV2(l, pin);
    expect(dp.upgrade?.kept.map((k) => k.version)).toEqual([9]);
    expect(dp.upgrade?.removed).toEqual([join(pin, "maps-v1")]);
    expect(dp.upgrade?.migrated?.maps.map((m) => [m.map, m.action]).sort()).toEqual([
      ["counts", "convert"],
      ["legacy", "skip"],
    ]);
    expect(countV2.decode(await countsOf(l, "fx", 7)).packets).toBe(4n);
    expect(ls(pin)).toEqual(["count", "maps-v01", "maps-v2", "maps-v9", "maps-vjunk"]);
  });

  it("open_pinned serves every map command; unload with remove deletes the set", async () => {
    const pin = join(root, "open");
    await pinnedV1(pin, { 1: 1, 2: 2, 3: 3 });
    const l = start();
    const dir = join(pin, "maps-v1");
    const opened = await l.call<{
      maps: Record<string, { value_size: number }>;
      skipped: string[];
    }>("open_pinned", { name: "old", dir });
    expect(Object.keys(opened.maps).sort()).toEqual(["counts", "legacy", "notes", "total"]);
    expect(opened.maps.counts?.value_size).toBe(8);
    const call = <T = Record<string, unknown>>(cmd: string, args: object) =>
      l.call<T>(cmd, { name: "old", ...args });
    expect((await call<{ entries: unknown[] }>("dump", { map: "counts" })).entries).toHaveLength(3);
    await call("update", {
      map: "counts",
      key: "04000000",
      value: countV1.encode({ packets: 500n }).toString("hex"),
    });
    expect(countV1.decode(await countsOf(l, "old", 3)).packets).toBe(3n);
    expect(await call("delete", { map: "counts", key: "01000000" })).toMatchObject({ count: 1 });
    expect(await call("expire", { map: "counts", field: 0, before: "100" })).toMatchObject({
      scanned: 3,
      deleted: 2,
    });
    expect(await call("clear", { map: "notes" })).toMatchObject({ count: 4 });
    await expect(call("test_run", { prog: "count", data: "00" })).rejects.toThrow(
      /pinned map set: it has maps only/,
    );
    await expect(call("open_pinned", { dir })).rejects.toThrow(/already loaded|already open/);
    await expect(l.call("remove_pinned", { dir })).rejects.toThrow(/Device or resource busy/);

    expect(await call("unload", { remove: true })).toMatchObject({ removed: 4 });
    expect(ls(dir)).toBeNull();

    await expect(l.call("open_pinned", { name: "gone", dir })).rejects.toThrow(/No such file/);
    await expect(l.call("remove_pinned", { dir: join(root, "open") })).rejects.toThrow(
      /not a map set directory/,
    );
    const tmp = `/tmp/patronus-test-${randomBytes(4).toString("hex")}/maps-v3`;
    mkdirSync(tmp, { recursive: true });
    await expect(l.call("remove_pinned", { dir: tmp })).rejects.toThrow(/is not on bpffs/);
    rmSync(join(tmp, ".."), { recursive: true, force: true });
  });
});

describe("layout upgrade (patronus)", () => {
  const C = { src: "10.0.0.1", dst: "10.0.0.2", sport: 33000, dport: 80 };
  const S = { src: C.dst, dst: C.src, sport: C.dport, dport: C.sport };

  it("migrates the unversioned maps/ of the previous release; an established flow goes on", async () => {
    const pin = join(root, "patronus");
    const old = start();
    // The previous release's object (layout 0), as shipped: see fixtures/build-layout0.sh.
    const maps = (
      await old.call<{ maps: Record<string, unknown> }>("load", {
        name: "v0",
        path: LAYOUT0_OBJ,
        pin,
        layout: 0,
      })
    ).maps;
    expect(maps).toHaveProperty("conntrack");
    // slot 0, default allow, malformed drop, valid; no rate limits
    const ifc = `0000000001018000${"00".repeat(32)}`;
    await old.call("update", { name: "v0", map: "if_config", key: "00000000", value: ifc });
    const run = (frame: Buffer, prog: string) =>
      old.call("test_run", { name: "v0", prog, data: frame.toString("hex") });
    await run(ipv4({ ...C, proto: "tcp", flags: TCP.syn }), "xdp_ingress");
    await run(ipv4({ ...S, proto: "tcp", flags: TCP.syn | TCP.ack }), "tc_egress");
    const rows = await old.call<{ entries: [string, string][] }>("dump", {
      name: "v0",
      map: "conntrack",
    });
    const flows = rows.entries.map(([k, v]) => ({
      key: flowKeyV0.decode(Buffer.from(k, "hex")),
      entry: ctEntryV0.decode(Buffer.from(v, "hex")),
    }));
    expect(flows.map((f) => f.entry.state)).toEqual([CtState.established, CtState.established]);
    await old.call("unload", { name: "v0", keep: true });
    expect(ls(join(pin, "maps"))).toContain("conntrack");

    const dp = await Dataplane.load(start(), { name: "main", path: OBJ, pin });
    expect(dp.upgrade?.migrated?.from).toBe(0);
    expect(dp.upgrade?.removed).toEqual([join(pin, "maps")]);
    expect(ls(join(pin, "maps"))).toBeNull();
    expect(ls(join(pin, `maps-v${DP_LAYOUT_VERSION}`))).toContain("conntrack");
    const migrated = await dumpConntrack(dp);
    expect(migrated).toHaveLength(flows.length);
    const now = await dp.now();
    for (const f of flows) {
      const m = migrated.find((r) => r.key.saddr === f.key.saddr && r.key.sport === f.key.sport);
      expect(m?.key).toMatchObject({ ...f.key, family: 4 });
      expect(m?.entry).toMatchObject({
        state: f.entry.state,
        packets: f.entry.packets,
        dir: f.entry.dir,
      });
      expect(m!.entry.expires).toBeGreaterThan(now); // counted as active: never cut by the upgrade
    }

    // The next packet of the flow hits the migrated state in the new program, and a
    // RST cannot be judged until the sequence is seen, so nothing valid is refused.
    await setInterface(dp, { ifindex: 0, slot: 0, policy: true, defaultAction: "deny" });
    const res = await dp.testRun("xdp_ingress", ipv4({ ...C, proto: "tcp", flags: TCP.ack }));
    expect(res.retval).toBe(2); // XDP_PASS under default deny: the state was found
    const after = await dumpConntrack(dp);
    const orig = (r: typeof after) => r.find((x) => x.key.saddr.endsWith(C.src))!.entry.packets;
    expect(orig(after)).toBe(1n + flows.find((f) => f.key.saddr.endsWith(C.src))!.entry.packets);
    expect((await dp.reasonCounters(0)).ct_orig).toBe(1n);
    await dp.unload();
  });
});
