// The compiler's `segments` (docs/overlay.md, "L2 segments"): only member sites get one,
// with the other members they have paths to as peers, each peer's paths cheapest first.
import { describe, expect, it } from "vitest";
import { configHash, ZDeviceConfig, ZOverlayConfig } from "../../../protocol";
import { siteCompiler } from "../../../server/domains/fleet/compile/compile-device";
import type { ZOverlayIntent } from "../../../server/domains/overlay";
import { pathIdOf } from "../../../server/domains/overlay/compile/addressing";
import { overlayCompiler } from "../../../server/domains/overlay/compile/compile-overlay";
import { parseIntent } from "../../../server/features";
import { overlayIntent, peersFor, type SiteSpec } from "./fixtures";

const ORG = "org0000001";
const specs: SiteSpec[] = [
  { id: "a", links: { fiber: "198.51.100.1", lte: null } },
  { id: "b", links: { fiber: "198.51.100.2", lte: null } },
  { id: "c", links: { fiber: "198.51.100.3" } },
  { id: "d", links: { fiber: "198.51.100.4" } },
];
type Segment = ReturnType<typeof ZOverlayIntent.parse>["segments"][number];
const seg = (vni: number, name: string, members: [string, string][]): Segment => ({
  id: `seg-${vni}`,
  name,
  vni,
  members: members.map(([siteId, iface]) => ({ siteId, interface: iface })),
});

function compile(segments: Segment[], peers = peersFor(specs.map((s) => s.id))) {
  const intent = overlayIntent(specs, { segments });
  const c = overlayCompiler(ORG, intent, peers);
  return (site: string) => c(site);
}

describe("overlay compile: L2 segments", () => {
  const office = seg(100, "office", [
    ["b", "eth5"],
    ["a", "eth4"],
    ["c", "br-lan"],
  ]);

  it("gives member sites their interface and the other members as peers", () => {
    const c = compile([office]);
    expect(c("a")?.segments).toEqual([
      {
        vni: 100,
        name: "office",
        interface: "eth4",
        peers: [
          {
            siteId: "b",
            // a-fiber~b-fiber (20), then the LTE ones (60), by id; a-lte~b-lte has no path.
            pathIds: [
              "a-fiber~b-fiber",
              ...[pathIdOf("a-fiber", "b-lte"), pathIdOf("a-lte", "b-fiber")].sort(),
            ],
          },
          { siteId: "c", pathIds: ["a-fiber~c-fiber", "a-lte~c-fiber"] },
        ],
      },
    ]);
    expect(c("c")?.segments?.[0]).toMatchObject({
      interface: "br-lan",
      peers: [
        { siteId: "b", pathIds: ["b-fiber~c-fiber", "b-lte~c-fiber"] },
        { siteId: "a", pathIds: ["a-fiber~c-fiber", "a-lte~c-fiber"] },
      ],
    });
    // Not a member: no segments key at all.
    expect(c("d")).toBeDefined();
    expect(c("d")).not.toHaveProperty("segments");
  });

  it("lists a peer's paths in the same order at both ends, and only paths the config has", () => {
    const c = compile([office]);
    for (const [x, y] of [
      ["a", "b"],
      ["a", "c"],
      ["b", "c"],
    ] as const) {
      const mine = c(x)!.segments![0]!.peers.find((p) => p.siteId === y)!.pathIds;
      const theirs = c(y)!.segments![0]!.peers.find((p) => p.siteId === x)!.pathIds;
      expect(mine).toEqual(theirs);
      const paths = new Set(c(x)!.paths.map((p) => p.id));
      for (const id of mine) expect(paths.has(id)).toBe(true);
    }
  });

  it("leaves out members it has no path to, and members without a keyed device", () => {
    // c's device has not reported a key: a peer of no one, and without paths itself.
    const c = compile([office], peersFor(["a", "b", "d"]));
    expect(c("a")?.segments?.[0]?.peers.map((p) => p.siteId)).toEqual(["b"]);
    expect(c("c")?.paths).toEqual([]);
    expect(c("c")?.segments?.[0]?.peers).toEqual([]);
    // A member alone still bridges its interface (ready for its peers).
    const alone = compile([seg(7, "lab", [["d", "eth9"]])]);
    expect(alone("d")?.segments).toEqual([{ vni: 7, name: "lab", interface: "eth9", peers: [] }]);
    // A member site that does not exist any more is ignored.
    const ghost = compile([
      seg(8, "ghost", [
        ["a", "eth4"],
        ["zz", "eth1"],
      ]),
    ]);
    expect(ghost("a")?.segments?.[0]?.peers).toEqual([]);
  });

  it("orders several segments by VNI and produces configs that satisfy the protocol", () => {
    const c = compile([
      seg(300, "cams", [
        ["a", "eth6"],
        ["d", "eth6"],
      ]),
      office,
    ]);
    const a = c("a")!;
    expect(a.segments?.map((s) => s.vni)).toEqual([100, 300]);
    expect(ZOverlayConfig.parse(a)).toEqual(a);
    const intent = overlayIntent(specs, { segments: [office] });
    const one = compile([office]);
    const device = siteCompiler(intent, {
      orgId: ORG,
      facts: { overlay: peersFor(["a", "b", "c", "d"]) },
    });
    expect(ZDeviceConfig.parse(device("a")).overlay?.segments).toEqual(one("a")!.segments);
  });

  it("keeps configs of orgs without segments byte-identical", () => {
    const peers = peersFor(specs.map((s) => s.id));
    const now = siteCompiler(overlayIntent(specs), { orgId: ORG, facts: { overlay: peers } });
    // The same intent from a snapshot taken before segments existed.
    const raw = JSON.parse(JSON.stringify(overlayIntent(specs)));
    delete raw.overlay.segments;
    const old = siteCompiler(parseIntent(raw), { orgId: ORG, facts: { overlay: peers } });
    for (const s of specs) {
      const config = now(s.id)!;
      expect(Object.keys(config.overlay!)).toEqual([
        "settings",
        "links",
        "paths",
        "classes",
        "policies",
      ]);
      expect(JSON.stringify(config)).toBe(JSON.stringify(old(s.id)));
      expect(configHash(config)).toBe(configHash(old(s.id)!));
    }
  });
});
