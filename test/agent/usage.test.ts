// The agent's usage counters (edge-agent/src/agent/usage.ts): WAN interfaces from the
// desired config, byte counters read from a sysfs-like directory, totals that only grow,
// the synthetic counters of a simulated box, and an epoch of its own for every run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  advanceTally,
  EPOCH_JITTER_MS,
  newEpoch,
  newTally,
  parseIpLinkStats,
  simulatedCounters,
  simulatedRate,
  sysfsReader,
  UsageMeter,
  wanInterfaces,
} from "../../edge-agent/src/agent/usage";
import type { DeviceConfig } from "../../protocol";
import { ZUsageTelemetry } from "../../protocol";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A fake /sys/class/net: setCounters writes <root>/<if>/statistics/{rx,tx}_bytes. */
function sysfs() {
  const root = mkdtempSync(join(tmpdir(), "patronus-sysfs-"));
  roots.push(root);
  return {
    root,
    set(ifname: string, rx: number | string, tx: number | string) {
      const dir = join(root, ifname, "statistics");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "rx_bytes"), `${rx}\n`);
      writeFileSync(join(dir, "tx_bytes"), `${tx}\n`);
    },
    remove(ifname: string) {
      rmSync(join(root, ifname), { recursive: true, force: true });
    },
  };
}

const config = (overlayLinks: string[] | null): DeviceConfig =>
  ({
    interfaces: { wan: "eth0", lan: "eth1", wanIngress: "native" },
    ...(overlayLinks
      ? { overlay: { links: overlayLinks.map((ifname, i) => ({ id: `l${i}`, ifname })) } }
      : {}),
  }) as unknown as DeviceConfig;

describe("WAN interfaces", () => {
  it("are the overlay's links when the config has an overlay, else the data plane's WAN", () => {
    expect(wanInterfaces(null)).toEqual([]);
    expect(wanInterfaces(config(null))).toEqual(["eth0"]);
    expect(wanInterfaces(config([]))).toEqual(["eth0"]);
    expect(wanInterfaces(config(["eth0", "lte0", "eth0"]))).toEqual(["eth0", "lte0"]);
  });
});

describe("sysfs reader", () => {
  it("reads rx/tx bytes and skips missing or unreadable interfaces", () => {
    const fs = sysfs();
    fs.set("eth0", 1234, 567);
    fs.set("bad0", "garbage", 1);
    const read = sysfsReader(fs.root);
    expect(read("eth0")).toEqual({ rx: 1234, tx: 567 });
    expect(read("nope0")).toBeNull();
    expect(read("bad0")).toBeNull();
  });
});

describe("tally", () => {
  it("counts from each interface's first reading, adds growth, restarts with a reset counter", () => {
    let t = newTally();
    t = advanceTally(t, new Map([["eth0", { rx: 1000, tx: 500 }]]));
    expect(t.total).toEqual({ rx: 0, tx: 0 }); // the baseline
    t = advanceTally(t, new Map([["eth0", { rx: 1600, tx: 700 }]]));
    expect(t.total).toEqual({ rx: 600, tx: 200 });
    // A second link appears: it counts from its own first reading.
    t = advanceTally(
      t,
      new Map([
        ["eth0", { rx: 1700, tx: 700 }],
        ["lte0", { rx: 9000, tx: 9000 }],
      ]),
    );
    expect(t.total).toEqual({ rx: 700, tx: 200 });
    // lte0 re-created (counters restart), eth0 gone: totals still only grow.
    t = advanceTally(
      t,
      new Map([
        ["eth0", null],
        ["lte0", { rx: 50, tx: 10 }],
      ]),
    );
    expect(t.total).toEqual({ rx: 750, tx: 210 });
    expect([...t.last.keys()]).toEqual(["lte0"]);
  });
});

describe("usage meter", () => {
  it("reports the WAN bytes since its start with its epoch, valid on the wire", () => {
    const fs = sysfs();
    fs.set("eth0", 10_000, 20_000);
    let ifs = ["eth0"];
    const meter = new UsageMeter(
      { kind: "wan", read: sysfsReader(fs.root), interfaces: () => ifs },
      1_700_000_000_000,
    );
    expect(meter.sample()).toEqual({ epoch: 1_700_000_000_000, rx_bytes: 0, tx_bytes: 0 });
    fs.set("eth0", 13_000, 20_500);
    fs.set("lte0", 100, 100);
    ifs = ["eth0", "lte0"]; // the overlay arrived
    expect(meter.sample()).toMatchObject({ rx_bytes: 3000, tx_bytes: 500 });
    fs.set("lte0", 400, 150);
    fs.remove("eth0");
    const last = meter.sample();
    expect(last).toMatchObject({ rx_bytes: 3300, tx_bytes: 550 });
    const wire = { v: 1, at: new Date().toISOString(), metrics: last };
    expect(ZUsageTelemetry.parse(wire)).toEqual(wire);
  });

  it("a simulated box counts at a steady, modest per-device rate", () => {
    const rate = simulatedRate("org1.dev1");
    expect(rate).toBeGreaterThanOrEqual(20_000);
    expect(rate).toBeLessThanOrEqual(80_000);
    expect(simulatedRate("org1.dev1")).toBe(rate);
    expect(simulatedCounters("org1.dev1", 0)).toEqual({ rx: 0, tx: 0 });
    const hour = simulatedCounters("org1.dev1", 3_600_000);
    expect(hour.rx).toBe(rate * 3600);
    expect(hour.tx).toBe(Math.floor(hour.rx * 0.4));

    // It counts from the meter's start, not from its epoch (a little earlier on purpose).
    let clock = 5_000;
    const meter = new UsageMeter({ kind: "simulated", seed: "org1.dev1" }, 4_000, () => clock);
    expect(meter.sample()).toEqual({ epoch: 4_000, rx_bytes: 0, tx_bytes: 0, classes: [] });
    clock += 30_000;
    const a = meter.sample();
    clock += 30_000;
    const b = meter.sample();
    expect(a.rx_bytes).toBe(rate * 30);
    expect(b.rx_bytes).toBe(rate * 60);
    expect(b.tx_bytes).toBeGreaterThan(a.tx_bytes);
  });

  it("each run's epoch is its start less a random part of a minute: runs on one clock differ", () => {
    const start = 1_700_000_000_000;
    const epochs = Array.from({ length: 100 }, () => newEpoch(start));
    for (const e of epochs) {
      expect(e).toBeLessThanOrEqual(start);
      expect(e).toBeGreaterThan(start - EPOCH_JITTER_MS);
    }
    // A box without a real-time clock boots to the same time: its runs still differ.
    expect(new Set(epochs).size).toBeGreaterThan(90);
    expect(newEpoch(10)).toBeGreaterThanOrEqual(1); // a clock at 1970 still gives a valid one
  });
});

describe("parseIpLinkStats", () => {
  it("takes the byte counters of `ip -j -s link show dev <if>`", () => {
    const out = JSON.stringify([
      {
        ifname: "wan0",
        stats64: { rx: { bytes: 1234, packets: 3 }, tx: { bytes: 99, packets: 1 } },
      },
    ]);
    expect(parseIpLinkStats(out)).toEqual({ rx: 1234, tx: 99 });
  });

  it("is null for output without counters, with bad counters, or that is not JSON", () => {
    for (const out of [
      "[]",
      JSON.stringify([{ ifname: "wan0" }]),
      JSON.stringify([{ stats64: { rx: { bytes: -1 }, tx: { bytes: 5 } } }]),
      JSON.stringify([{ stats64: { rx: { bytes: "12" }, tx: { bytes: 5 } } }]),
      JSON.stringify({ stats64: { rx: { bytes: 1 }, tx: { bytes: 5 } } }),
      'Device "wan0" does not exist.',
      "",
    ])
      expect(parseIpLinkStats(out)).toBeNull();
  });
});
