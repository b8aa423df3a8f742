import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { decode, topics, ZOverlayStatus, ZPathEvents, ZPathReport } from "../../../../protocol";
import { makeOverlay } from "../cli";
import { parseConfig } from "../config";
import { silentLogger } from "../log";
import { KEY_FILE } from "./keys";
import { OverlayPublisher } from "./publisher";
import { SimOverlay } from "./sim-overlay";
import {
  KIND_PROFILES,
  kindFromName,
  type LinkKind,
  pathParams,
  SimPath,
} from "./sim-overlay-model";
import { overlayConfig } from "./test-fixtures";
import type { OverlayConfig, PathEvent } from "./types";
import { OverlayConfigError } from "./validate";

const dirs: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A simulated overlay on a clock the test moves (no timer of its own). */
function sim(o: { stateDir?: string } = {}) {
  const clock = { t: 1_000_000 };
  const overlay = new SimOverlay({ ...o, tickMs: 0, now: () => clock.t });
  const events: PathEvent[] = [];
  overlay.on("event", (e) => events.push(e));
  /** Moves the clock by `ms` in ticks of a second, as the timer would. */
  const run = (ms: number) => {
    for (let left = ms; left > 0; left -= 1000) {
      clock.t += Math.min(1000, left);
      overlay.tick();
    }
  };
  return { overlay, events, clock, run };
}

const withGuestsPreferring = (pathId: string): OverlayConfig => {
  const c = overlayConfig();
  return {
    ...c,
    policies: c.policies.map((p) => (p.id === "guests" ? { ...p, preferred: [pathId] } : p)),
  };
};

describe("synthetic path model", () => {
  it("knows link kinds by name, and the slower link sets the range", () => {
    expect(kindFromName("lte")).toBe("lte");
    expect(kindFromName("Fibre 2")).toBe("fiber");
    expect(kindFromName("mpls-core")).toBe("mpls");
    expect(kindFromName("internet")).toBeNull();
    const p = pathParams("a~b", ["fiber", "lte"]);
    expect(p.minMs).toBe(35);
    expect(p.maxMs).toBe(70);
    expect(p.baseMs).toBeGreaterThanOrEqual(35);
    expect(p.baseMs).toBeLessThanOrEqual(70);
    // Both ends of a path derive the same numbers from its id.
    expect(pathParams("a~b", ["lte", "fiber"])).toEqual(p);
  });

  it.each(Object.keys(KIND_PROFILES) as LinkKind[])(
    "%s: latency within its range over an hour, small jitter, rare loss",
    (kind) => {
      const { latencyMs, jitterMs } = KIND_PROFILES[kind];
      for (const id of ["x0~y0", "x1~y1", "x2~y2"]) {
        const path = new SimPath(pathParams(id, [kind, kind]), 42, 100, 0);
        let lossWindows = 0;
        for (let t = 1000; t <= 3_600_000; t += 1000) {
          path.advance(t);
          const { stats } = path.view(t);
          expect(stats.latencyMs!).toBeGreaterThan(latencyMs[0] - 2 * jitterMs[1]);
          expect(stats.latencyMs!).toBeLessThan(latencyMs[1] + 2 * jitterMs[1]);
          expect(stats.jitterMs!).toBeLessThan(2.5 * jitterMs[1]);
          if (stats.lossPct! > 0) lossWindows++;
        }
        // A lost probe shows in about two windows; an hour has 3,600.
        expect(lossWindows).toBeLessThan(200);
        expect(path.counters.sent).toBe(36_031);
      }
    },
  );

  it("is deterministic for a seed", () => {
    const params = pathParams("a0~b1", ["broadband", "lte"]);
    const a = new SimPath(params, 7, 100, 0);
    const b = new SimPath(params, 7, 100, 0);
    const c = new SimPath(params, 8, 100, 0);
    for (const t of [1000, 2000, 5000]) for (const p of [a, b, c]) p.advance(t);
    expect(a.view(5000).stats).toEqual(b.view(5000).stats);
    expect(a.view(5000).stats).not.toEqual(c.view(5000).stats);
  });

  it("catches up at most one window after a pause", () => {
    const path = new SimPath(pathParams("a~b", ["fiber", "fiber"]), 1, 100, 0);
    path.advance(10 * 3_600_000);
    expect(path.counters.sent).toBeLessThan(100);
    expect(path.view(10 * 3_600_000).stats.sent).toBeGreaterThan(25);
  });
});

describe("simulated overlay", () => {
  it("keeps a real tunnel key in the state dir, and runs nothing before a config", async () => {
    vi.useFakeTimers();
    const dir = await mkdtemp(join(tmpdir(), "patronus-sim-overlay-"));
    dirs.push(dir);
    const a = new SimOverlay({ stateDir: dir });
    await a.start();
    expect((await stat(join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
    const b = new SimOverlay({ stateDir: dir });
    await b.start();
    expect(b.publicKey).toBe(a.publicKey);
    const s = ZOverlayStatus.parse(a.status());
    expect(s).toMatchObject({ publicKey: a.publicKey, tunnels: [] });
    expect(a.config).toBeNull();
    await a.apply(undefined);
    expect(vi.getTimerCount()).toBe(0);
    expect((await a.report()).paths).toEqual([]);
  });

  it("reports every path up, with measurements by link kind and the real selection", async () => {
    const { overlay, events, run } = sim();
    const statuses: unknown[] = [];
    overlay.on("status", (s) => statuses.push(s));
    const config = overlayConfig();
    overlay.validate(config);
    await overlay.apply(config);
    await overlay.verify(config);
    expect(overlay.config).toBe(config);

    const status = ZOverlayStatus.parse(statuses.at(-1));
    expect(status.tunnels.map((t) => [t.pathId, t.state])).toEqual([
      ["a0~b0", "up"],
      ["a1~b1", "up"],
      ["a0~h0", "up"],
    ]);
    expect(status.tunnels.every((t) => t.lastHandshakeAt !== null)).toBe(true);

    // Five units (two policies, three classes) to two sites: an initial choice each.
    const initial = events.filter((e) => e.kind === "initial");
    expect(initial).toHaveLength(10);
    ZPathEvents.parse({ v: 1, events });
    const guests = initial.find((e) => e.unit === "policy:guests" && e.remoteSiteId === "site_b");
    expect(guests?.toPath).toBe("a1~b1");
    const voice = initial.find((e) => e.unit === "class:1" && e.remoteSiteId === "site_b");
    expect(voice).toMatchObject({ toPath: "a0~b0", reason: "meets the SLA" });

    run(10_000);
    const report = ZPathReport.parse(await overlay.report());
    const byId = new Map(report.paths.map((p) => [p.id, p]));
    for (const id of ["a0~b0", "a0~h0"]) {
      expect(byId.get(id)!.latencyMs!).toBeGreaterThan(6);
      expect(byId.get(id)!.latencyMs!).toBeLessThan(23);
    }
    // a1 is LTE: the slower link of the path sets its latency.
    expect(byId.get("a1~b1")!.latencyMs!).toBeGreaterThan(30);
    expect(byId.get("a1~b1")!.latencyMs!).toBeLessThan(80);
    for (const p of report.paths) {
      expect(p.state).toBe("up");
      expect(p.mos!).toBeGreaterThan(4);
      expect(p.probesSent).toBeGreaterThan(20);
      expect(p.txBytes).toBeGreaterThan(0);
    }
    expect(report.selection).toHaveLength(10);
    expect(
      report.selection.find((s) => s.unit === "policy:guests" && s.remoteSiteId === "site_b"),
    ).toMatchObject({ pathId: "a1~b1", unitName: "Guests on LTE" });
    await overlay.close();
  });

  it("moves a unit when its policy prefers another path, with the reason", async () => {
    const { overlay, events, run } = sim();
    await overlay.apply(withGuestsPreferring("a1~b1"));
    run(5000);
    events.length = 0;
    await overlay.apply(withGuestsPreferring("a0~b0"));
    expect(events).toEqual([
      expect.objectContaining({
        kind: "failback",
        unit: "policy:guests",
        fromPath: "a1~b1",
        toPath: "a0~b0",
        reason: "a better-ranked path came up",
      }),
    ]);
    const report = await overlay.report();
    expect(
      report.selection.find((s) => s.unit === "policy:guests" && s.remoteSiteId === "site_b")
        ?.pathId,
    ).toBe("a0~b0");
    // Steady: no more events while nothing changes (the fixture's links are fiber and LTE;
    // the one in a thousand chance of a lost probe makes no event for units without an SLA).
    run(60_000);
    expect(events.filter((e) => e.unit === "policy:guests")).toHaveLength(1);
    await overlay.close();
  });

  it("refuses what a real box refuses, and tears down on an empty config", async () => {
    const { overlay } = sim();
    const bad = overlayConfig();
    bad.paths[1] = { ...bad.paths[1]!, id: bad.paths[0]!.id };
    expect(() => overlay.validate(bad)).toThrow(OverlayConfigError);
    await expect(overlay.verify(overlayConfig())).rejects.toThrow(/not the running one/);
    await overlay.apply(overlayConfig());
    const statuses: { tunnels: unknown[] }[] = [];
    overlay.on("status", (s) => statuses.push(s));
    await overlay.apply(undefined);
    expect(overlay.config).toBeNull();
    expect(statuses.at(-1)?.tunnels).toEqual([]);
    expect((await overlay.report()).selection).toEqual([]);
  });

  it("is published like the real overlay: retained status, events, paths every interval", async () => {
    vi.useFakeTimers();
    const overlay = new SimOverlay({});
    await overlay.start();
    const sent: { topic: string; payload: Buffer; retain: boolean }[] = [];
    const client = {
      publish(
        topic: string,
        payload: Buffer,
        opts: { retain?: boolean },
        cb?: (e?: Error) => void,
      ) {
        sent.push({ topic, payload, retain: !!opts.retain });
        cb?.();
      },
    } as unknown as MqttClient;
    const id = "org00001.dev00001";
    const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
    const publisher = new OverlayPublisher(overlay, id, log);
    publisher.attach(client);
    expect(sent.map((m) => [m.topic, m.retain])).toEqual([[topics.overlay(id), true]]);

    await overlay.apply(overlayConfig());
    const on = <T>(t: string, schema: z.ZodType<T>) =>
      sent.filter((m) => m.topic === t).map((m) => decode(schema, m.payload));
    expect(on(topics.overlay(id), ZOverlayStatus).at(-1)?.tunnels).toHaveLength(3);
    const events = on(topics.events(id), ZPathEvents).flatMap((m) => m.events);
    expect(events.filter((e) => e.kind === "initial")).toHaveLength(10);
    expect(overlay.events.size).toBe(0);

    await vi.advanceTimersByTimeAsync(5000 * 3 + 100);
    const reports = on(topics.paths(id), ZPathReport);
    expect(reports).toHaveLength(3);
    expect(reports.at(-1)!.paths.map((p) => p.state)).toEqual(["up", "up", "up"]);
    publisher.stop();
    await overlay.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("which agents simulate their overlay", () => {
  const make = (extra: object) =>
    makeOverlay(parseConfig({ portalUrl: "https://portal.example", ...extra }), silentLogger);

  it("only those whose config asks for it", () => {
    expect(make({ simulate: true })).toBeNull();
    expect(make({ simulate: true, overlay: { simulate: true } })).toBeInstanceOf(SimOverlay);
    expect(make({ overlay: { simulate: true } })).toBeInstanceOf(SimOverlay);
    expect(make({ simulate: true, overlay: { simulate: true, enabled: false } })).toBeNull();
    expect(make({ simulate: true, overlay: { simulate: false } })).toBeNull();
  });
});
