import { describe, expect, it } from "vitest";
import {
  type DraftEvent,
  rankCandidates,
  Selector,
  type SelectPath,
  type SelectUnit,
  violation,
} from "./select";
import type { PathState } from "./types";

const SLA = { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 };

function path(id: string, over: Partial<SelectPath> = {}): SelectPath {
  return {
    id,
    remoteSiteId: "site_b",
    cost: 10,
    state: "up",
    metrics: { latencyMs: 20, jitterMs: 2, lossPct: 0 },
    ...over,
  };
}
const unit = (over: Partial<SelectUnit> = {}): SelectUnit => ({
  key: "class:1",
  name: "Voice",
  sla: SLA,
  onViolation: "best_effort",
  preferred: [],
  ...over,
});

/** A selector with a hand-driven clock and a mutable set of paths. */
function bed(o: { holdDownMs?: number; units?: SelectUnit[]; paths: SelectPath[] }) {
  const sel = new Selector(o.holdDownMs ?? 30_000);
  const units = o.units ?? [unit()];
  const paths = new Map(o.paths.map((p) => [p.id, p]));
  let now = 1_000;
  const all: DraftEvent[] = [];
  const step = (ms = 0) => {
    now += ms;
    const r = sel.evaluate(units, [...paths.values()], now);
    all.push(...r.events);
    return r;
  };
  const set = (id: string, over: Partial<SelectPath>) =>
    paths.set(id, { ...paths.get(id)!, ...over });
  const down = (id: string) => set(id, { state: "down", downReason: "3 probes lost" });
  const up = (id: string) => set(id, { state: "up", downReason: undefined });
  const current = (u = units[0]!.key, site = "site_b") => sel.current(u, site);
  return { sel, step, set, down, up, current, all, paths };
}

describe("rankCandidates", () => {
  it("puts preferred paths first in their order, then the rest by cost, then id", () => {
    const ps = [
      path("d", { cost: 5 }),
      path("c", { cost: 1 }),
      path("b", { cost: 5 }),
      path("a", { cost: 9 }),
    ];
    expect(rankCandidates(ps, ["a", "x"]).map((p) => p.id)).toEqual(["a", "c", "b", "d"]);
    expect(rankCandidates(ps, []).map((p) => p.id)).toEqual(["c", "b", "d", "a"]);
  });
});

describe("violation", () => {
  it("names the metric and the bound", () => {
    expect(
      violation(path("p", { metrics: { latencyMs: 212, jitterMs: 2, lossPct: 0 } }), SLA),
    ).toBe("latency 212 ms > 150 ms");
    expect(
      violation(path("p", { metrics: { latencyMs: 20, jitterMs: 45.4, lossPct: 5 } }), SLA),
    ).toBe("jitter 45 ms > 30 ms; loss 5 % > 1 %");
    expect(
      violation(path("p", { metrics: { latencyMs: 20, jitterMs: 2, lossPct: 1.25 } }), SLA),
    ).toBe("loss 1.3 % > 1 %");
    expect(violation(path("p", { state: "down", downReason: "3 probes lost" }), SLA)).toBe(
      "3 probes lost",
    );
    expect(violation(path("p", { state: "unknown" }), undefined)).toBe("no probe answered yet");
    expect(violation(undefined, SLA)).toBe("path removed");
    expect(violation(path("p"), SLA)).toBeNull();
    expect(
      violation(path("p", { metrics: { latencyMs: 999, jitterMs: 99, lossPct: 50 } }), undefined),
    ).toBeNull();
  });

  it("a down path never meets anything, whatever its last window says", () => {
    expect(violation(path("p", { state: "down" }), undefined)).toBe("path down");
  });
});

describe("Selector", () => {
  it("picks the best-ranked path that meets the SLA at first, with an initial event", () => {
    const b = bed({ paths: [path("p1", { cost: 20 }), path("p0", { cost: 10 })] });
    const r = b.step();
    expect(r.changes).toEqual([{ unit: "class:1", remoteSiteId: "site_b", from: null, to: "p0" }]);
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: "initial",
        toPath: "p0",
        fromPath: null,
        reason: "meets the SLA",
      }),
    ]);
    expect(b.step(100).changes).toEqual([]);
  });

  it("waits while no path has answered, and selects nothing when nothing is up", () => {
    const b = bed({ paths: [path("p0", { state: "unknown" }), path("p1", { state: "unknown" })] });
    expect(b.step().changes).toEqual([]);
    expect(b.current()).toBeNull();
    b.down("p0");
    b.down("p1");
    expect(b.step(5000).changes).toEqual([]);
    expect(b.current()).toBeNull();
  });

  it("fails over at once when the current path goes down, naming why", () => {
    const b = bed({ paths: [path("p0"), path("p1", { cost: 20 })] });
    b.step();
    b.down("p0");
    const r = b.step(10);
    expect(r.changes).toEqual([{ unit: "class:1", remoteSiteId: "site_b", from: "p0", to: "p1" }]);
    expect(r.events.map((e) => [e.kind, e.reason])).toEqual([
      ["path_down", "3 probes lost"],
      ["failover", "3 probes lost"],
    ]);
    expect(r.events[0]).toMatchObject({ unit: "path:p0", fromPath: "p0", toPath: "p0" });
  });

  it("fails over when the current path violates the SLA and another meets it", () => {
    const b = bed({ paths: [path("p0"), path("p1", { cost: 20 })] });
    b.step();
    b.set("p0", { metrics: { latencyMs: 212, jitterMs: 2, lossPct: 0 } });
    const r = b.step(10);
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: "failover",
        fromPath: "p0",
        toPath: "p1",
        reason: "latency 212 ms > 150 ms",
        metrics: { latencyMs: 212, jitterMs: 2, lossPct: 0 },
      }),
    ]);
  });

  it("fails back only after the better path met the SLA for the whole hold-down", () => {
    const b = bed({ holdDownMs: 30_000, paths: [path("p0"), path("p1", { cost: 20 })] });
    b.step();
    b.down("p0");
    b.step(10);
    b.up("p0");
    const r = b.step(10);
    expect(r.events.map((e) => e.kind)).toEqual(["path_up"]);
    expect(r.events[0]!.reason).toMatch(/^probes answered again after 10 ms down$/);
    expect(b.step(29_999).changes).toEqual([]);
    expect(b.current()).toBe("p1");
    const back = b.step(1);
    expect(back.changes).toEqual([
      { unit: "class:1", remoteSiteId: "site_b", from: "p1", to: "p0" },
    ]);
    expect(back.events).toEqual([
      expect.objectContaining({ kind: "failback", reason: "failback after 30 s hold-down" }),
    ]);
  });

  it("restarts the hold-down when the better path breaks the SLA again (no flapping)", () => {
    const b = bed({ holdDownMs: 1000, paths: [path("p0"), path("p1", { cost: 20 })] });
    b.step();
    b.down("p0");
    b.step(10);
    b.up("p0");
    b.step(10);
    b.set("p0", { metrics: { latencyMs: 300, jitterMs: 2, lossPct: 0 } });
    b.step(600);
    b.set("p0", { metrics: { latencyMs: 20, jitterMs: 2, lossPct: 0 } });
    b.step(100);
    expect(b.step(900).changes).toEqual([]); // 1000 ms since up, but only 900 ms in SLA
    expect(b.current()).toBe("p1");
    expect(b.step(100).changes[0]?.to).toBe("p0");
    const switches = b.all.filter((e) => ["failover", "failback"].includes(e.kind));
    expect(switches.map((e) => e.kind)).toEqual(["failover", "failback"]);
  });

  it("stays on a path that meets the SLA while metrics jitter around below the bound", () => {
    const b = bed({ holdDownMs: 0, paths: [path("p0", { cost: 20 }), path("p1", { cost: 10 })] });
    b.step();
    expect(b.current()).toBe("p1");
    for (let i = 0; i < 50; i++) {
      b.set("p1", { metrics: { latencyMs: 100 + (i % 5) * 10, jitterMs: 5, lossPct: 0 } });
      b.set("p0", { metrics: { latencyMs: 5, jitterMs: 1, lossPct: 0 } });
      expect(b.step(100).changes).toEqual([]);
    }
  });

  it("takes a better-ranked path that comes up for the first time without hold-down", () => {
    const b = bed({ paths: [path("p0", { state: "unknown" }), path("p1", { cost: 20 })] });
    b.step();
    expect(b.current()).toBe("p1");
    b.up("p0");
    const r = b.step(50);
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: "failback",
        toPath: "p0",
        reason: "a better-ranked path came up",
      }),
    ]);
  });

  it("follows the preferred order before cost", () => {
    const b = bed({
      units: [unit({ preferred: ["lte", "fiber"] })],
      paths: [path("fiber", { cost: 10 }), path("lte", { cost: 90 }), path("dsl", { cost: 1 })],
    });
    b.step();
    expect(b.current()).toBe("lte");
    b.down("lte");
    b.step(10);
    expect(b.current()).toBe("fiber");
    b.down("fiber");
    b.step(10);
    expect(b.current()).toBe("dsl");
  });

  it("breaks cost ties by path id, so both ends of a mesh agree", () => {
    const b = bed({ paths: [path("z", { cost: 10 }), path("m", { cost: 10 })] });
    b.step();
    expect(b.current()).toBe("m");
  });

  it("best_effort: with no path meeting the SLA, uses the best up path by latency and loss", () => {
    const b = bed({
      paths: [
        path("p0", { metrics: { latencyMs: 400, jitterMs: 2, lossPct: 0 } }),
        path("p1", { cost: 20, metrics: { latencyMs: 180, jitterMs: 2, lossPct: 0 } }),
        path("p2", { cost: 30, metrics: { latencyMs: 160, jitterMs: 2, lossPct: 5 } }),
      ],
    });
    const r = b.step();
    expect(b.current()).toBe("p1"); // 180 beats 160 + 5 % × 20 ms
    expect(r.events[0]).toMatchObject({ kind: "initial" });
    expect(r.events[0]!.reason).toMatch(
      /^no path meets the SLA; best effort \(latency 180 ms, loss 0 %\)$/,
    );
  });

  it("best_effort: a violating current path stays unless another is clearly better", () => {
    const b = bed({
      paths: [
        path("p0", { metrics: { latencyMs: 200, jitterMs: 2, lossPct: 0 } }),
        path("p1", { cost: 20, metrics: { latencyMs: 195, jitterMs: 2, lossPct: 0 } }),
      ],
    });
    b.step();
    const first = b.current();
    b.set("p0", { metrics: { latencyMs: 196, jitterMs: 2, lossPct: 0 } });
    b.set("p1", { metrics: { latencyMs: 199, jitterMs: 2, lossPct: 0 } });
    expect(b.step(100).changes).toEqual([]);
    expect(b.current()).toBe(first);
  });

  it("best_effort: leaves a violating path for a much better one, and reports the violation", () => {
    const b = bed({ paths: [path("p0"), path("p1", { cost: 20 })] });
    b.step();
    b.set("p0", { metrics: { latencyMs: 400, jitterMs: 2, lossPct: 0 } });
    b.set("p1", { metrics: { latencyMs: 200, jitterMs: 2, lossPct: 0 } });
    const r = b.step(10);
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: "failover",
        toPath: "p1",
        reason:
          "latency 400 ms > 150 ms; no path meets the SLA, best effort (latency 200 ms, loss 0 %)",
      }),
    ]);
    b.set("p1", { metrics: { latencyMs: 100, jitterMs: 2, lossPct: 0 } });
    expect(b.step(10).events).toEqual([
      expect.objectContaining({ kind: "sla_ok", fromPath: "p1", reason: "meets the SLA again" }),
    ]);
  });

  it("hold: stays on the current path while it is up, even if another is better", () => {
    const b = bed({
      units: [unit({ onViolation: "hold" })],
      paths: [path("p0"), path("p1", { cost: 20 })],
    });
    b.step();
    b.set("p0", { metrics: { latencyMs: 400, jitterMs: 2, lossPct: 0 } });
    b.set("p1", { metrics: { latencyMs: 200, jitterMs: 2, lossPct: 0 } });
    const r = b.step(10);
    expect(r.changes).toEqual([]);
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: "sla_violation",
        reason: "latency 400 ms > 150 ms; no path meets the SLA, holding the current path",
      }),
    ]);
    expect(b.step(10).events).toEqual([]); // reported once
    b.down("p0");
    expect(b.step(10).changes[0]).toMatchObject({ from: "p0", to: "p1" });
  });

  it("any SLA-meeting candidate wins over best effort, and a path down never meets anything", () => {
    const b = bed({
      paths: [
        path("p0", { state: "down", metrics: { latencyMs: 1, jitterMs: 0, lossPct: 0 } }),
        path("p1", { cost: 20 }),
      ],
    });
    b.step();
    expect(b.current()).toBe("p1");
  });

  it("keeps the current path when everything is down", () => {
    const b = bed({ paths: [path("p0"), path("p1", { cost: 20 })] });
    b.step();
    b.down("p0");
    b.down("p1");
    const r = b.step(10);
    expect(r.changes).toEqual([]);
    expect(b.current()).toBe("p0");
    expect(r.events.map((e) => e.kind)).toEqual(["path_down", "path_down"]);
  });

  it("leaves a path removed from the config, to nothing when no other is up", () => {
    const b = bed({ paths: [path("p0"), path("p1", { cost: 20, state: "down" })] });
    b.step();
    b.paths.delete("p0");
    const r = b.step(10);
    expect(r.changes).toEqual([{ unit: "class:1", remoteSiteId: "site_b", from: "p0", to: null }]);
    expect(r.events[0]).toMatchObject({
      kind: "failover",
      reason: "path removed; no other path is up",
    });
  });

  it("without an SLA, any up path serves; each unit and remote site is selected on its own", () => {
    const units = [
      unit({ key: "class:default", name: "Default", sla: undefined }),
      unit({ key: "policy:p", preferred: ["c1"] }),
    ];
    const b = bed({
      units,
      paths: [
        path("b0", { metrics: { latencyMs: 900, jitterMs: 90, lossPct: 20 } }),
        path("c0", { remoteSiteId: "site_c" }),
        path("c1", { remoteSiteId: "site_c", cost: 50 }),
      ],
    });
    b.step();
    expect(b.current("class:default", "site_b")).toBe("b0");
    expect(b.current("class:default", "site_c")).toBe("c0");
    expect(b.current("policy:p", "site_c")).toBe("c1");
    expect(b.sel.selections()).toHaveLength(4);
  });

  it("keeps an adopted (seeded) path until its probes decide, without events", () => {
    const b = bed({ paths: [path("p0", { state: "unknown" }), path("p1", { cost: 20 })] });
    b.sel.seed(unit(), "site_b", "p0", 0);
    expect(b.step().events).toEqual([]);
    expect(b.current()).toBe("p0");
    b.up("p0");
    expect(b.step(10).changes).toEqual([]);
  });

  it("emits path_down once per outage and path_up only after a down", () => {
    const states: PathState[] = ["unknown", "up", "up", "down", "down", "up", "up"];
    const b = bed({ paths: [path("p0", { state: "unknown" })] });
    for (const s of states) {
      b.set("p0", { state: s, downReason: s === "down" ? "3 probes lost" : undefined });
      b.step(10);
    }
    expect(b.all.filter((e) => e.unit === "path:p0").map((e) => e.kind)).toEqual([
      "path_down",
      "path_up",
    ]);
  });
});
