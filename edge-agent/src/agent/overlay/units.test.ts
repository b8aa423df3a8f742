import { describe, expect, it } from "vitest";
import { overlayConfig } from "./test-fixtures";
import { unitsOf } from "./units";
import { OverlayConfigError, validateOverlay } from "./validate";

describe("steering units", () => {
  it("policies by priority, then classes; the default class carries unclassified traffic", () => {
    const { units, unclassified } = unitsOf(overlayConfig());
    expect(units.map((u) => [u.index, u.key, u.onViolation])).toEqual([
      [0, "policy:execs", "hold"],
      [1, "policy:guests", "best_effort"],
      [2, "class:1", "best_effort"],
      [3, "class:2", "best_effort"],
      [4, "class:3", "best_effort"],
    ]);
    expect(unclassified.key).toBe("class:3");
    // A policy without its own SLA takes its class's.
    expect(units[0]!.sla).toEqual({ maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 });
    expect(units[1]!.sla).toBeUndefined();
    expect(units[1]!.preferred).toEqual(["a1~b1"]);
  });
});

describe("validateOverlay", () => {
  it("accepts the fixture and returns its units", () => {
    expect(validateOverlay(overlayConfig()).units).toHaveLength(5);
  });

  it.each([
    [
      "a duplicate tunnel name",
      (c) => (c.paths[1]!.ifname = c.paths[0]!.ifname),
      /tunnel interface pwb0 appears twice/,
    ],
    [
      "a duplicate listen port",
      (c) => (c.paths[1]!.listenPort = 51820),
      /listen port 51820 appears twice/,
    ],
    ["an unknown local link", (c) => (c.paths[0]!.localLink = "zz"), /path a0~b0 uses link zz/],
    [
      "a tunnel named like a WAN link",
      (c) => (c.paths[0]!.ifname = "wan1"),
      /wan1 is not a tunnel name/,
    ],
    [
      "a tunnel named like another interface",
      (c) => (c.paths[0]!.ifname = "eth0"),
      /eth0 is not a tunnel name/,
    ],
    ["a policy naming a missing class", (c) => (c.policies[0]!.classId = 99), /names class 99/],
    [
      "overlapping classes",
      (c) => c.classes[1]!.match.push({ proto: "udp", lo: 5061, hi: 5061 }),
      /port udp\/5061/,
    ],
  ] as [string, (c: ReturnType<typeof overlayConfig>) => void, RegExp][])(
    "refuses %s",
    (_what, change, message) => {
      const c = overlayConfig();
      change(c);
      expect(() => validateOverlay(c)).toThrow(OverlayConfigError);
      expect(() => validateOverlay(c)).toThrow(message);
    },
  );
});
