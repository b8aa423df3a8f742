// The WAN emulator's impairment math and delay line, and the test bed's address plan:
// pure units (the relay itself runs in bpf-tier tests next to this file).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SITE_NAMES, sitePlan } from "../../../testkit/netns/address-plan";
import {
  CLEAR,
  DelayLine,
  loses,
  sampleDelay,
  ZImpairment,
  ZImpairmentPatch,
} from "../../../testkit/netns/wan-impairment";

const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe("sampleDelay", () => {
  it("is the delay when there is no jitter", () => {
    expect(sampleDelay({ ...CLEAR, delayMs: 40 })).toBe(40);
  });

  it("uniform jitter spans delay ± jitter", () => {
    const imp = { ...CLEAR, delayMs: 40, jitterMs: 10 };
    expect(sampleDelay(imp, seq(0))).toBe(30);
    expect(sampleDelay(imp, seq(0.5))).toBe(40);
    expect(sampleDelay(imp, seq(0.999999))).toBeCloseTo(50, 3);
  });

  it("never goes below zero", () => {
    const imp = { ...CLEAR, delayMs: 5, jitterMs: 50 };
    for (const r of [0, 0.01, 0.2]) expect(sampleDelay(imp, seq(r))).toBe(0);
    expect(sampleDelay({ ...imp, jitter: "normal" }, seq(0.999, 0.5))).toBe(0);
  });

  it("normal jitter has the jitter as standard deviation", () => {
    const imp = { ...CLEAR, delayMs: 100, jitterMs: 10, jitter: "normal" as const };
    const n = 20_000;
    const samples = Array.from({ length: n }, () => sampleDelay(imp));
    const mean = samples.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(mean).toBeGreaterThan(99);
    expect(mean).toBeLessThan(101);
    expect(sd).toBeGreaterThan(9);
    expect(sd).toBeLessThan(11);
  });
});

describe("loses", () => {
  it("follows lossPct", () => {
    expect(loses({ ...CLEAR, lossPct: 0 }, seq(0))).toBe(false);
    expect(loses({ ...CLEAR, lossPct: 100 }, seq(0.9999))).toBe(true);
    expect(loses({ ...CLEAR, lossPct: 30 }, seq(0.29))).toBe(true);
    expect(loses({ ...CLEAR, lossPct: 30 }, seq(0.31))).toBe(false);
  });
});

describe("impairment schema", () => {
  it("rejects what the relay must not take", () => {
    expect(ZImpairmentPatch.safeParse({ lossPct: 101 }).success).toBe(false);
    expect(ZImpairmentPatch.safeParse({ delayMs: -1 }).success).toBe(false);
    expect(ZImpairmentPatch.safeParse({ jitter: "pareto" }).success).toBe(false);
    expect(ZImpairmentPatch.safeParse({ down: "yes" }).success).toBe(false);
    expect(ZImpairmentPatch.safeParse({ delay: 5 }).success).toBe(false);
    expect(ZImpairmentPatch.safeParse({}).success).toBe(true);
    expect(ZImpairment.safeParse(CLEAR).success).toBe(true);
  });
});

describe("DelayLine", () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 0;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  it("releases at once when nothing is held and there is no delay", () => {
    const line = new DelayLine(now);
    const out: number[] = [];
    line.push(0, () => out.push(1), true);
    expect(out).toEqual([1]);
  });

  it("holds for the delay and never releases early", () => {
    const line = new DelayLine(now);
    const out: number[] = [];
    line.push(10, () => out.push(1), true);
    advance(9);
    expect(out).toEqual([]);
    advance(1);
    expect(out).toEqual([1]);
    expect(line.size).toBe(0);
  });

  it("keeps FIFO order without jitter, also when the delay drops", () => {
    const line = new DelayLine(now);
    const out: number[] = [];
    line.push(50, () => out.push(1), true);
    advance(1);
    line.push(0, () => out.push(2), true); // due before 1, but must not overtake it
    line.push(5, () => out.push(3), true);
    advance(10);
    expect(out).toEqual([]);
    advance(40);
    expect(out).toEqual([1, 2, 3]);
  });

  it("lets jittered datagrams overtake, in due order", () => {
    const line = new DelayLine(now);
    const out: number[] = [];
    line.push(30, () => out.push(1), false);
    line.push(10, () => out.push(2), false);
    line.push(20, () => out.push(3), false);
    line.push(20, () => out.push(4), false); // same due time: pushed order
    advance(30);
    expect(out).toEqual([2, 3, 4, 1]);
  });

  it("clear() drops what it holds", () => {
    const line = new DelayLine(now);
    const out: number[] = [];
    line.push(10, () => out.push(1), true);
    line.clear();
    advance(20);
    expect(out).toEqual([]);
  });
});

describe("address plan", () => {
  it("gives every site and link its own addresses", () => {
    const plans = SITE_NAMES.map((_, i) => sitePlan(i, 2));
    const all = plans.flatMap((p) => [
      p.lanPrefix,
      p.lanAddress,
      p.hostAddress,
      ...p.links.flatMap((l) => [l.network, l.realAddress, l.gateway, l.publicAddress]),
    ]);
    expect(new Set(all).size).toBe(all.length);
    expect(plans[1]).toMatchObject({
      name: "b",
      lanPrefix: "10.11.0.0/24",
      lanAddress: "10.11.0.1",
      hostAddress: "10.11.0.2",
      links: [
        {
          ifname: "wan0",
          name: "b.wan0",
          realAddress: "172.16.10.2",
          gateway: "172.16.10.1",
          publicAddress: "203.0.113.20",
        },
        { ifname: "wan1", realAddress: "172.16.11.2", publicAddress: "203.0.113.21" },
      ],
    });
    for (const l of plans.flatMap((p) => p.links))
      expect(l.inetIfname.length).toBeLessThanOrEqual(15);
  });

  it("refuses sites and link counts it has no addresses for", () => {
    expect(() => sitePlan(3, 2)).toThrow(/sites a, b, c/);
    expect(() => sitePlan(0, 0)).toThrow(/linksPerSite/);
  });
});
