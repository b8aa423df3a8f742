// The agent's bytes per application class (edge-agent/src/agent/usage-classes.ts): the
// tally of the data plane's per-app-id counters (baseline, growth, a data-plane reload,
// names that change, the bound), a simulated box's split, and the meter's reports.
import { describe, expect, it } from "vitest";
import { UsageMeter } from "../../edge-agent/src/agent/usage";
import {
  type AppCounters,
  advanceClassTally,
  appClassNames,
  classesOf,
  DEMO_CLASSES,
  newClassTally,
  simulatedClassNames,
  splitByWeight,
} from "../../edge-agent/src/agent/usage-classes";
import { type DeviceConfig, MAX_USAGE_CLASSES, ZUsageTelemetry } from "../../protocol";

const reading = (entries: [number, number, number][]): AppCounters =>
  new Map(entries.map(([id, rx, tx]) => [id, { rx: BigInt(rx), tx }]));
const names = (entries: [number, string][]) => new Map(entries);
const asObject = (t: ReturnType<typeof newClassTally>) => Object.fromEntries(t.total);

describe("class tally", () => {
  it("counts from the first reading, adds growth, and names unclassified traffic", () => {
    const n = names([
      [1, "web"],
      [2, "voice"],
    ]);
    let t = advanceClassTally(
      newClassTally(),
      reading([
        [1, 1000, 100],
        [0, 50, 5],
      ]),
      n,
    );
    expect(asObject(t)).toEqual({}); // the baseline
    t = advanceClassTally(
      t,
      reading([
        [1, 1600, 150],
        [0, 80, 5],
        [2, 30, 30],
      ]),
      n,
    );
    // id 2 appeared after the baseline: its counter started at zero since then.
    expect(asObject(t)).toEqual({
      web: { rx: 600, tx: 50 },
      other: { rx: 30, tx: 0 },
      voice: { rx: 30, tx: 30 },
    });
  });

  it("a data-plane reload (counters restart) adds what was counted since", () => {
    const n = names([[1, "web"]]);
    let t = advanceClassTally(newClassTally(), reading([[1, 5000, 500]]), n);
    t = advanceClassTally(t, reading([[1, 6000, 700]]), n);
    t = advanceClassTally(t, reading([[1, 40, 10]]), n); // reloaded
    t = advanceClassTally(t, reading([[1, 100, 20]]), n);
    expect(asObject(t)).toEqual({ web: { rx: 1100, tx: 220 } });
  });

  it("growth goes to the name current at sampling; ids without a class are 'other'", () => {
    let t = advanceClassTally(
      newClassTally(),
      reading([
        [1, 0, 0],
        [7, 0, 0],
      ]),
      names([[1, "web"]]),
    );
    t = advanceClassTally(
      t,
      reading([
        [1, 100, 0],
        [7, 10, 0],
      ]),
      names([[1, "web"]]),
    );
    t = advanceClassTally(
      t,
      reading([
        [1, 250, 0],
        [7, 15, 0],
      ]),
      names([
        [1, "browsing"],
        [7, "voice"],
      ]),
    );
    expect(asObject(t)).toEqual({
      web: { rx: 100, tx: 0 },
      other: { rx: 10, tx: 0 },
      browsing: { rx: 150, tx: 0 },
      voice: { rx: 5, tx: 0 },
    });
    // Names a report could not carry count as unclassified.
    t = advanceClassTally(t, reading([[1, 260, 0]]), names([[1, " padded"]]));
    expect(t.total.get("other")).toEqual({ rx: 20, tx: 0 });
  });

  it("skips counters beyond what JavaScript holds exactly; stays within the report's bound", () => {
    let t = advanceClassTally(
      newClassTally(),
      new Map([[1, { rx: 2n ** 60n, tx: 0n }]]),
      names([]),
    );
    expect(t.last?.size).toBe(0);
    const many = names(Array.from({ length: 100 }, (_, i) => [i + 1, `c${i}`] as [number, string]));
    const zero = reading(Array.from({ length: 100 }, (_, i) => [i + 1, 0, 0]));
    t = advanceClassTally(newClassTally(), zero, many);
    t = advanceClassTally(t, reading(Array.from({ length: 100 }, (_, i) => [i + 1, 10, 10])), many);
    expect(t.total.size).toBe(MAX_USAGE_CLASSES);
    expect(t.total.get("other")).toEqual({ rx: 370, tx: 370 }); // 37 classes over the bound
    const wire = {
      v: 1,
      at: new Date().toISOString(),
      metrics: { epoch: 1, rx_bytes: 0, tx_bytes: 0, classes: classesOf(t) },
    };
    expect(ZUsageTelemetry.safeParse(wire).success).toBe(true);
  });
});

describe("class names of a config", () => {
  it("map the overlay's class ids to names", () => {
    const config = {
      overlay: {
        classes: [
          { id: 3, name: "voice" },
          { id: 9, name: "M365" },
        ],
      },
    };
    expect(appClassNames(config as unknown as DeviceConfig)).toEqual(
      names([
        [3, "voice"],
        [9, "M365"],
      ]),
    );
    expect(appClassNames(null).size).toBe(0);
  });
});

describe("a simulated box's classes", () => {
  it("are its config's classes plus 'other', else a demo set", () => {
    expect(simulatedClassNames([])).toEqual([...DEMO_CLASSES]);
    expect(simulatedClassNames(["voice", "crm"])).toEqual(["voice", "crm", "other"]);
  });

  it("split bytes by fixed per-seed weights, adding up exactly", () => {
    const parts = splitByWeight("org.dev", DEMO_CLASSES, 1_000_003);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_003);
    expect(splitByWeight("org.dev", DEMO_CLASSES, 1_000_003)).toEqual(parts);
    for (const p of parts) expect(p).toBeGreaterThan(0);
  });

  it("report classes that never add up to more than the totals, growing every report", () => {
    let clock = 0;
    const meter = new UsageMeter({ kind: "simulated", seed: "org1.dev1" }, 1, () => clock);
    let before = meter.sample();
    for (let i = 0; i < 5; i++) {
      clock += 7_777;
      const m = meter.sample();
      const sum = (k: "rx_bytes" | "tx_bytes") => (m.classes ?? []).reduce((n, c) => n + c[k], 0);
      expect(sum("rx_bytes")).toBeLessThanOrEqual(m.rx_bytes);
      expect(sum("tx_bytes")).toBeLessThanOrEqual(m.tx_bytes);
      expect(m.classes?.map((c) => c.name).sort()).toEqual([...DEMO_CLASSES].sort());
      for (const c of m.classes ?? []) {
        const p = before.classes?.find((x) => x.name === c.name);
        expect(c.rx_bytes).toBeGreaterThanOrEqual(p?.rx_bytes ?? 0);
      }
      before = m;
    }
  });
});

describe("usage meter with the data plane's counters", () => {
  it("reports classes once the baseline is read, and goes on when a reading fails", async () => {
    let counters: AppCounters = reading([[1, 100, 10]]);
    let fail = false;
    const meter = new UsageMeter(
      {
        kind: "wan",
        read: () => ({ rx: 0, tx: 0 }),
        interfaces: () => ["eth0"],
        classes: {
          read: async () => {
            if (fail) throw new Error("map gone");
            return counters;
          },
          names: () => names([[1, "web"]]),
        },
      },
      5,
    );
    expect(meter.sample().classes).toBeUndefined(); // no reading yet
    expect((await meter.report()).classes).toEqual([]);
    counters = reading([[1, 400, 30]]);
    fail = true;
    expect((await meter.report()).classes).toEqual([]); // kept as it was
    fail = false;
    expect((await meter.report()).classes).toEqual([{ name: "web", rx_bytes: 300, tx_bytes: 20 }]);
  });

  it("without a class reader, reports carry no classes", async () => {
    const meter = new UsageMeter({ kind: "wan", read: () => null, interfaces: () => [] }, 5);
    expect(await meter.report()).toEqual({ epoch: 5, rx_bytes: 0, tx_bytes: 0 });
  });
});

describe("a simulated box before its first config", () => {
  it("holds its bytes back, then splits them over the config's classes", () => {
    let clock = 0;
    let names: string[] | null = null;
    const meter = new UsageMeter(
      { kind: "simulated", seed: "org1.dev1", classNames: () => names },
      1,
      () => clock,
    );
    clock += 10_000;
    const before = meter.sample();
    expect(before.rx_bytes).toBeGreaterThan(0);
    expect(before.classes).toEqual([]);
    names = ["voice", "crm"];
    clock += 10_000;
    const after = meter.sample();
    expect(after.classes?.map((c) => c.name)).toEqual(["crm", "other", "voice"]);
    expect((after.classes ?? []).reduce((n, c) => n + c.rx_bytes, 0)).toBe(after.rx_bytes);
  });
});
