// Which site pairs and link pairs get paths, and path health: the pure rules the read
// views share (docs/overlay.md, "Words").
import { describe, expect, it } from "vitest";
import {
  boundsOf,
  DEFAULT_BOUNDS,
  edgeHealth,
  healthOf,
  pathIdOf,
  pathsOf,
  sitePairsOf,
} from "../../../server/domains/overlay/services/paths";

const sites = [
  { id: "a", role: "hub" },
  { id: "b", role: "edge" },
  { id: "c", role: "edge" },
  { id: "g", role: "cloud_gateway" },
];
const settings = (
  topology: "full_mesh" | "hub_spoke" | "partial_mesh",
  sitePairs: { a: string; b: string }[] = [],
) => ({ topology, sitePairs });
const key = (pairs: [string, string][]) => pairs.map((p) => p.join("-"));

describe("site pairs", () => {
  it("full mesh: every pair", () => {
    expect(key(sitePairsOf(settings("full_mesh"), sites))).toEqual([
      "a-b",
      "a-c",
      "a-g",
      "b-c",
      "b-g",
      "c-g",
    ]);
  });
  it("hub and spoke: spokes to hubs, hubs to each other, everyone to the cloud gateway", () => {
    const two = [...sites, { id: "h2", role: "hub" }];
    expect(key(sitePairsOf(settings("hub_spoke"), two))).toEqual([
      "a-b",
      "a-c",
      "a-g",
      "a-h2",
      "b-g",
      "b-h2",
      "c-g",
      "c-h2",
      "g-h2",
    ]);
  });
  it("partial mesh: the listed pairs in either order, plus the cloud gateway's", () => {
    expect(key(sitePairsOf(settings("partial_mesh", [{ a: "c", b: "b" }]), sites))).toEqual([
      "a-g",
      "b-c",
      "b-g",
      "c-g",
    ]);
  });
});

describe("link pairs", () => {
  it("pairs every enabled link with a public side; the path id is the sorted link ids", () => {
    const links = [
      { id: "la1", siteId: "a", publicAddress: "198.51.100.1", enabled: true },
      { id: "la2", siteId: "a", publicAddress: null, enabled: true },
      { id: "lb1", siteId: "b", publicAddress: null, enabled: true },
      { id: "lb2", siteId: "b", publicAddress: "198.51.100.2", enabled: false },
    ];
    const paths = pathsOf(settings("full_mesh"), sites.slice(0, 2), links);
    expect(paths).toEqual([{ id: "la1~lb1", a: "a", b: "b", aLink: "la1", bLink: "lb1" }]);
    expect(pathIdOf("z", "a")).toBe("a~z");
  });
});

describe("health", () => {
  const ok = { up: true, latencyMs: 20, jitterMs: 2, lossPct: 0 };
  it("unknown without a sample, down when not up, degraded off the bounds", () => {
    expect(healthOf(undefined, DEFAULT_BOUNDS)).toBe("unknown");
    expect(healthOf({ ...ok, up: false }, DEFAULT_BOUNDS)).toBe("down");
    expect(healthOf(ok, DEFAULT_BOUNDS)).toBe("up");
    expect(healthOf({ ...ok, latencyMs: 151 }, DEFAULT_BOUNDS)).toBe("degraded");
    expect(healthOf({ ...ok, lossPct: 1.5 }, DEFAULT_BOUNDS)).toBe("degraded");
    expect(healthOf({ ...ok, jitterMs: 500, latencyMs: null }, DEFAULT_BOUNDS)).toBe("up");
  });
  it("with SLA classes, the strictest bound of each metric", () => {
    const bounds = boundsOf([
      { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
      { maxLatencyMs: 100, maxJitterMs: 50, maxLossPct: 2 },
    ]);
    expect(bounds).toEqual({ maxLatencyMs: 100, maxJitterMs: 30, maxLossPct: 1 });
    expect(healthOf({ ...ok, jitterMs: 31 }, bounds)).toBe("degraded");
  });
  it("a site pair: all up, all down, unknown, or degraded for any mix", () => {
    expect(edgeHealth([])).toBe("unknown");
    expect(edgeHealth(["unknown", "up"])).toBe("up");
    expect(edgeHealth(["down", "unknown"])).toBe("down");
    expect(edgeHealth(["up", "down"])).toBe("degraded");
    expect(edgeHealth(["up", "degraded"])).toBe("degraded");
  });
});
