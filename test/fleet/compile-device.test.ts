import { describe, expect, it } from "vitest";
import { ZDeviceConfig } from "../../protocol";
import { compiledHash, siteCompiler } from "../../server/domains/fleet/compile/compile-device";
import { canaryCount } from "../../server/domains/fleet/compile/compile-org";
import { DEFAULT_SITE_SETTINGS } from "../../server/domains/sites";
import { type Intent, parseIntent } from "../../server/features";

const intent: Intent = parseIntent({
  sites: [
    { id: "s1", name: "Paris", settings: { ...DEFAULT_SITE_SETTINGS, wanAddress: "198.51.100.1" } },
    { id: "s2", name: "Lyon", settings: DEFAULT_SITE_SETTINGS },
  ],
  rules: [
    rule("r1", null, 10, "deny"),
    rule("r2", "s2", 5, "allow"),
    rule("r3", "s1", 20, "allow"),
  ].sort((a, b) => a.priority - b.priority),
  portForwards: [
    {
      id: "f1",
      siteId: "s1",
      proto: "tcp",
      port: 8443,
      toAddr: "10.0.0.5",
      toPort: 443,
      description: "",
    },
  ],
  services: [
    {
      id: "l1",
      siteId: "s2",
      name: "web",
      vip: "10.0.0.100",
      port: 80,
      proto: "tcp",
      backends: [{ addr: "10.0.0.7", port: 8080 }],
    },
  ],
});

function rule(id: string, siteId: string | null, priority: number, action: "allow" | "deny") {
  return {
    id,
    siteId,
    priority,
    action,
    src: "10.1.0.0/16",
    dst: "10.2.0.0/16",
    proto: "tcp" as const,
    portLo: 443,
    portHi: 443,
    description: "",
  };
}

describe("site compiler", () => {
  it("gives each site the global rules plus its own, in priority order, as valid configs", () => {
    const compile = siteCompiler(intent);
    const paris = compile("s1")!;
    const lyon = compile("s2")!;
    expect(paris.rules.map((r) => [r.id, r.action])).toEqual([
      [1, "deny"],
      [2, "allow"],
    ]);
    expect(lyon.rules.map((r) => r.action)).toEqual(["allow", "deny"]);
    expect(paris.portForwards).toEqual([
      { id: 1, proto: "tcp", port: 8443, to: "10.0.0.5", toPort: 443 },
    ]);
    expect(lyon.services).toHaveLength(1);
    expect(paris.interfaces.wanAddress).toBe("198.51.100.1");
    expect(ZDeviceConfig.safeParse(paris).success).toBe(true);
    expect(ZDeviceConfig.safeParse(lyon).success).toBe(true);
    expect(compile("gone")).toBeUndefined();
  });

  it("takes a canary share only when there are enough devices", () => {
    expect(canaryCount(1, 10)).toBe(0);
    expect(canaryCount(2, 50)).toBe(0);
    expect(canaryCount(3, 10)).toBe(1);
    expect(canaryCount(100, 10)).toBe(10);
    expect(canaryCount(100, 0)).toBe(0);
    expect(canaryCount(10, 100)).toBe(9);
  });

  it("adds the overlay section per site from the peers, one config object per site", () => {
    const withLinks = parseIntent({
      ...intent,
      overlay: {
        ...intent.overlay,
        links: ["s1", "s2"].map((siteId) => ({
          id: `${siteId}-wan`,
          siteId,
          name: "wan",
          kind: "fiber",
          interface: "eth0",
          gateway: null,
          publicAddress: siteId === "s1" ? "198.51.100.1" : null,
          cost: 10,
          upMbps: 100,
          downMbps: 100,
          metered: false,
          enabled: true,
        })),
      },
    });
    const key = (n: number) => Buffer.alloc(32, n).toString("base64");
    const peers = [
      { siteId: "s1", deviceId: "d1", publicKey: key(1) },
      { siteId: "s2", deviceId: "d2", publicKey: key(2) },
    ];
    const compile = siteCompiler(withLinks, { orgId: "o1", facts: { overlay: peers } });
    const lyon = compile("s2")!;
    // The devices of a site share its config object, so the hash is computed once.
    expect(compile("s2")).toBe(lyon);
    expect(compiledHash(lyon)).toBe(compiledHash(compile("s2")!));
    expect(lyon.overlay?.paths.map((p) => [p.id, p.remote.deviceId, p.remote.endpoint])).toEqual([
      ["s1-wan~s2-wan", "d1", { address: "198.51.100.1", port: 51820 }],
    ]);
    expect(ZDeviceConfig.safeParse(lyon).success).toBe(true);
    // Without the overlay facts (or the links) the configs are what they always were.
    expect(siteCompiler(withLinks)("s2")).toEqual(siteCompiler(intent)("s2"));
  });
});
