// Policy at 4,096 rules through the kernel: verdicts, per-rule counters and allow+log
// events agree with a plain first-match evaluator (lib/rule-sets.ts); the last slot,
// port ranges, protocols and app ids work deep in the set; and a 4,096-rule set
// replaced by another never gives a packet a verdict from a mix of the two.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPolicy, ruleCounters, setApps } from "../../edge-agent/src/dataplane/config";
import { MAX_RULES, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, ipv6, TCP } from "./lib/packet";
import { firstMatch, lastCandidate, type Probe, probeFor, realistic, rng } from "./lib/rule-sets";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

/** A TCP ACK (judged by policy, creates no state) or a UDP datagram; `sport` keeps
 * every probe's flow distinct, so an allowed UDP probe's state never serves another. */
const packet = (p: Probe, sport: number) =>
  (p.src.includes(":") ? ipv6 : ipv4)({
    src: p.src,
    dst: p.dst,
    proto: p.proto === 17 ? "udp" : "tcp",
    sport,
    dport: p.dport,
    flags: TCP.ack,
  });

const verdictOf = (rule: PolicyRule | undefined) =>
  rule && rule.action !== "deny" ? Xdp.pass : Xdp.drop;

/** Sends every probe once; returns the rule ids of the allow+log events, in order. */
async function send(dp: Dataplane, probes: Probe[]) {
  const got: number[] = [];
  for (const [i, p] of probes.entries())
    got.push((await dp.testRun("xdp_ingress", packet(p, 10000 + i))).retval);
  return got;
}

describe("4,096 rules", () => {
  it("match, count and log like a plain first-match evaluator", async () => {
    const rules = realistic(MAX_RULES, 21);
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await applyPolicy(dp, rules);
    const r = rng(7);
    const probes = Array.from({ length: 400 }, (_, i) => probeFor(rules, r.int(rules.length), i));
    const expected = probes.map((p) => firstMatch(rules, p));
    expect(new Set(expected.map((m) => m?.id)).size).toBeGreaterThan(300);

    expect(await send(dp, probes)).toEqual(expected.map(verdictOf));
    const want = new Map<number, { packets: bigint; bytes: bigint }>();
    for (const [i, m] of expected.entries()) {
      if (!m) continue;
      const c = want.get(m.id) ?? { packets: 0n, bytes: 0n };
      const len = BigInt(packet(probes[i]!, 10000 + i).length);
      want.set(m.id, { packets: c.packets + 1n, bytes: c.bytes + len });
    }
    expect(await ruleCounters(dp)).toEqual(want);
    const c = await dp.reasonCounters(0);
    expect(c.default_deny).toBe(BigInt(expected.filter((m) => !m).length));
    const logged = (await dp.readPolicyLog()).map((e) => e.rule_id);
    expect(logged).toEqual(expected.filter((m) => m?.action === "allowLog").map((m) => m!.id));
  });

  it("reaches the last slot when every rule before it covers the packet", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await applyPolicy(dp, lastCandidate(MAX_RULES));
    const probe = (dport: number) => ({ src: "10.1.0.1", dst: "10.2.0.1", proto: 6, dport });
    expect(await send(dp, [probe(443), probe(1000), probe(1000 + 4094), probe(999)])).toEqual([
      Xdp.pass,
      Xdp.drop,
      Xdp.drop,
      Xdp.drop,
    ]);
    const perRule = await ruleCounters(dp);
    expect([...perRule.keys()].sort((a, b) => a - b)).toEqual([1, 4095, MAX_RULES]);
    expect((await dp.reasonCounters(0)).default_deny).toBe(1n);
  });

  it("applies ports, protocols and app ids deep in the set", async () => {
    const fill = realistic(MAX_RULES - 4, 22); // 10.0.0.0/10 and fd00::/16: never these
    const at = (slot: number, rule: PolicyRule) => fill.splice(slot, 0, rule);
    const net = { src: "192.168.1.0/24", dst: "192.168.2.0/24" };
    at(1000, { id: 60001, ...net, proto: 17, ports: [5000, 5010], action: "allowLog" });
    at(2000, { id: 60002, ...net, proto: 6, ports: [5000, 5010], action: "deny" });
    at(3000, { id: 60003, ...net, appId: 7, action: "allow" });
    fill.push({ id: 60004, src: "192.168.0.0/16", dst: "192.168.0.0/16", action: "deny" });
    expect(fill).toHaveLength(MAX_RULES);
    const dp = await env.fresh({ policy: true, defaultAction: "allow", appRules: true });
    await setApps(dp, [{ appId: 7, ports: [{ proto: 6, port: 7777 }] }]);
    await applyPolicy(dp, fill);
    const p = (proto: number, dport: number) => ({
      src: "192.168.1.5",
      dst: "192.168.2.9",
      proto,
      dport,
    });
    const probes = [p(17, 5000), p(17, 5010), p(17, 4999), p(17, 5011), p(6, 5005), p(6, 7777)];
    expect(await send(dp, probes)).toEqual([
      Xdp.pass,
      Xdp.pass,
      Xdp.drop,
      Xdp.drop,
      Xdp.drop,
      Xdp.pass,
    ]);
    const perRule = await ruleCounters(dp);
    expect(Object.fromEntries([...perRule].map(([id, c]) => [id, c.packets]))).toEqual({
      60001: 2n,
      60002: 1n,
      60003: 1n,
      60004: 2n,
    });
    expect((await dp.readPolicyLog()).map((e) => [e.rule_id, e.key.dport])).toEqual([
      [60001, 5000],
      [60001, 5010],
    ]);
  });
});

describe("replacing 4,096 rules", () => {
  it("gives every packet the old set's verdict until the flip, then the new set's", async () => {
    // Every rule logs, so each packet's event names the rule that judged it.
    const logAll = (rs: PolicyRule[]) => rs.map((x) => ({ ...x, action: "allowLog" as const }));
    const sets = [logAll(realistic(MAX_RULES, 31)), logAll(realistic(MAX_RULES, 32, 5001))];
    const r = rng(3);
    const probes = Array.from({ length: 30 }, (_, i) => {
      const from = sets[i % 2]!;
      return probeFor(from, r.int(from.length), i);
    });
    const judge = (set: PolicyRule[]) => probes.map((p) => firstMatch(set, p)?.id ?? null);
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await applyPolicy(dp, sets[0]!);

    /** The rule (or null: default deny) each probe gets now; a new flow every time, so
     * no conntrack entry of an earlier allowed UDP probe answers instead of policy. */
    let flow = 0;
    const observe = async () => {
      await dp.readPolicyLog();
      const out: (number | null)[] = [];
      for (const p of probes) {
        const verdict = (await dp.testRun("xdp_ingress", packet(p, 1024 + (flow++ % 60000))))
          .retval;
        const events = await dp.readPolicyLog();
        out.push(verdict === Xdp.pass ? (events[0]?.rule_id ?? -1) : null);
      }
      return out;
    };
    for (const [from, to] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const before = judge(sets[from]!);
      const after = judge(sets[to]!);
      expect(before).not.toEqual(after);
      let writes = 0;
      await applyPolicy(dp, sets[to]!, {
        afterWrite: async () => {
          writes++;
          expect(await observe()).toEqual(before);
        },
      });
      expect(writes).toBeGreaterThan(10); // the packets really ran between the writes
      expect(await observe()).toEqual(after);
    }
  });
});
