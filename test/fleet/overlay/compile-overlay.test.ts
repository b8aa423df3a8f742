import { describe, expect, it } from "vitest";
import { configHash, type OverlayConfig, ZDeviceConfig, ZOverlayConfig } from "../../../protocol";
import { compiledHash, siteCompiler } from "../../../server/domains/fleet/compile/compile-device";
import { formatIpv6, pathIdOf } from "../../../server/domains/overlay/compile/addressing";
import { overlayCompiler } from "../../../server/domains/overlay/compile/compile-overlay";
import { overlayIntent, peersFor, type SiteSpec, wgKey } from "./fixtures";

const ORG = "org0000001";
const twoLinks = (n: number): SiteSpec["links"] => ({ fiber: `198.51.100.${n}`, lte: null });

function compileAll(
  specs: SiteSpec[],
  opts: Parameters<typeof overlayIntent>[1] = {},
  settings: Parameters<typeof overlayIntent>[2] = {},
  peers = peersFor(specs.map((s) => s.id)),
) {
  const intent = overlayIntent(specs, opts, settings);
  const compile = overlayCompiler(ORG, intent, peers);
  const out = new Map<string, OverlayConfig>();
  for (const s of specs) {
    const c = compile(s.id);
    if (c) out.set(s.id, c);
  }
  return out;
}

const remoteSites = (c: OverlayConfig | undefined) => [
  ...new Set(c?.paths.map((p) => p.remote.siteId)),
];

describe("overlay compile: paths", () => {
  const specs: SiteSpec[] = [
    { id: "a", prefixes: ["10.1.0.0/16"], links: twoLinks(1) },
    { id: "b", prefixes: ["10.2.0.0/16"], links: twoLinks(2) },
    { id: "c", prefixes: ["10.3.0.0/16"], links: twoLinks(3) },
  ];

  it("full mesh: a path per link pair where at least one side has a public address", () => {
    const all = compileAll(specs);
    const a = all.get("a")!;
    expect(remoteSites(a)).toEqual(["b", "c"]);
    // a-lte ~ b-lte is missing: neither end can be reached.
    expect(a.paths.filter((p) => p.remote.siteId === "b").map((p) => p.id)).toEqual(
      ["a-fiber~b-fiber", pathIdOf("a-fiber", "b-lte"), pathIdOf("a-lte", "b-fiber")].sort(),
    );
    for (const p of a.paths) {
      // An endpoint exactly when the remote link has a public address.
      expect(!!p.remote.endpoint).toBe(p.remote.linkName === "fiber");
      if (p.remote.endpoint) expect(p.remote.endpoint.address).toMatch(/^198\.51\.100\.\d$/);
      expect(p.cost).toBe(
        (p.localLink.endsWith("lte") ? 50 : 10) + (p.remote.linkName === "lte" ? 50 : 10),
      );
      expect(p.prefixes).toEqual([p.remote.siteId === "b" ? "10.2.0.0/16" : "10.3.0.0/16"]);
    }
    expect(a.links.map((l) => [l.id, l.ifname, l.gateway, l.metered])).toEqual([
      ["a-fiber", "wan0", "192.0.2.1", false],
      ["a-lte", "wan1", "192.0.2.2", true],
    ]);
    expect(a.settings).toEqual({
      probeIntervalMs: 100,
      holdDownMs: 30_000,
      telemetryIntervalMs: 5000,
    });
  });

  it("numbers ports by the path's position and names tunnels and addresses deterministically", () => {
    const a = compileAll(specs).get("a")!;
    const ids = a.paths.map((p) => p.id);
    expect(ids).toEqual([...ids].sort());
    expect(a.paths.map((p) => p.listenPort)).toEqual(ids.map((_, i) => 51820 + i));
    for (const p of a.paths) {
      expect(p.ifname).toMatch(/^pw[0-9a-f]{8}$/);
      expect(p.address).toMatch(/^fd[0-9a-f]{2}(:[0-9a-f]{1,4}){3}::[12]$/);
    }
    expect(new Set(a.paths.map((p) => p.ifname)).size).toBe(a.paths.length);
    expect(new Set(a.paths.map((p) => p.address.replace(/::[12]$/, ""))).size).toBe(a.paths.length);
  });

  it("is symmetric: both ends agree on the path id, its /64, each other's ports and keys", () => {
    const all = compileAll(specs);
    const keys = new Map(peersFor(["a", "b", "c"]).map((p) => [p.siteId, p.publicKey]));
    let checked = 0;
    for (const [siteId, config] of all) {
      for (const p of config.paths) {
        const other = all.get(p.remote.siteId)!.paths.find((q) => q.id === p.id)!;
        expect(other, `${siteId}: ${p.id}`).toBeDefined();
        expect(other.remote.siteId).toBe(siteId);
        expect(other.remote.deviceId).toBe(`dev-${siteId}`);
        expect(other.remote.publicKey).toBe(keys.get(siteId));
        expect(p.remote.publicKey).toBe(keys.get(p.remote.siteId));
        expect(other.localLink).toBe(p.remote.linkId);
        expect(other.remote.linkId).toBe(p.localLink);
        expect([other.address, other.peerAddress]).toEqual([p.peerAddress, p.address]);
        expect(p.address.replace(/::[12]$/, "")).toBe(other.address.replace(/::[12]$/, ""));
        // ::1 is the end whose link id sorts first.
        expect(p.address.endsWith(p.localLink < p.remote.linkId ? "::1" : "::2")).toBe(true);
        if (p.remote.endpoint) expect(p.remote.endpoint.port).toBe(other.listenPort);
        if (other.remote.endpoint) expect(other.remote.endpoint.port).toBe(p.listenPort);
        expect(p.cost).toBe(other.cost);
        // Unique per host: two boxes on one host never share a tunnel name.
        expect(p.ifname).not.toBe(other.ifname);
        checked++;
      }
    }
    expect(checked).toBe(3 * 2 * 3);
  });

  it("is deterministic: the same input gives the same output and hash, whatever the peer order", () => {
    const intent = overlayIntent(specs);
    const peers = peersFor(["a", "b", "c"]);
    const one = siteCompiler(intent, { orgId: ORG, facts: { overlay: peers } })("b")!;
    const two = siteCompiler(structuredClone(intent), {
      orgId: ORG,
      facts: { overlay: [...peers].reverse() },
    })("b")!;
    expect(two).toEqual(one);
    expect(compiledHash(two)).toBe(compiledHash(one));
    // Another org gets other inner addresses for the same path ids.
    const other = siteCompiler(intent, { orgId: "org0000002", facts: { overlay: peers } })("b")!;
    expect(other.overlay!.paths.map((p) => p.id)).toEqual(one.overlay!.paths.map((p) => p.id));
    expect(other.overlay!.paths[0]!.address).not.toBe(one.overlay!.paths[0]!.address);
  });

  it("gives the overlay to the site's tunnel end only; a second box gets the rest without it", () => {
    const intent = overlayIntent(specs);
    const compile = siteCompiler(intent, {
      orgId: ORG,
      facts: { overlay: peersFor(["a", "b", "c"]) },
    });
    const end = compile("b", "dev-b")!;
    const standby = compile("b", "dev-b2")!;
    expect(end.overlay?.paths.length).toBeGreaterThan(0);
    expect(standby.overlay).toBeUndefined();
    const { overlay: _, ...rest } = end;
    expect(standby).toEqual(rest);
    expect(compile("b")).toBe(end); // no device: the site's config, as before
  });

  it("only sites whose first active device reported a key are peers", () => {
    const peers = [
      ...peersFor(["a", "b"]),
      // c's first device has no key yet; a later device's key does not count.
      { siteId: "c", deviceId: "dev-c1", publicKey: null },
      { siteId: "c", deviceId: "dev-c2", publicKey: wgKey(9) },
    ];
    const all = compileAll(specs, {}, {}, peers);
    expect(remoteSites(all.get("a"))).toEqual(["b"]);
    // c is in the overlay (links, classes) but has no tunnels until its key arrives.
    expect(all.get("c")!.paths).toEqual([]);
    expect(all.get("c")!.links).toHaveLength(2);
  });

  it("leaves out links that are disabled", () => {
    const intent = overlayIntent(specs);
    for (const l of intent.overlay.links) if (l.name === "lte") l.enabled = false;
    const a = overlayCompiler(ORG, intent, peersFor(["a", "b", "c"]))("a")!;
    expect(a.links.map((l) => l.id)).toEqual(["a-fiber"]);
    expect(a.paths.map((p) => p.id)).toEqual(["a-fiber~b-fiber", "a-fiber~c-fiber"]);
  });
});

describe("overlay compile: topologies", () => {
  const hubSpoke: SiteSpec[] = [
    { id: "h1", role: "hub", prefixes: ["10.100.0.0/16"], links: { fiber: "198.51.100.100" } },
    { id: "h2", role: "hub", prefixes: ["10.101.0.0/16"], links: { fiber: "198.51.100.101" } },
    { id: "s1", prefixes: ["10.1.0.0/16"], links: { fiber: null } },
    { id: "s2", prefixes: ["10.2.0.0/16", "10.22.0.0/16"], links: { fiber: null } },
    { id: "s3", prefixes: ["10.3.0.0/16"], links: { fiber: "198.51.100.3" } },
    { id: "gw", role: "cloud_gateway", prefixes: ["0.0.0.0/0"], links: { fiber: "198.51.100.9" } },
  ];

  it("hub and spoke: spokes to every hub, hubs to each other, every site to a cloud gateway", () => {
    const all = compileAll(hubSpoke, {}, { topology: "hub_spoke" });
    expect(remoteSites(all.get("s1"))).toEqual(["gw", "h1", "h2"]);
    expect(remoteSites(all.get("s3"))).toEqual(["gw", "h1", "h2"]);
    expect(remoteSites(all.get("h1"))).toEqual(["gw", "h2", "s1", "s2", "s3"]);
    expect(remoteSites(all.get("gw"))).toEqual(["h1", "h2", "s1", "s2", "s3"]);
  });

  it("a hub's paths carry the prefixes of the sites it connects a spoke to", () => {
    const all = compileAll(hubSpoke, {}, { topology: "hub_spoke" });
    const s1 = all.get("s1")!;
    const toH1 = s1.paths.find((p) => p.remote.siteId === "h1")!;
    // Not s1's own, nor h2's or the gateway's: s1 reaches those directly.
    expect(toH1.prefixes).toEqual(["10.100.0.0/16", "10.2.0.0/16", "10.22.0.0/16", "10.3.0.0/16"]);
    expect(s1.paths.find((p) => p.remote.siteId === "gw")!.prefixes).toEqual(["0.0.0.0/0"]);
    // A hub's own paths to a spoke carry the spoke's prefixes only.
    const h1 = all.get("h1")!;
    expect(h1.paths.find((p) => p.remote.siteId === "s2")!.prefixes).toEqual([
      "10.2.0.0/16",
      "10.22.0.0/16",
    ]);
    expect(h1.paths.find((p) => p.remote.siteId === "h2")!.prefixes).toEqual(["10.101.0.0/16"]);
  });

  it("partial mesh: only the listed pairs, plus cloud gateways", () => {
    const specs: SiteSpec[] = [
      { id: "a", links: twoLinks(1) },
      { id: "b", links: twoLinks(2) },
      { id: "c", links: twoLinks(3) },
      { id: "gw", role: "cloud_gateway", links: { fiber: "198.51.100.9" } },
    ];
    const all = compileAll(
      specs,
      {},
      {
        topology: "partial_mesh",
        sitePairs: [
          { a: "b", b: "a" },
          { a: "a", b: "gone" },
        ],
      },
    );
    expect(remoteSites(all.get("a"))).toEqual(["b", "gw"]);
    expect(remoteSites(all.get("b"))).toEqual(["a", "gw"]);
    expect(remoteSites(all.get("c"))).toEqual(["gw"]);
    expect(remoteSites(all.get("gw"))).toEqual(["a", "b", "c"]);
  });

  it("has no path between two sites whose links all dial out", () => {
    const all = compileAll([
      { id: "a", links: { lte: null } },
      { id: "b", links: { lte: null } },
    ]);
    expect(all.get("a")!.paths).toEqual([]);
  });
});

describe("overlay compile: classes and policies", () => {
  const specs: SiteSpec[] = [
    { id: "a", links: twoLinks(1) },
    { id: "b", links: twoLinks(2) },
    { id: "c", links: twoLinks(3) },
  ];
  const sla = (id: string, maxLatencyMs: number) => ({
    id,
    name: id,
    maxLatencyMs,
    maxJitterMs: 30,
    maxLossPct: 1,
  });
  const policy = (id: string, over: object) => ({
    id,
    name: `Policy ${id}`,
    priority: 100,
    siteId: null,
    appClassId: null,
    userGroupId: null,
    srcPrefixes: [],
    preferred: [],
    slaClassId: null,
    onViolation: "best_effort" as const,
    enabled: true,
    ...over,
  });
  const overlay = {
    slaClasses: [sla("sla-voice", 150), sla("sla-bulk", 1000)],
    appClasses: [
      {
        id: "app-voice",
        name: "Voice",
        kind: "voice" as const,
        number: 2,
        dscp: 46,
        match: [{ proto: "udp" as const, lo: 10000, hi: 20000 }],
        slaClassId: "sla-voice",
      },
      {
        id: "app-default",
        name: "Default",
        kind: "default" as const,
        number: 1,
        dscp: null,
        match: [],
        slaClassId: null,
      },
    ],
    userGroups: [{ id: "grp", name: "Finance", prefixes: ["10.1.5.0/24", "10.1.6.0/24"] }],
    policies: [
      policy("p-late", { priority: 200, srcPrefixes: ["10.1.9.0/24"] }),
      policy("p-voice", {
        priority: 10,
        appClassId: "app-voice",
        userGroupId: "grp",
        srcPrefixes: ["10.1.6.0/24", "10.1.7.0/24"],
        preferred: [
          { siteId: "b", localLink: "fiber", remoteLink: "fiber" },
          { siteId: "c" },
          { siteId: "b" },
        ],
        slaClassId: "sla-voice",
        onViolation: "hold" as const,
      }),
      policy("p-off", { priority: 1, srcPrefixes: ["10.9.0.0/16"], enabled: false }),
      policy("p-other-site", { priority: 5, siteId: "b", srcPrefixes: ["10.2.0.0/16"] }),
      policy("p-a-only", { priority: 10, siteId: "a", appClassId: "app-default" }),
    ],
  };

  it("turns app classes into data-plane classes with their SLA", () => {
    const a = compileAll(specs, overlay).get("a")!;
    expect(a.classes).toEqual([
      { id: 1, name: "Default", kind: "default", match: [] },
      {
        id: 2,
        name: "Voice",
        kind: "voice",
        dscp: 46,
        match: [{ proto: "udp", lo: 10000, hi: 20000 }],
        sla: { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
      },
    ]);
  });

  it("keeps the enabled policies of this site in priority order and resolves their paths", () => {
    const a = compileAll(specs, overlay).get("a")!;
    expect(a.policies.map((p) => p.id)).toEqual(["p-a-only", "p-voice", "p-late"]);
    const voice = a.policies[1]!;
    expect(voice).toMatchObject({
      classId: 2,
      sources: ["10.1.5.0/24", "10.1.6.0/24", "10.1.7.0/24"],
      sla: { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
      onViolation: "hold",
    });
    // b over fiber to fiber, then every path to c (cheapest first), then the rest of b's.
    expect(voice.preferred).toEqual([
      "a-fiber~b-fiber",
      "a-fiber~c-fiber",
      pathIdOf("a-fiber", "c-lte"),
      pathIdOf("a-lte", "c-fiber"),
      pathIdOf("a-fiber", "b-lte"),
      pathIdOf("a-lte", "b-fiber"),
    ]);
    for (const id of voice.preferred) expect(a.paths.some((p) => p.id === id)).toBe(true);
    expect(a.policies[0]).toEqual({
      id: "p-a-only",
      name: "Policy p-a-only",
      priority: 10,
      classId: 1,
      sources: [],
      preferred: [],
      onViolation: "best_effort",
    });
    expect(
      compileAll(specs, overlay)
        .get("b")!
        .policies.map((p) => p.id),
    ).toEqual(["p-other-site", "p-voice", "p-late"]);
  });

  it("produces configs that satisfy ZOverlayConfig and ZDeviceConfig", () => {
    const intent = overlayIntent(specs, overlay, { probeIntervalMs: 50, holdDownSeconds: 10 });
    const compile = siteCompiler(intent, {
      orgId: ORG,
      facts: { overlay: peersFor(["a", "b", "c"]) },
    });
    for (const s of specs) {
      const config = compile(s.id)!;
      expect(ZOverlayConfig.safeParse(config.overlay).error).toBeUndefined();
      expect(ZDeviceConfig.safeParse(config).error).toBeUndefined();
      expect(config.overlay!.settings).toEqual({
        probeIntervalMs: 50,
        holdDownMs: 10_000,
        telemetryIntervalMs: 5000,
      });
    }
  });
});

describe("overlay compile: who has no overlay section", () => {
  const specs: SiteSpec[] = [
    { id: "a", links: twoLinks(1) },
    { id: "b", links: twoLinks(2) },
    { id: "plain" },
  ];

  it("a site without an enabled link, and every site while no device has a key", () => {
    const intent = overlayIntent(specs);
    const peers = peersFor(["a", "b", "plain"]);
    const compile = siteCompiler(intent, { orgId: ORG, facts: { overlay: peers } });
    expect(compile("plain")!.overlay).toBeUndefined();
    expect(compile("a")!.overlay).toBeDefined();
    const keyless = peers.map((p) => ({ ...p, publicKey: null }));
    const none = siteCompiler(intent, { orgId: ORG, facts: { overlay: keyless } });
    expect(none("a")!.overlay).toBeUndefined();
    expect("overlay" in none("a")!).toBe(false);
  });

  it("keeps configs of orgs that do not use the overlay byte-identical", () => {
    const intent = overlayIntent([{ id: "plain" }]);
    const before = siteCompiler(intent)("plain")!;
    const after = siteCompiler(intent, { orgId: ORG, facts: { overlay: peersFor(["plain"]) } })(
      "plain",
    )!;
    expect(JSON.stringify(after)).toBe(JSON.stringify(before));
    expect(configHash(after)).toBe(configHash(before));
    // The keys of a config without an overlay, as before the overlay existed (the hash is
    // over canonical JSON, so their order does not matter).
    expect(Object.keys(after).sort()).toEqual([
      "defaultAction",
      "interfaces",
      "portForwards",
      "rules",
      "services",
      "site",
    ]);
  });
});

describe("IPv6 text", () => {
  it("follows RFC 5952", () => {
    expect(formatIpv6([0xfd12, 0x34, 0x5678, 0x9abc, 0, 0, 0, 1])).toBe("fd12:34:5678:9abc::1");
    expect(formatIpv6([0xfd12, 0, 0, 0x5, 0, 0, 0, 2])).toBe("fd12:0:0:5::2");
    expect(formatIpv6([0xfd12, 0, 0, 0, 0, 0, 0, 1])).toBe("fd12::1");
    expect(formatIpv6([0xfd12, 0, 1, 0, 1, 0, 1, 0])).toBe("fd12:0:1:0:1:0:1:0");
  });
});
