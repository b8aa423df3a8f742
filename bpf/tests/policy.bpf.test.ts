// Micro-segmentation fixtures: LPM rules, priorities, port/proto/app matching,
// default actions, per-rule counters and stateful pass-through of replies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPolicy, ruleCounters, setApps } from "../../edge-agent/src/dataplane/config";
import { CtFlags, Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, ipv6, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const RULES: PolicyRule[] = [
  { id: 101, src: "10.1.0.0/16", dst: "0.0.0.0/0", proto: 6, ports: [22, 22], action: "deny" },
  {
    id: 102,
    src: "10.0.0.0/8",
    dst: "10.2.0.0/16",
    proto: 6,
    ports: [80, 443],
    action: "allowLog",
  },
  { id: 103, src: "fd00:1::/64", dst: "::/0", action: "deny" },
  { id: 104, src: "::/0", dst: "fd00:2::/64", proto: 17, action: "allow" },
];

async function withPolicy(rules = RULES) {
  const dp = await env.fresh({ policy: true, defaultAction: "deny" });
  await applyPolicy(dp, rules);
  return dp;
}

const syn = (src: string, dst: string, dport: number, proto: "tcp" | "udp" = "tcp") =>
  ipv4({ src, dst, proto, sport: 40000, dport, flags: TCP.syn });

describe("policy", () => {
  it.each([
    ["higher-priority deny wins", syn("10.1.0.5", "10.2.0.1", 22), Xdp.drop, "policy_deny"],
    ["allow rule in port range", syn("10.1.0.5", "10.2.0.1", 443), Xdp.pass, "policy_allow"],
    ["shorter covering prefix", syn("10.3.0.1", "10.2.0.1", 80), Xdp.pass, "policy_allow"],
    ["no rule -> default deny", syn("192.168.1.1", "10.2.0.1", 80), Xdp.drop, "default_deny"],
    ["wrong protocol", syn("10.3.0.1", "10.2.0.1", 80, "udp"), Xdp.drop, "default_deny"],
    ["port outside range", syn("10.3.0.1", "10.2.0.1", 444), Xdp.drop, "default_deny"],
    ["dst outside prefix", syn("10.3.0.1", "10.9.0.1", 80), Xdp.drop, "default_deny"],
    [
      "ipv6 deny",
      ipv6({ src: "fd00:1::5", dst: "fd00:2::1", proto: "udp" }),
      Xdp.drop,
      "policy_deny",
    ],
    [
      "ipv6 allow",
      ipv6({ src: "fd00:3::5", dst: "fd00:2::1", proto: "udp" }),
      Xdp.pass,
      "policy_allow",
    ],
  ] as const)("%s", async (_n, pkt, verdict, reason) => {
    const dp = await withPolicy();
    expect((await dp.testRun("xdp_ingress", pkt)).retval).toBe(verdict);
    expect((await dp.reasonCounters(0))[reason]).toBe(1n);
  });

  it("counts packets and bytes per rule and remembers the rule in conntrack", async () => {
    const dp = await withPolicy();
    const pkt = syn("10.1.0.5", "10.2.0.1", 80);
    await dp.testRun("xdp_ingress", pkt);
    await dp.testRun("xdp_ingress", syn("10.1.0.5", "10.2.0.1", 22));
    const perRule = await ruleCounters(dp);
    expect(perRule.get(102)).toEqual({ packets: 1n, bytes: BigInt(pkt.length) });
    expect(perRule.get(101)).toEqual({ packets: 1n, bytes: 54n });
    const [orig] = (
      await dp.dump<object, { rule_id: number; flags: number; dir: number }>("conntrack")
    )
      .map((r) => r.values[0]!)
      .filter((e) => e.dir === 0);
    expect(orig).toMatchObject({ rule_id: 102 });
    expect(orig!.flags & CtFlags.log).toBe(CtFlags.log);
  });

  it("IPv6 neighbour discovery passes a default-deny interface", async () => {
    const dp = await withPolicy([]);
    const nd = { src: "fe80::1", dst: "ff02::1:ff00:2", proto: "icmp", icmpType: 135 } as const;
    const ns = ipv6({ ...nd, hopLimit: 255 });
    expect((await dp.testRun("xdp_ingress", ns)).retval).toBe(Xdp.pass);
    // ND is recognised by type, code 0 and hop limit 255 only (RFC 4861): one routed
    // from elsewhere (hop limit < 255) is judged by policy like anything else.
    expect((await dp.testRun("xdp_ingress", ipv6({ ...nd, hopLimit: 64 }))).retval).toBe(Xdp.drop);
    // An echo request whose id reads like an ND type (0x87xx) is still an echo.
    const sneaky = ipv6({ ...nd, icmpType: 128, icmpId: 0x8700, hopLimit: 255 });
    expect((await dp.testRun("xdp_ingress", sneaky)).retval).toBe(Xdp.drop);
    const echo = ipv6({ src: "fe80::1", dst: "fe80::2", proto: "icmp", icmpType: 128 });
    expect((await dp.testRun("xdp_ingress", echo)).retval).toBe(Xdp.drop);
    expect((await dp.reasonCounters(0)).nd_pass).toBe(1n);
  });

  it("allow+log rules emit one ring buffer event per new flow", async () => {
    const dp = await withPolicy();
    const pkt = syn("10.1.0.5", "10.2.0.1", 443);
    await dp.testRun("xdp_ingress", pkt);
    await dp.testRun("xdp_ingress", syn("10.1.0.5", "10.2.0.1", 22)); // denied: no log
    const events = await dp.readPolicyLog();
    expect(events).toEqual([
      {
        key: {
          saddr: "10.1.0.5",
          daddr: "10.2.0.1",
          sport: 40000,
          dport: 443,
          proto: 6,
          family: 4,
        },
        rule_id: 102,
        action: 2,
        ifslot: 0,
        len: pkt.length,
      },
    ]);
    expect(await dp.readPolicyLog()).toEqual([]);
  });

  it("a default allow interface passes what no rule denies", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "allow" });
    await applyPolicy(dp, RULES);
    expect((await dp.testRun("xdp_ingress", syn("192.168.1.1", "10.2.0.1", 80))).retval).toBe(
      Xdp.pass,
    );
    expect((await dp.testRun("xdp_ingress", syn("10.1.0.1", "10.2.0.1", 22))).retval).toBe(
      Xdp.drop,
    );
  });

  it("matches on app id from the agent's app map", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny", appRules: true });
    await setApps(dp, [{ appId: 5, ports: [{ proto: 6, port: 5201 }] }]);
    await applyPolicy(dp, [
      { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", appId: 5, action: "allow" },
    ]);
    expect((await dp.testRun("xdp_ingress", syn("10.0.0.1", "10.0.0.2", 5201))).retval).toBe(
      Xdp.pass,
    );
    expect((await dp.testRun("xdp_ingress", syn("10.0.0.1", "10.0.0.2", 5202))).retval).toBe(
      Xdp.drop,
    );
  });

  it("flips between rule banks and counts per rule across changes", async () => {
    const dp = await withPolicy();
    const ssh = syn("10.1.0.5", "10.2.0.1", 22);
    expect((await dp.testRun("xdp_ingress", ssh)).retval).toBe(Xdp.drop);
    // New set: 101 becomes an allow, higher priority than a new catch-all deny.
    await applyPolicy(dp, [
      { ...RULES[0]!, action: "allow" },
      { id: 200, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "deny" },
    ]);
    expect((await dp.testRun("xdp_ingress", ssh)).retval).toBe(Xdp.pass);
    expect((await dp.testRun("xdp_ingress", syn("10.3.0.1", "10.2.0.1", 80))).retval).toBe(
      Xdp.drop,
    );
    const c = await ruleCounters(dp);
    expect([c.get(101)?.packets, c.get(200)?.packets]).toEqual([2n, 1n]);
  });

  it("counts only the rules of the sets in the banks", async () => {
    const dp = await withPolicy(); // RULES in one bank
    await dp.testRun("xdp_ingress", syn("10.3.0.1", "10.2.0.1", 80)); // rule 102 (slot 1)
    await applyPolicy(dp, [{ ...RULES[0]!, id: 7 }]); // the other bank
    expect([...(await ruleCounters(dp)).keys()]).toEqual([102]);
    await applyPolicy(dp, [{ ...RULES[0]!, id: 8 }]); // RULES' bank again, one rule now
    expect(await ruleCounters(dp)).toEqual(new Map());
  });

  it("a replaced rule set leaves nothing behind that matches", async () => {
    const dp = await withPolicy();
    await applyPolicy(dp, [RULES[1]!]);
    await applyPolicy(dp, [RULES[1]!]); // both banks have held the old set now
    expect((await dp.testRun("xdp_ingress", syn("10.1.0.5", "10.2.0.1", 22))).retval).toBe(
      Xdp.drop,
    );
    expect((await dp.reasonCounters(0)).default_deny).toBe(1n);
  });
});

describe("stateful policy", () => {
  it("replies to an outbound flow pass a default-deny ingress", async () => {
    const dp = await withPolicy([]);
    const out = ipv4({
      src: "192.168.1.10",
      dst: "203.0.113.5",
      proto: "tcp",
      sport: 5555,
      dport: 443,
    });
    expect((await dp.testRun("tc_egress", out)).retval).toBe(Tc.ok);
    const reply = ipv4({
      src: "203.0.113.5",
      dst: "192.168.1.10",
      proto: "tcp",
      sport: 443,
      dport: 5555,
      flags: TCP.syn | TCP.ack,
    });
    expect((await dp.testRun("xdp_ingress", reply)).retval).toBe(Xdp.pass);
    const other = ipv4({
      src: "203.0.113.5",
      dst: "192.168.1.10",
      proto: "tcp",
      sport: 443,
      dport: 5556,
    });
    expect((await dp.testRun("xdp_ingress", other)).retval).toBe(Xdp.drop);
    const c = await dp.reasonCounters(0);
    expect([c.egress_new, c.ct_reply, c.default_deny]).toEqual([1n, 1n, 1n]);
  });

  it("established inbound flows survive a policy change", async () => {
    const dp = await withPolicy();
    await dp.testRun("xdp_ingress", syn("10.3.0.1", "10.2.0.1", 80));
    await applyPolicy(dp, []);
    const ack = ipv4({
      src: "10.3.0.1",
      dst: "10.2.0.1",
      proto: "tcp",
      sport: 40000,
      dport: 80,
      flags: TCP.ack,
    });
    expect((await dp.testRun("xdp_ingress", ack)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).ct_orig).toBe(1n);
  });

  it("mid-stream TCP without state is judged by policy but creates no state", async () => {
    const dp = await withPolicy();
    const ack = ipv4({ src: "10.3.0.1", dst: "10.2.0.1", proto: "tcp", dport: 80, flags: TCP.ack });
    expect((await dp.testRun("xdp_ingress", ack)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).tcp_no_state).toBe(1n);
    expect(await dp.dump("conntrack")).toHaveLength(0);
  });
});

describe("address families", () => {
  const v4 = ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", dport: 53 });
  const v6 = ipv6({ src: "fd00::1", dst: "fd00::2", proto: "udp", dport: 53 });
  const verdicts = async (rules: PolicyRule[], defaultAction: "allow" | "deny") => {
    const dp = await env.fresh({ policy: true, defaultAction });
    await applyPolicy(dp, rules);
    const out = [];
    for (const pkt of [v4, v6]) out.push((await dp.testRun("xdp_ingress", pkt)).retval);
    return { out, perRule: await ruleCounters(dp), c: await dp.reasonCounters(0) };
  };

  it("an IPv6 ::/0 rule never matches IPv4, whichever rule comes first", async () => {
    const deny6 = { id: 1, src: "::/0", dst: "::/0", action: "deny" } as const;
    const allow4 = { id: 2, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "allow" } as const;
    for (const rules of [
      [deny6, allow4],
      [allow4, deny6],
    ]) {
      const { out, perRule } = await verdicts(rules, "deny");
      expect(out).toEqual([Xdp.pass, Xdp.drop]);
      expect([perRule.get(1)?.packets, perRule.get(2)?.packets]).toEqual([1n, 1n]);
    }
    // Alone on a default-allow link it stops IPv6 only.
    const { out, c } = await verdicts([deny6], "allow");
    expect(out).toEqual([Xdp.pass, Xdp.drop]);
    expect([c.default_allow, c.policy_deny]).toEqual([1n, 1n]);
  });

  it("an IPv4 0.0.0.0/0 rule never matches IPv6", async () => {
    const deny4 = { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "deny" } as const;
    const allow6 = { id: 2, src: "::/0", dst: "::/0", action: "allow" } as const;
    const { out, perRule } = await verdicts([deny4, allow6], "deny");
    expect(out).toEqual([Xdp.drop, Xdp.pass]);
    expect([perRule.get(1)?.packets, perRule.get(2)?.packets]).toEqual([1n, 1n]);
    const alone = await verdicts([deny4], "allow");
    expect(alone.out).toEqual([Xdp.drop, Xdp.pass]);
    expect([alone.c.policy_deny, alone.c.default_allow]).toEqual([1n, 1n]);
  });

  it("a rule with one side of each family matches nothing", async () => {
    const { out, c } = await verdicts(
      [
        { id: 1, src: "::/0", dst: "0.0.0.0/0", action: "deny" },
        { id: 2, src: "0.0.0.0/0", dst: "::/0", action: "deny" },
      ],
      "allow",
    );
    expect(out).toEqual([Xdp.pass, Xdp.pass]);
    expect(c.default_allow).toBe(2n);
  });

  it("an app prefix ::/0 classifies IPv6 only", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny", appRules: true });
    await setApps(dp, [{ appId: 9, prefixes: ["::/0"] }]);
    await applyPolicy(dp, [
      { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", appId: 9, action: "deny" },
      { id: 2, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "allow" },
      { id: 3, src: "::/0", dst: "::/0", appId: 9, action: "allow" },
    ]);
    expect((await dp.testRun("xdp_ingress", v4)).retval).toBe(Xdp.pass);
    expect((await dp.testRun("xdp_ingress", v6)).retval).toBe(Xdp.pass);
    const perRule = await ruleCounters(dp);
    expect([perRule.get(1), perRule.get(2)?.packets, perRule.get(3)?.packets]).toEqual([
      undefined,
      1n,
      1n,
    ]);
  });
});
