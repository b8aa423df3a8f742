import { describe, expect, it } from "vitest";
import { PlanError, planDataplane } from "../../edge-agent/src/agent/drivers/dataplane-plan";
import { MAX_RULES } from "../../edge-agent/src/dataplane/constants";
import {
  type DeviceConfig,
  MAX_MESSAGE_BYTES,
  MAX_SITE_RULES,
  ZDeviceConfig,
} from "../../protocol";

/** n distinct rules, as the portal compiles them (ids are positions). */
const manyRules = (n: number): DeviceConfig["rules"] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    src: `10.${i >> 8}.${i & 255}.0/24`,
    dst: "0.0.0.0/0",
    proto: "tcp" as const,
    ports: [1000 + (i % 50000), 1000 + (i % 50000)] as [number, number],
    action: "allow" as const,
  }));

const base: DeviceConfig = {
  site: { id: "s1", name: "Branch" },
  interfaces: { wan: "eth0", lan: "eth1", wanAddress: "203.0.113.10", wanIngress: "native" },
  defaultAction: "deny",
  snat: { from: "192.168.1.0/24", to: "203.0.113.10" },
  rules: [
    {
      id: 1,
      src: "0.0.0.0/0",
      dst: "192.168.1.10/32",
      proto: "tcp",
      ports: [443, 443],
      action: "allow",
    },
    {
      id: 2,
      src: "10.0.0.0/8",
      dst: "0.0.0.0/0",
      proto: "udp",
      ports: [5000, 5100],
      action: "allow",
    },
    { id: 3, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: "icmp", action: "allow" },
    { id: 4, src: "198.51.100.0/24", dst: "0.0.0.0/0", proto: "any", action: "deny" },
  ],
  portForwards: [
    { id: 1, proto: "tcp", port: 8080, to: "192.168.1.10", toPort: 80 },
    { id: 2, proto: "udp", port: 5060, to: "192.168.1.20", toPort: 5060 },
  ],
  services: [
    {
      id: 1,
      vip: "203.0.113.20",
      port: 80,
      proto: "tcp",
      backends: [
        { addr: "192.168.1.30", port: 8080 },
        { addr: "192.168.1.31", port: 8080 },
      ],
    },
  ],
};

/** `n` services of `backends` backends each, on distinct VIPs. */
const services = (n: number, backends: number): DeviceConfig["services"] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    vip: `203.0.${113 + (i >> 8)}.${i & 255}`,
    port: 80,
    proto: "tcp" as const,
    backends: Array.from({ length: backends }, (_, j) => ({
      addr: `10.${1 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`,
      port: 80,
    })),
  }));

describe("DeviceConfig → data plane plan", () => {
  it("maps interfaces, policy, SNAT, port forwards and services", () => {
    expect(planDataplane(base)).toEqual({
      links: { wan: "eth0", lan: "eth1", wanIngress: "native" },
      iface: { slot: 1, policy: true, defaultAction: "deny", snat: true },
      rules: [
        {
          id: 1,
          src: "0.0.0.0/0",
          dst: "192.168.1.10/32",
          proto: 6,
          ports: [443, 443],
          action: "allow",
        },
        {
          id: 2,
          src: "10.0.0.0/8",
          dst: "0.0.0.0/0",
          proto: 17,
          ports: [5000, 5100],
          action: "allow",
        },
        { id: 3, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 1, action: "allow" },
        { id: 4, src: "198.51.100.0/24", dst: "0.0.0.0/0", proto: 0, action: "deny" },
      ],
      snat: { from: "192.168.1.0/24", to: "203.0.113.10" },
      forwards: [
        { vip: "203.0.113.10", port: 8080, proto: 6, backendId: 1, to: "192.168.1.10", toPort: 80 },
        {
          vip: "203.0.113.10",
          port: 5060,
          proto: 17,
          backendId: 2,
          to: "192.168.1.20",
          toPort: 5060,
        },
      ],
      services: [
        {
          vip: "203.0.113.20",
          port: 80,
          proto: 6,
          backends: [
            { id: 3, addr: "192.168.1.30", port: 8080 },
            { id: 4, addr: "192.168.1.31", port: 8080 },
          ],
        },
      ],
    });
  });

  it("is deterministic and leaves SNAT off when the config has none", () => {
    const { snat: _, ...noSnat } = base;
    const plan = planDataplane(noSnat);
    expect(plan.snat).toBeNull();
    expect(plan.iface.snat).toBe(false);
    expect(planDataplane(noSnat)).toEqual(plan);
  });

  it("lets local link overrides win over the portal's names", () => {
    expect(planDataplane(base, { wan: "enp3s0", wanIngress: "tc" }).links).toEqual({
      wan: "enp3s0",
      lan: "eth1",
      wanIngress: "tc",
    });
  });

  const refuse: [string, DeviceConfig, RegExp][] = [
    [
      "port forwards without a WAN address",
      { ...base, interfaces: { wan: "eth0", lan: "eth1", wanIngress: "tc" } },
      /need interfaces\.wanAddress/,
    ],
    [
      "the same link as WAN and LAN",
      { ...base, interfaces: { ...base.interfaces, lan: "eth0" } },
      /different links/,
    ],
    [
      "two listeners on one address and port",
      {
        ...base,
        services: [{ ...base.services[0]!, vip: "203.0.113.10", port: 8080 }],
      },
      /service 1 and port forward 1 both listen on 203\.0\.113\.10:8080\/tcp/,
    ],
    [
      "duplicate rule ids",
      { ...base, rules: [base.rules[0]!, { ...base.rules[1]!, id: 1 }] },
      /rule id 1 appears twice/,
    ],
    [
      "ports on an ICMP rule",
      { ...base, rules: [{ ...base.rules[2]!, ports: [1, 2] }] },
      /ports apply to tcp and udp only/,
    ],
    [
      "a reversed port range",
      { ...base, rules: [{ ...base.rules[0]!, ports: [90, 80] }] },
      /reversed/,
    ],
    [
      "more rules than the data plane holds",
      { ...base, rules: manyRules(MAX_RULES + 1) },
      /4097 rules: the data plane holds at most 4096 \(global rules included\)/,
    ],
    [
      "more backends than the data plane holds",
      {
        ...base,
        portForwards: [],
        services: Array.from({ length: 17 }, (_, i) => ({
          id: i + 1,
          vip: `203.0.113.${i + 1}`,
          port: 80,
          proto: "tcp" as const,
          backends: Array.from({ length: 64 }, (_, j) => ({
            addr: `10.1.${i}.${j + 1}`,
            port: 80,
          })),
        })),
      },
      /1088 backends .* exceed the data plane's 1023/,
    ],
    [
      "more services than the data plane holds",
      { ...base, portForwards: [], services: services(65, 1) },
      /at most 64 load-balanced services/,
    ],
    [
      // Beyond the wire schema's 64, but the planner is the data plane's own guard.
      "more backends than one Maglev ring holds",
      { ...base, portForwards: [], services: services(1, 1311) },
      /service 1: 1311 backends exceed one Maglev ring's 1310/,
    ],
  ];
  it.each(refuse)("refuses %s", (_, config, message) => {
    expect(() => planDataplane(config)).toThrow(PlanError);
    expect(() => planDataplane(config)).toThrow(message);
  });

  it("accepts the most services and backends the data plane holds", () => {
    const many = [
      ...services(63, 1),
      ...services(1, 958).map((s) => ({ ...s, id: 64, vip: "203.0.114.64" })),
    ];
    const plan = planDataplane({ ...base, services: many }); // + 2 port forwards = 1023 ids
    expect(plan.services).toHaveLength(64);
    expect(plan.services.at(-1)!.backends.at(-1)!.id).toBe(1023);
  });

  it("takes a site's 4,096 rules, the limit the protocol and the data plane share", () => {
    expect(MAX_SITE_RULES).toBe(MAX_RULES);
    const config = { ...base, rules: manyRules(MAX_SITE_RULES) };
    expect(ZDeviceConfig.safeParse(config).success).toBe(true);
    expect(planDataplane(config).rules).toHaveLength(MAX_SITE_RULES);
    const over = ZDeviceConfig.safeParse({ ...config, rules: manyRules(MAX_SITE_RULES + 1) });
    expect(over.error?.issues[0]?.message).toBe(
      "at most 4096 rules per site (global rules included)",
    );
  });

  it("a config with 4,096 rules, each at its longest, fits one channel message", () => {
    const longest = Array.from({ length: MAX_SITE_RULES }, (_, i) => ({
      id: 65535 - i,
      src: "255.255.255.255/32",
      dst: "255.255.255.255/32",
      proto: "icmp" as const,
      ports: [65535, 65535] as [number, number],
      action: "allow" as const,
    }));
    const config = { ...base, rules: longest };
    expect(ZDeviceConfig.safeParse(config).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify({ version: 2 ** 40, config }))).toBeLessThan(
      MAX_MESSAGE_BYTES / 1.5,
    );
  });
});
