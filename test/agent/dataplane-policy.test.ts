// The policy compiler, checked by walking what it builds the way bpf/include/policy.h
// does and comparing with a plain first-match evaluator (bpf/tests/lib/rule-sets.ts).
// policy*.bpf.test.ts run the same shapes through the kernel.
import { isIPv4 } from "node:net";
import { describe, expect, it } from "vitest";
import { firstMatch, type Probe, probeFor, realistic, rng } from "../../bpf/tests/lib/rule-sets";
import { MAX_RULES, PolicyTrie } from "../../edge-agent/src/dataplane/constants";
import {
  type CompiledPolicy,
  compilePolicy,
  type PolicyRule,
  portBlocks,
} from "../../edge-agent/src/dataplane/policy";
import { addrBytes, ipv4Bytes } from "../../protocol/addr";

/** Mask id at the leaf for `key`: two 8-bit levels, then 4-bit ones (policy_walk). */
function walk(c: CompiledPolicy, root: number, key: Buffer): number {
  let v = c.wide[root]![key[0]!]!;
  if (v & PolicyTrie.child) v = c.wide[v >>> 1]![key[1]!]!;
  for (let bit = 16; v & PolicyTrie.child; bit += 4) {
    const b = key[bit >> 3]!;
    v = c.nodes[v >>> 1]![bit & 4 ? b & 15 : b >> 4]!;
  }
  return v >>> 1;
}

/** The rule the data plane's tries pick for `p`, or undefined (policy_eval). */
function evaluate(c: CompiledPolicy, p: Probe) {
  const addr = (a: string, v4Root: number): [number, Buffer] =>
    isIPv4(a) ? [v4Root, ipv4Bytes(a)] : [v4Root + 1, addrBytes(a)];
  const port = [p.dport >> 8, p.dport & 255];
  const ids = [
    walk(c, ...addr(p.src, PolicyTrie.src4)),
    walk(c, ...addr(p.dst, PolicyTrie.dst4)),
    walk(c, PolicyTrie.l4, Buffer.from([p.proto, ...port])),
    p.app ? walk(c, PolicyTrie.l4App, Buffer.from([p.app >> 8, p.app & 255, p.proto, ...port])) : 0,
  ];
  const [s, d, l, a] = ids.map((id) => c.masks[id]!.words);
  for (let i = 0; i < MAX_RULES / 8; i++) {
    const byte = s![i]! & d![i]! & (l![i]! | a![i]!);
    if (byte) return c.rules[i * 8 + 31 - Math.clz32(byte & -byte)];
  }
  return undefined;
}

const idOf = (c: CompiledPolicy, p: Probe) => evaluate(c, p)?.rule_id;

describe("policy compiler", () => {
  it("picks the first rule whose prefixes, protocol and ports all match", () => {
    const c = compilePolicy([
      { id: 1, src: "10.1.0.0/16", dst: "0.0.0.0/0", proto: 6, ports: [22, 22], action: "deny" },
      { id: 2, src: "10.0.0.0/8", dst: "10.2.0.0/16", proto: 6, ports: [80, 443], action: "allow" },
      { id: 3, src: "10.0.0.0/8", dst: "0.0.0.0/0", action: "deny" },
    ]);
    const p = (src: string, dst: string, proto: number, dport: number) =>
      idOf(c, { src, dst, proto, dport });
    expect(p("10.1.2.3", "10.2.0.1", 6, 22)).toBe(1);
    expect(p("10.1.2.3", "10.2.0.1", 6, 443)).toBe(2);
    expect(p("10.9.2.3", "10.2.0.1", 6, 444)).toBe(3);
    expect(p("10.9.2.3", "10.2.0.1", 17, 80)).toBe(3);
    expect(p("11.0.0.1", "10.2.0.1", 6, 80)).toBeUndefined();
    expect(c.rules[1]).toMatchObject({ rule_id: 2, action: 1, port_lo: 80, port_hi: 443 });
  });

  it("agrees with a plain first-match evaluator over 4,096 mixed rules", () => {
    const rules = realistic(MAX_RULES, 3);
    const c = compilePolicy(rules);
    const r = rng(99);
    const probes: Probe[] = [];
    for (let i = 0; i < 1500; i++) probes.push(probeFor(rules, r.int(rules.length), i));
    // And packets aimed at no rule: anywhere in the sets' space, any protocol.
    for (let i = 0; i < 500; i++)
      probes.push({
        src: `10.${r.int(64)}.${r.int(256)}.${r.int(256)}`,
        dst: `10.${r.int(64)}.${r.int(256)}.${r.int(256)}`,
        proto: [1, 6, 17, 47][r.int(4)]!,
        dport: r.int(65536),
      });
    const mismatches = probes.filter((p) => idOf(c, p) !== firstMatch(rules, p)?.id);
    expect(mismatches).toEqual([]);
    // Deep rules really are hit, not only the first few.
    const hit = new Set(probes.map((p) => firstMatch(rules, p)?.id));
    expect(hit.size).toBeGreaterThan(1000);
  });

  it("keeps the address families apart: ::/0 never matches IPv4, 0.0.0.0/0 never IPv6", () => {
    const c = compilePolicy([
      { id: 1, src: "::/0", dst: "::/0", action: "deny" },
      { id: 2, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "allow" },
      { id: 3, src: "::/0", dst: "0.0.0.0/0", action: "deny" }, // never matches anything
      { id: 4, src: "::ffff:a00:0/104", dst: "10.0.0.0/8", action: "allowLog" }, // 10/8 in v6 text
    ]);
    const v4 = { src: "10.0.0.1", dst: "10.0.0.2", proto: 6, dport: 80 };
    const v6 = { src: "fd00::1", dst: "fd00::2", proto: 6, dport: 80 };
    expect([idOf(c, v4), idOf(c, v6)]).toEqual([2, 1]);
    const swapped = compilePolicy([
      { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "deny" },
      { id: 2, src: "::/0", dst: "::/0", action: "allow" },
    ]);
    expect([idOf(swapped, v4), idOf(swapped, v6)]).toEqual([1, 2]);
    const onlyV4 = compilePolicy([
      { id: 9, src: "::ffff:a00:0/104", dst: "::ffff:0:0/96", action: "deny" },
    ]);
    expect([idOf(onlyV4, v4), idOf(onlyV4, v6)]).toEqual([9, undefined]);
  });

  it("limits ports to TCP and UDP, and app rules to packets of that app", () => {
    const c = compilePolicy([
      { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", ports: [1000, 2000], action: "deny" },
      { id: 2, src: "0.0.0.0/0", dst: "0.0.0.0/0", appId: 7, action: "allow" },
      { id: 3, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 1, action: "allowLog" },
    ]);
    const p = (proto: number, dport: number, app?: number) =>
      idOf(c, { src: "1.2.3.4", dst: "5.6.7.8", proto, dport, ...(app ? { app } : {}) });
    expect([p(6, 1500), p(17, 2000), p(6, 2001), p(1, 1500)]).toEqual([1, 1, undefined, 3]);
    expect([p(6, 80, 7), p(6, 80, 8), p(6, 1500, 7)]).toEqual([2, undefined, 1]);
  });

  it("splits a port range into aligned blocks that cover exactly that range", () => {
    const r = rng(5);
    for (let i = 0; i < 200; i++) {
      const lo = r.int(65536);
      const hi = lo + r.int(65536 - lo);
      const blocks = portBlocks(lo, hi);
      expect(blocks.length).toBeLessThanOrEqual(30);
      let next = lo;
      for (const [first, bits] of blocks) {
        expect(first).toBe(next);
        expect(first % 2 ** (16 - bits)).toBe(0);
        next = first + 2 ** (16 - bits);
      }
      expect(next).toBe(hi + 1);
    }
  });

  it.each([
    [
      "4,097 rules",
      Array.from({ length: MAX_RULES + 1 }, (_, i) => ({
        id: i,
        src: "0.0.0.0/0",
        dst: "0.0.0.0/0",
        action: "allow" as const,
      })),
      "4097 rules: the data plane holds at most 4096 (global rules included)",
    ],
    [
      "ports on ICMP",
      [{ id: 5, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 1, ports: [1, 2], action: "allow" }],
      "rule 5: ports apply to tcp and udp only, not protocol 1",
    ],
    [
      "a reversed range",
      [{ id: 6, src: "0.0.0.0/0", dst: "0.0.0.0/0", ports: [9, 8], action: "allow" }],
      "rule 6: port range 9-8 must be ascending within 0-65535",
    ],
    [
      "a bad prefix",
      [{ id: 7, src: "10.0.0.0/33", dst: "0.0.0.0/0", action: "allow" }],
      "rule 7: bad prefix 10.0.0.0/33",
    ],
    [
      "an unknown action",
      [{ id: 8, src: "0.0.0.0/0", dst: "0.0.0.0/0", action: "log" }],
      "rule 8: unknown action log",
    ],
  ])("refuses %s, saying why", (_what, rules, message) => {
    expect(() => compilePolicy(rules as PolicyRule[])).toThrow(message);
  });

  it("accepts 4,096 rules", () => {
    const c = compilePolicy(realistic(MAX_RULES, 4));
    expect(c.rules).toHaveLength(MAX_RULES);
  });
});
