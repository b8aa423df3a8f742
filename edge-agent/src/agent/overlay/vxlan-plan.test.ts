import { describe, expect, it } from "vitest";
import { overlayConfig } from "./test-fixtures";
import type { OverlayConfig } from "./types";
import { validateOverlay } from "./validate";
import {
  activeKey,
  activePorts,
  bridgeIfname,
  type LinkState,
  linkLocalOf,
  missingParts,
  planSegments,
  reconcileLines,
  SEGMENT_MTU,
  switchLines,
  teardownLines,
  vxlanIfname,
} from "./vxlan-plan";

/** Site A in segment "office" (VNI 100) with peers site_b (two paths) and site_hub. */
function withSegment(over: Partial<NonNullable<OverlayConfig["segments"]>[number]> = {}) {
  const c = overlayConfig();
  c.segments = [
    {
      vni: 100,
      name: "office",
      interface: "l2",
      peers: [
        { siteId: "site_b", pathIds: ["a0~b0", "a1~b1"] },
        { siteId: "site_hub", pathIds: ["a0~h0"] },
      ],
      ...over,
    },
  ];
  return c;
}

const br = bridgeIfname(100);
const vx = (path: string) => vxlanIfname(100, path);
const none = () => null;

/** The kernel as it is after the plan's lines ran (for the idempotence check). */
function kernelAfter(c: OverlayConfig, activePath: Record<string, string>): LinkState[] {
  const [plan] = planSegments(c);
  const ports = plan!.peers.flatMap((p) => p.ports);
  const on = (path: string) => Object.values(activePath).includes(path);
  return [
    { ifname: "wan0", flags: ["UP"] },
    ...c.paths.map((p) => ({
      ifname: p.ifname,
      flags: ["UP"],
      addr_info: [{ family: "inet6", local: linkLocalOf(p.address), prefixlen: 64 }],
    })),
    { ifname: "l2", flags: ["UP"], master: br },
    {
      ifname: br,
      flags: ["UP"],
      linkinfo: { info_kind: "bridge", info_data: { mcast_snooping: 0 } },
    },
    ...ports.map((x) => ({
      ifname: x.ifname,
      mtu: SEGMENT_MTU,
      flags: ["UP"],
      master: br,
      linkinfo: {
        info_kind: "vxlan",
        info_data: {
          id: 100,
          local6: x.local,
          remote6: x.remote,
          link: x.tunnel,
          port: 4789,
          learning: false,
        },
        info_slave_kind: "bridge",
        info_slave_data: {
          flood: on(x.pathId),
          mcast_flood: on(x.pathId),
          bcast_flood: on(x.pathId),
          learning: on(x.pathId),
          isolated: true,
        },
      },
    })),
  ];
}

describe("L2 segment plan", () => {
  it("derives link-local addresses from the path's ULA interface id", () => {
    expect(linkLocalOf("fd00:0:0:ca6c::1")).toBe("fe80::1");
    expect(linkLocalOf("fd12:3456:789a:bcde::2")).toBe("fe80::2");
    expect(linkLocalOf("fd00::1:2:3:4")).toBe("fe80::1:2:3:4");
  });

  it("plans a bridge and one VXLAN port per path to each peer, named deterministically", () => {
    const [plan] = planSegments(withSegment());
    expect(plan).toMatchObject({ vni: 100, name: "office", bridge: br, iface: "l2" });
    expect(br).toMatch(/^pb[0-9a-f]{8}$/);
    expect(plan!.peers.map((p) => [p.siteId, p.ports.map((x) => x.pathId)])).toEqual([
      ["site_b", ["a0~b0", "a1~b1"]],
      ["site_hub", ["a0~h0"]],
    ]);
    expect(plan!.peers[0]!.ports[0]).toEqual({
      siteId: "site_b",
      pathId: "a0~b0",
      ifname: vx("a0~b0"),
      tunnel: "pwb0",
      local: "fe80::1",
      remote: "fe80::2",
    });
    expect(vxlanIfname(101, "a0~b0")).not.toBe(vx("a0~b0"));
    expect(SEGMENT_MTU).toBe(1350);
  });

  it("refuses what the box cannot build, through validateOverlay", () => {
    const bad = (over: Parameters<typeof withSegment>[0], msg: RegExp) =>
      expect(() => validateOverlay(withSegment(over))).toThrow(msg);
    bad({ interface: "wan0" }, /interface of segment office .* is also WAN link fiber/);
    bad({ interface: "pwb0" }, /is also the tunnel of path a0~b0/);
    bad({ interface: br }, /a name the agent keeps for itself/);
    bad({ peers: [{ siteId: "site_b", pathIds: ["nope"] }] }, /path nope is not in paths/);
    bad({ peers: [{ siteId: "site_b", pathIds: ["a0~h0"] }] }, /does not lead to site site_b/);
    const two = withSegment();
    two.segments!.push({ ...two.segments![0]!, name: "again" });
    expect(() => validateOverlay(two)).toThrow(/segment VNI 100 appears twice/);
    two.segments![1]!.vni = 101;
    expect(() => validateOverlay(two)).toThrow(/interface of segment again .* is also/);
    expect(() => validateOverlay(withSegment())).not.toThrow();
  });

  it("activates the selected path's port, else the cheapest", () => {
    const plans = planSegments(withSegment());
    const sel = activePorts(plans, (site) => (site === "site_b" ? "a1~b1" : "gone"));
    expect(sel.get(activeKey(100, "site_b"))).toBe("a1~b1");
    expect(sel.get(activeKey(100, "site_hub"))).toBe("a0~h0");
    expect(activePorts(plans, none).get(activeKey(100, "site_b"))).toBe("a0~b0");
  });

  it("builds everything from scratch, in an order the kernel accepts", () => {
    const c = withSegment();
    const plans = planSegments(c);
    const have: LinkState[] = [
      { ifname: "l2", flags: [] },
      ...c.paths.map((p) => ({ ifname: p.ifname, flags: ["UP"] })),
    ];
    const lines = reconcileLines(plans, have, activePorts(plans, none));
    expect(lines.slice(0, 5)).toEqual([
      `link add name ${br} type bridge mcast_snooping 0`,
      `link set dev ${br} addrgenmode none`,
      `link set dev ${br} up`,
      `link set dev l2 master ${br}`,
      "link set dev l2 up",
    ]);
    const p0 = vx("a0~b0");
    const p1 = vx("a1~b1");
    expect(lines).toContain("address replace fe80::1/64 dev pwb0 nodad");
    expect(lines).toContain(
      `link add name ${p0} mtu 1350 type vxlan id 100 local fe80::1 remote fe80::2 dev pwb0 dstport 4789 nolearning`,
    );
    const flags = (name: string) => lines.find((l) => l.startsWith(`link set dev ${name} type`));
    expect(flags(p0)).toBe(
      `link set dev ${p0} type bridge_slave flood on mcast_flood on bcast_flood on learning on isolated on`,
    );
    expect(flags(p1)).toBe(
      `link set dev ${p1} type bridge_slave flood off mcast_flood off bcast_flood off learning off isolated on`,
    );
    // Created, enslaved, flagged, then up.
    const at = (l: string) => lines.indexOf(l);
    expect(at(`link set dev ${p1} master ${br}`)).toBeGreaterThan(
      at(`link add name ${br} type bridge mcast_snooping 0`),
    );
    expect(at(`link set dev ${p1} up`)).toBeGreaterThan(at(flags(p1)!));
    expect(lines.filter((l) => l.startsWith("link add")).length).toBe(4);
  });

  it("is idempotent, and fixes only what differs", () => {
    const c = withSegment();
    const plans = planSegments(c);
    const active = activePorts(plans, none);
    const have = kernelAfter(c, { b: "a0~b0", hub: "a0~h0" });
    expect(reconcileLines(plans, have, active)).toEqual([]);

    // A port made with another remote is re-made; a port that lost its flags gets them.
    const p1 = have.find((l) => l.ifname === vx("a1~b1"))!;
    p1.linkinfo!.info_data!.remote6 = "fe80::9";
    const p0 = have.find((l) => l.ifname === vx("a0~b0"))!;
    p0.linkinfo!.info_slave_data!.isolated = false;
    const lines = reconcileLines(plans, have, active);
    const made = lines.filter((l) => l.includes(p1.ifname));
    expect(made.slice(0, 2)).toEqual([
      `link del dev ${p1.ifname}`,
      expect.stringMatching(new RegExp(`^link add name ${p1.ifname} .* remote fe80::2 dev pwb1 `)),
    ]);
    expect(made).toContain(`link set dev ${p1.ifname} master ${br}`);
    expect(lines.filter((l) => l.includes(p0.ifname))).toEqual([
      `link set dev ${p0.ifname} type bridge_slave flood on mcast_flood on bcast_flood on learning on isolated on`,
    ]);
  });

  it("removes devices the config no longer has and releases an interface it no longer bridges", () => {
    const c = withSegment();
    const have = kernelAfter(c, { b: "a0~b0", hub: "a0~h0" });
    const stale = [...have, { ifname: "pv00000000", master: br }, { ifname: "eth7", master: br }];
    const lines = reconcileLines(planSegments(c), stale, activePorts(planSegments(c), none));
    expect(lines).toEqual(["link del dev pv00000000", "link set dev eth7 nomaster"]);

    const gone = reconcileLines([], have, new Map());
    expect(gone.sort()).toEqual(
      [br, vx("a0~b0"), vx("a1~b1"), vx("a0~h0")].map((n) => `link del dev ${n}`).sort(),
    );
    expect(teardownLines(have).sort()).toEqual(gone.sort());
  });

  it("refuses to build on a box without the interface", () => {
    const c = withSegment();
    const have = kernelAfter(c, {}).filter((l) => l.ifname !== "l2");
    expect(() => reconcileLines(planSegments(c), have, new Map())).toThrow(
      /segment office \(VNI 100\): interface l2 does not exist on this box/,
    );
  });

  it("fails over by flipping two ports and flushing the old one's MACs", () => {
    const plans = planSegments(withSegment());
    const active = activePorts(plans, none);
    const lines = switchLines(plans, active, [{ remoteSiteId: "site_b", to: "a1~b1" }]);
    expect(lines).toEqual([
      `link set dev ${vx("a0~b0")} type bridge_slave flood off mcast_flood off bcast_flood off learning off isolated on fdb_flush`,
      `link set dev ${vx("a1~b1")} type bridge_slave flood on mcast_flood on bcast_flood on learning on isolated on`,
    ]);
    expect(active.get(activeKey(100, "site_b"))).toBe("a1~b1");
    // Already there, another site's path, or no path at all: nothing to do.
    expect(switchLines(plans, active, [{ remoteSiteId: "site_b", to: "a1~b1" }])).toEqual([]);
    expect(switchLines(plans, active, [{ remoteSiteId: "site_b", to: "a0~h0" }])).toEqual([]);
    expect(switchLines(plans, active, [{ remoteSiteId: "site_b", to: null }])).toEqual([]);
    expect(switchLines(plans, active, [{ remoteSiteId: "site_x", to: "a0~b0" }])).toEqual([]);
  });

  it("verify names what is not in place", () => {
    const c = withSegment();
    const have = kernelAfter(c, {});
    expect(missingParts(planSegments(c), have)).toEqual([]);
    const broken = have.map((l) => (l.ifname === "l2" ? { ...l, master: undefined } : l));
    expect(missingParts(planSegments(c), broken)).toEqual([`l2 in ${br}`]);
  });
});
