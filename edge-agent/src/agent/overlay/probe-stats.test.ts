import { describe, expect, it } from "vitest";
import { lossTimeoutMs, mos, type ProbeSample, windowStats } from "./probe-stats";
import { decodeProbe, effectiveIntervalMs, encodeProbe, pathHash } from "./probes";

const sample = (seq: number, sentAt: number, rttMs: number | null, lost = false): ProbeSample => ({
  seq,
  sentAt,
  rttMs,
  lost,
});

describe("windowStats", () => {
  it("mean RTT, mean |ΔRTT| and loss over the last 3 s; pending probes left out", () => {
    const s = [
      sample(0, 0, 50), // outside the window at now = 4000
      sample(1, 1500, 10),
      sample(2, 1600, 20),
      sample(3, 1700, null, true),
      sample(4, 1800, 14),
      sample(5, 3990, null), // pending
    ];
    const w = windowStats(s, 4000);
    expect(w.latencyMs).toBeCloseTo((10 + 20 + 14) / 3);
    expect(w.jitterMs).toBeCloseTo((10 + 6) / 2);
    expect(w.lossPct).toBeCloseTo(25);
    expect(w.sent).toBe(4);
    expect(w.lost).toBe(1);
  });

  it("nothing answered: no latency, jitter or MOS, loss 100 %; nothing decided: all null", () => {
    expect(windowStats([sample(0, 100, null, true)], 1200)).toMatchObject({
      latencyMs: null,
      jitterMs: null,
      lossPct: 100,
      mos: null,
    });
    expect(windowStats([], 200)).toMatchObject({ latencyMs: null, lossPct: null, sent: 0 });
  });

  it("a probe past its timeout counts as lost only once it is a second old (it may answer late)", () => {
    const s = [sample(0, 1000, 20), sample(1, 1100, null, true), sample(2, 1200, null, true)];
    expect(windowStats(s, 1500)).toMatchObject({ lossPct: 0, sent: 1 });
    expect(windowStats(s, 2150)).toMatchObject({ lossPct: 50, sent: 2 });
    expect(windowStats(s, 2300)).toMatchObject({ lost: 2, sent: 3 });
  });

  it("a single answer has jitter 0", () => {
    expect(windowStats([sample(0, 100, 30)], 200).jitterMs).toBe(0);
  });
});

describe("mos (simplified E-model)", () => {
  it("is 4.4 on a clean short path and falls with delay, jitter and loss", () => {
    expect(mos(0, 0, 0)).toBeCloseTo(4.404, 3);
    expect(mos(20, 2, 0)).toBeGreaterThan(4.3);
    expect(mos(150, 10, 0)).toBeLessThan(mos(20, 2, 0));
    expect(mos(20, 2, 5)).toBeLessThan(mos(20, 2, 0));
    expect(mos(20, 30, 0)).toBeLessThan(mos(20, 2, 0));
  });

  it("uses the steeper delay slope from an effective delay of 160 ms (R continuous there)", () => {
    const below = mos(149.99, 0, 0); // d = 159.99
    const at = mos(150, 0, 0); // d = 160
    expect(Math.abs(below - at)).toBeLessThan(0.01);
    expect(mos(400, 0, 0)).toBeLessThan(mos(200, 0, 0) - 0.5);
  });

  it("stays within 1 … 4.5", () => {
    expect(mos(5000, 500, 100)).toBe(1);
    expect(mos(0, 0, 0)).toBeLessThanOrEqual(4.5);
  });
});

describe("loss timeout", () => {
  it("is max(3 × RTT, 60 ms), and a second while no RTT is known", () => {
    expect(lossTimeoutMs(5)).toBe(60);
    expect(lossTimeoutMs(40)).toBe(120);
    expect(lossTimeoutMs(null)).toBe(1000);
  });
});

describe("probe packets", () => {
  it("round-trip magic, path hash, seq and send time; anything else is refused", () => {
    const b = encodeProbe(pathHash("a~b"), 0xfffffffe, 123456789012345n);
    expect(b).toHaveLength(24);
    expect(decodeProbe(b)).toEqual({
      hash: pathHash("a~b"),
      seq: 0xfffffffe,
      sentNs: 123456789012345n,
    });
    expect(decodeProbe(Buffer.concat([b, Buffer.alloc(1)]))).toBeNull();
    const bad = Buffer.from(b);
    bad[0] = 0;
    expect(decodeProbe(bad)).toBeNull();
    expect(pathHash("a~b")).not.toBe(pathHash("a~c"));
  });

  it("spreads the probe budget: at most 2000 probes/s over all paths", () => {
    expect(effectiveIntervalMs(100, 10)).toBe(100);
    expect(effectiveIntervalMs(100, 200)).toBe(100);
    expect(effectiveIntervalMs(100, 1000)).toBe(500);
    expect(effectiveIntervalMs(20, 1024)).toBe(512);
  });
});
