import { describe, expect, it } from "vitest";
import {
  buildModel,
  classMark,
  diffRoutes,
  diffRules,
  linkMark,
  normalizePrefix,
  parseRoutes,
  parseRules,
  planLinkRoutes,
  planRules,
  planUnitRoutes,
  type RouteSpec,
  RoutingPlanError,
  routeLine,
  UNREACHABLE_METRIC,
} from "./routing-plan";
import { overlayConfig } from "./test-fixtures";
import type { OverlayConfig } from "./types";
import { unitsOf } from "./units";

const rulesOf = (c: OverlayConfig) => {
  const { units, unclassified } = unitsOf(c);
  return planRules(c, units, unclassified);
};

describe("marks and prefixes", () => {
  it("class c marks 0x7a000000|c, link i 0x7b000000|i", () => {
    expect(classMark(5).toString(16)).toBe("7a000005");
    expect(linkMark(1).toString(16)).toBe("7b000001");
  });
  it("normalises host bits away", () => {
    expect(normalizePrefix("192.168.1.77/24")).toBe("192.168.1.0/24");
    expect(normalizePrefix("10.0.0.1/32")).toBe("10.0.0.1/32");
    expect(normalizePrefix("0.0.0.0/0")).toBe("0.0.0.0/0");
  });
});

describe("planRules", () => {
  it("links first, then policies per source, classes with matches, and unclassified at 9000", () => {
    const c = overlayConfig();
    expect(rulesOf(c)).toEqual([
      { pref: 500, fwmark: 0x7b000000, table: 21000 },
      { pref: 501, fwmark: 0x7b000001, table: 21001 },
      // policy "execs" (priority 10): class 1 from two sources → unit 0
      { pref: 1000, fwmark: 0x7a000001, src: "10.1.0.0/24", table: 20000 },
      { pref: 1001, fwmark: 0x7a000001, src: "10.1.5.0/24", table: 20000 },
      // policy "guests" (priority 20): any traffic from one source → unit 1
      { pref: 1002, src: "10.9.0.0/16", table: 20001 },
      // classes: voice (1) and bulk (2) have matches; default (3) has none
      { pref: 5000, fwmark: 0x7a000001, table: 20002 },
      { pref: 5001, fwmark: 0x7a000002, table: 20003 },
      { pref: 9000, table: 20004 },
    ]);
  });

  it("without a class of kind default, unclassified traffic gets its own last unit", () => {
    const c = overlayConfig();
    c.classes = c.classes.filter((x) => x.kind !== "default");
    const { units, unclassified } = unitsOf(c);
    expect(unclassified).toMatchObject({ key: "class:default", index: units.length - 1 });
    expect(rulesOf(c).at(-1)).toEqual({ pref: 9000, table: 20000 + units.length - 1 });
  });

  it("refuses more policy rules than the 1000–4999 range holds", () => {
    const c = overlayConfig();
    const sources = Array.from({ length: 64 }, (_, i) => `10.${i}.0.0/16`);
    c.policies = Array.from({ length: 70 }, (_, i) => ({
      id: `p${i}`,
      name: `p${i}`,
      priority: i,
      sources,
      preferred: [],
      onViolation: "best_effort" as const,
    }));
    expect(() => rulesOf(c)).toThrow(RoutingPlanError);
    expect(() => rulesOf(c)).toThrow(/4480 rules .* at most 4000 fit/);
  });
});

describe("rules against the kernel", () => {
  it("reads its own rules from `ip -json rule show` and diffs them, adds before deletes", () => {
    const json = [
      { priority: 0, src: "all", table: "local" },
      { priority: 500, src: "all", fwmark: "0x7b000000", table: "21000" },
      { priority: 1000, src: "10.1.0.0", srclen: 24, fwmark: "0x7a000001", table: "20000" },
      { priority: 1001, src: "10.7.0.0", srclen: 24, table: "20000" }, // stale
      { priority: 9000, src: "all", table: "20004" },
      { priority: 9000, src: "all", table: "main" }, // someone else's
      { priority: 32766, src: "all", table: "main" },
    ];
    const have = parseRules(json);
    expect(have).toHaveLength(4);
    const want = rulesOf(overlayConfig());
    const lines = diffRules(have, want);
    expect(lines[0]).toBe("rule add pref 501 fwmark 0x7b000001 lookup 21001");
    expect(lines).toContain("rule add pref 1001 fwmark 0x7a000001 from 10.1.5.0/24 lookup 20000");
    expect(lines.at(-1)).toBe("rule del pref 1001 from 10.7.0.0/24 lookup 20000");
    expect(lines.filter((l) => l.startsWith("rule del"))).toHaveLength(1);
    expect(diffRules(parseRules(want.map(toJson)), want)).toEqual([]);
  });
});

const toJson = (r: { pref: number; fwmark?: number; src?: string; table: number }) => ({
  priority: r.pref,
  table: String(r.table),
  ...(r.fwmark === undefined ? {} : { fwmark: `0x${r.fwmark.toString(16)}` }),
  ...(r.src ? { src: r.src.split("/")[0], srclen: Number(r.src.split("/")[1]) } : { src: "all" }),
});

describe("routes", () => {
  it("link tables: the configured gateway, else the main table's, else on-link; and the fallback", () => {
    const c = overlayConfig();
    const routes = planLinkRoutes(c.links, new Map([["wan1", "10.202.0.254"]]));
    expect(routes.map((r) => routeLine("replace", r))).toEqual([
      "route replace default via 192.0.2.1 dev wan0 table 21000",
      `route replace unreachable default metric ${UNREACHABLE_METRIC} table 21000`,
      "route replace default via 10.202.0.254 dev wan1 table 21001",
      `route replace unreachable default metric ${UNREACHABLE_METRIC} table 21001`,
    ]);
    const onLink = planLinkRoutes([{ ...c.links[1]! }], new Map());
    expect(routeLine("replace", onLink[0]!)).toBe("route replace default dev wan1 table 21000");
  });

  it("unit tables route each remote site's prefixes through the selected path's tunnel", () => {
    const c = overlayConfig();
    const { units } = unitsOf(c);
    const model = buildModel(c, units);
    const routes = planUnitRoutes(model, [
      { unit: "class:1", remoteSiteId: "site_b", pathId: "a1~b1" },
      { unit: "class:1", remoteSiteId: "site_hub", pathId: null },
      { unit: "class:3", remoteSiteId: "site_hub", pathId: "a0~h0" },
    ]);
    expect(routes.map((r) => routeLine("replace", r))).toEqual([
      "route replace 192.168.2.0/24 dev pwb1 table 20002",
      "route replace 10.50.0.0/16 dev pwh0 table 20004",
      "route replace 10.60.0.0/16 dev pwh0 table 20004",
    ]);
  });

  it("a policy for any source (0.0.0.0/0) gets one rule without a source", () => {
    const c = overlayConfig();
    c.policies[0]!.sources = ["10.9.0.0/16", "0.0.0.0/0"];
    const guests = rulesOf(c).filter((r) => r.table === 20001);
    expect(guests).toHaveLength(1);
    expect(guests[0]).not.toHaveProperty("src");
  });

  it("a default route through the overlay goes only to units that prefer its site", () => {
    const c = overlayConfig();
    c.paths[2]!.prefixes = ["0.0.0.0/0"]; // the hub is a cloud gateway offering breakout
    c.policies[0]!.preferred = ["a0~h0"]; // guests break out through it
    const model = buildModel(c, unitsOf(c).units);
    const table = (unit: string) => model.unitTable.get(unit);
    const routes = planUnitRoutes(model, [
      { unit: "policy:guests", remoteSiteId: "site_hub", pathId: "a0~h0" },
      { unit: "policy:execs", remoteSiteId: "site_hub", pathId: "a0~h0" },
      { unit: "class:3", remoteSiteId: "site_hub", pathId: "a0~h0" },
    ]);
    expect(routes).toEqual([
      { table: table("policy:guests"), dst: "default", type: "unicast", dev: "pwh0" },
    ]);
  });

  it("a prefix two sites claim goes to the site that claims fewer (the site, not its hub)", () => {
    const c = overlayConfig();
    c.paths[2]!.prefixes = ["10.50.0.0/16", "10.60.0.0/16", "192.168.2.0/24"]; // hub carries B
    const model = buildModel(c, unitsOf(c).units);
    expect(model.sitePrefixes.get("site_b")).toEqual(["192.168.2.0/24"]);
    expect(model.sitePrefixes.get("site_hub")).toEqual(["10.50.0.0/16", "10.60.0.0/16"]);
  });

  it("reads the kernel's routes in its tables and replaces only what differs", () => {
    const json = [
      { dst: "default", dev: "wan0", table: "21000", scope: "link" },
      { type: "unreachable", dst: "default", table: "21000", metric: UNREACHABLE_METRIC },
      { dst: "192.168.2.0/24", dev: "pwb0", table: "20002", scope: "link" },
      { dst: "172.16.0.1", dev: "pwb0", table: "20002" }, // stale host route
      { dst: "10.0.0.0/8", dev: "eth9", table: "30000" }, // not ours
      { dst: "default", gateway: "192.0.2.1", dev: "wan0" }, // main
    ];
    const have = parseRoutes(json);
    expect(have.map((r) => r.dst)).toEqual([
      "default",
      "default",
      "192.168.2.0/24",
      "172.16.0.1/32",
    ]);
    const want: RouteSpec[] = [
      { table: 21000, dst: "default", type: "unicast", dev: "wan0" },
      { table: 21000, dst: "default", type: "unreachable", metric: UNREACHABLE_METRIC },
      { table: 20002, dst: "192.168.2.0/24", type: "unicast", dev: "pwb1" },
    ];
    expect(diffRoutes(have, want)).toEqual([
      "route replace 192.168.2.0/24 dev pwb1 table 20002",
      "route del 172.16.0.1/32 table 20002",
    ]);
    expect(diffRoutes(parseRoutes(json.slice(0, 2)), want.slice(0, 2))).toEqual([]);
    expect(diffRoutes(have, [])).toContain(
      `route del unreachable default metric ${UNREACHABLE_METRIC} table 21000`,
    );
  });
});
