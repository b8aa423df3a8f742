// Hostile and unusual traffic: fragments, what cannot be classified, impossible TCP,
// expired state, and source NAT that must never leak an inside address. Fixtures
// are data: frames from the independent builders, the verdict, the reason counter,
// and where the frame is rewritten, the exact bytes expected out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPolicy, setPortForward, setSnat } from "../../edge-agent/src/dataplane/config";
import { CtState, Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { type Env, setupEnv } from "./lib/harness";
import { inetSum, ipv4, ipv6, parseIpv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const WAN = "198.51.100.1";
const INSIDE = "192.168.10.20";
const REMOTE = "203.0.113.7";
const MF = 0x2000;
const hex = (b: Buffer) => b.toString("hex");
/** ::ffff:a.b.c.d written in hex groups (the builders take no dotted tail). */
const mapped = (v4: string) => {
  const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
  return `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

/** An IPv4 datagram cut into a first fragment (with the UDP header) and a second. */
function fragmented(o: { src: string; dst: string; sport: number; dport: number; id: number }) {
  const payload = Buffer.alloc(64, 0xab);
  const whole = ipv4({ ...o, proto: "udp", payload }).subarray(14 + 20); // UDP header + data
  const first = whole.subarray(0, 40); // 8 + 32 bytes: a multiple of 8
  const rest = whole.subarray(40);
  const part = (fragOffset: number, body: Buffer) => {
    const f = ipv4({
      src: o.src,
      dst: o.dst,
      proto: "udp",
      id: o.id,
      fragOffset,
      payload: Buffer.alloc(0),
    });
    // Replace the builder's UDP header with the raw piece; fix lengths and checksum.
    const ip = Buffer.from(f.subarray(14, 34));
    ip.writeUInt16BE(20 + body.length, 2);
    ip.writeUInt16BE(0, 10);
    ip.writeUInt16BE(inetSum(ip), 10);
    return Buffer.concat([f.subarray(0, 14), ip, body]);
  };
  return { first: part(MF, first), later: part(40 / 8, rest) };
}

async function denyAllBut4500(): Promise<Dataplane> {
  const dp = await env.fresh({ policy: true, defaultAction: "deny" });
  await applyPolicy(dp, [
    { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 17, ports: [4500, 4500], action: "allow" },
  ]);
  return dp;
}

describe("fragments follow their first fragment", () => {
  it("allowed fragmented UDP passes whole under default deny; stray pieces do not", async () => {
    const dp = await denyAllBut4500();
    const f = fragmented({ src: REMOTE, dst: WAN, sport: 4500, dport: 4500, id: 0x4242 });
    expect((await dp.testRun("xdp_ingress", f.first)).retval).toBe(Xdp.pass);
    expect((await dp.testRun("xdp_ingress", f.later)).retval).toBe(Xdp.pass);
    const other = fragmented({ src: REMOTE, dst: WAN, sport: 4500, dport: 4500, id: 0x4343 });
    expect((await dp.testRun("xdp_ingress", other.later)).retval).toBe(Xdp.drop);
    const c = await dp.reasonCounters(0);
    expect([c.policy_allow, c.frag_follow, c.frag_no_first_drop]).toEqual([1n, 1n, 1n]);
    expect((await dp.dump("conntrack")).length).toBe(2); // only the first made state
  });

  it("a deny rule cannot be bypassed with fragments", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "allow" });
    await applyPolicy(dp, [
      { id: 7, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 17, ports: [53, 53], action: "deny" },
    ]);
    const f = fragmented({ src: REMOTE, dst: WAN, sport: 999, dport: 53, id: 9 });
    expect((await dp.testRun("xdp_ingress", f.first)).retval).toBe(Xdp.drop);
    expect((await dp.testRun("xdp_ingress", f.later)).retval).toBe(Xdp.drop);
    expect((await dp.testRun("tc_wan_ingress", f.later)).retval).toBe(Tc.shot);
  });

  it("port-forwarded fragments are all translated", async () => {
    const dp = await env.fresh();
    await setPortForward(dp, {
      vip: WAN,
      port: 5353,
      proto: 17,
      backendId: 1,
      to: INSIDE,
      toPort: 53,
    });
    const f = fragmented({ src: REMOTE, dst: WAN, sport: 999, dport: 5353, id: 77 });
    const a = await dp.testRun("xdp_ingress", f.first);
    expect(parseIpv4(a.data)).toMatchObject({ dst: INSIDE, dport: 53, ipCsumOk: true });
    for (const prog of ["xdp_ingress", "tc_wan_ingress"]) {
      const b = await dp.testRun(prog, f.later);
      expect([Xdp.pass, Tc.ok]).toContain(b.retval);
      const ip = b.data.subarray(14, 34);
      expect([...ip.subarray(16, 20)].join(".")).toBe(INSIDE);
      expect(inetSum(ip)).toBe(0); // header checksum still right
      expect(hex(b.data.subarray(34))).toBe(hex(f.later.subarray(34))); // payload untouched
    }
  });

  it("IPv6: the fragment header's first piece is judged, the rest follow", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await applyPolicy(dp, [
      { id: 1, src: "::/0", dst: "::/0", proto: 17, ports: [4500, 4500], action: "allow" },
    ]);
    const fh = (offset: number, more: boolean) => {
      const b = Buffer.alloc(6);
      b.writeUInt16BE((offset << 3) | (more ? 1 : 0), 0);
      b.writeUInt32BE(0xdead, 2);
      return { type: 44, body: b };
    };
    const v6 = { src: "2001:db8::7", dst: "2001:db8:1::1" };
    const first = ipv6({ ...v6, proto: "udp", sport: 4500, dport: 4500, ext: [fh(0, true)] });
    const later = ipv6({ ...v6, proto: "udp", ext: [fh(8, false)] });
    expect((await dp.testRun("xdp_ingress", later)).retval).toBe(Xdp.drop); // before its first
    expect((await dp.testRun("xdp_ingress", first)).retval).toBe(Xdp.pass);
    expect((await dp.testRun("xdp_ingress", later)).retval).toBe(Xdp.pass);
  });

  it("an inside host's later fragments leave with the masquerade address, never their own", async () => {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN });
    const f = fragmented({ src: INSIDE, dst: REMOTE, sport: 4500, dport: 4500, id: 5 });
    const a = await dp.testRun("tc_egress", f.first);
    expect(parseIpv4(a.data).src).toBe(WAN);
    const b = await dp.testRun("tc_egress", f.later);
    expect(b.retval).toBe(Tc.ok);
    expect([...b.data.subarray(26, 30)].join(".")).toBe(WAN);
    const stray = fragmented({ src: INSIDE, dst: REMOTE, sport: 4500, dport: 4500, id: 6 });
    expect((await dp.testRun("tc_egress", stray.later)).retval).toBe(Tc.shot);
  });
});

describe("what cannot be classified is dropped, never passed", () => {
  const v6 = { src: "2001:db8::7", dst: "2001:db8:1::1", proto: "udp", dport: 53 } as const;
  const dstopts = { type: 60, body: Buffer.alloc(6) };
  it.each([
    ["9 extension headers", ipv6({ ...v6, ext: Array(9).fill(dstopts) }), "unclassifiable_drop"],
    [
      "routing header 0 with segments left",
      ipv6({ ...v6, ext: [{ type: 43, body: Buffer.from([0, 1, 0, 0, 0, 0]) }] }),
      "unclassifiable_drop",
    ],
    [
      "three VLAN tags",
      ipv4({ src: REMOTE, dst: WAN, proto: "udp", vlans: [1, 2, 3] }),
      "unclassifiable_drop",
    ],
    ["IPv4-mapped IPv6 source", ipv6({ ...v6, src: mapped("10.0.0.1") }), "bad_addr_drop"],
    ["IPv4-mapped IPv6 destination", ipv6({ ...v6, dst: mapped(WAN) }), "bad_addr_drop"],
  ] as const)("%s", async (_n, frame, reason) => {
    const dp = await env.fresh({ policy: true, defaultAction: "allow" });
    expect((await dp.testRun("xdp_ingress", frame)).retval).toBe(Xdp.drop);
    expect((await dp.testRun("tc_wan_ingress", frame)).retval).toBe(Tc.shot);
    expect((await dp.reasonCounters(0))[reason]).toBe(2n);
  });

  it("8 extension headers are walked and classified", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "allow" });
    const ok = ipv6({ ...v6, ext: Array(8).fill(dstopts) });
    expect((await dp.testRun("xdp_ingress", ok)).retval).toBe(Xdp.pass);
    const orig = (await dumpConntrack(dp)).find((r) => r.entry.dir === 0);
    expect(orig!.key).toMatchObject({ proto: 17, dport: 53 });
  });

  it("an IPv6 packet never matches IPv4 state", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny", snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN });
    await dp.testRun(
      "tc_egress",
      ipv4({ src: INSIDE, dst: REMOTE, proto: "udp", sport: 4000, dport: 53 }),
    );
    const [flow] = (await dumpConntrack(dp)).filter((r) => r.key.saddr === REMOTE);
    const mimic = ipv6({
      src: mapped(REMOTE),
      dst: mapped(WAN),
      proto: "udp",
      sport: 53,
      dport: flow!.key.dport,
    });
    expect((await dp.testRun("xdp_ingress", mimic)).retval).toBe(Xdp.drop);
  });
});

describe("TCP validity", () => {
  const C = { src: REMOTE, dst: WAN, sport: 33000, dport: 80, proto: "tcp" } as const;
  const S = { src: WAN, dst: REMOTE, sport: 80, dport: 33000, proto: "tcp" } as const;

  it.each([
    ["SYN+FIN", TCP.syn | TCP.fin],
    ["SYN+RST", TCP.syn | TCP.rst],
    ["NULL", 0],
    ["XMAS", TCP.fin | TCP.psh | 0x20],
    ["FIN without ACK", TCP.fin],
  ])("%s is dropped, counted and creates no state", async (_n, flags) => {
    const dp = await env.fresh({ policy: true, defaultAction: "allow" });
    expect((await dp.testRun("xdp_ingress", ipv4({ ...C, flags }))).retval).toBe(Xdp.drop);
    expect((await dp.testRun("tc_egress", ipv4({ ...S, flags }))).retval).toBe(Tc.shot);
    expect(await dp.dump("conntrack")).toEqual([]);
    expect((await dp.reasonCounters(0)).tcp_invalid_drop).toBe(2n);
  });

  async function established(dp: Dataplane) {
    await dp.testRun("xdp_ingress", ipv4({ ...C, flags: TCP.syn, seq: 1000 }));
    await dp.testRun(
      "tc_egress",
      ipv4({ ...S, flags: TCP.syn | TCP.ack, seq: 5000, ack: 1001, window: 1000 }),
    );
    await dp.testRun(
      "xdp_ingress",
      ipv4({ ...C, flags: TCP.ack, seq: 1001, ack: 5001, window: 1000 }),
    );
    const states = (await dumpConntrack(dp)).map((r) => r.entry.state);
    expect(states).toEqual([CtState.established, CtState.established]);
  }

  it("a RST outside the receiver's window is dropped and moves nothing (RFC 5961)", async () => {
    const dp = await env.fresh();
    await established(dp);
    const blind = ipv4({ ...C, flags: TCP.rst, seq: 1001 + 500_000 });
    expect((await dp.testRun("xdp_ingress", blind)).retval).toBe(Xdp.drop);
    expect((await dumpConntrack(dp)).map((r) => r.entry.state)).toEqual([
      CtState.established,
      CtState.established,
    ]);
    expect((await dp.reasonCounters(0)).tcp_rst_invalid_drop).toBe(1n);
    const real = ipv4({ ...C, flags: TCP.rst, seq: 1001 + 10 });
    expect((await dp.testRun("xdp_ingress", real)).retval).toBe(Xdp.pass);
    expect((await dumpConntrack(dp)).map((r) => r.entry.state)).toEqual([
      CtState.closing,
      CtState.closing,
    ]);
  });

  it("a RST answering a SYN must acknowledge that SYN", async () => {
    const dp = await env.fresh();
    await dp.testRun("xdp_ingress", ipv4({ ...C, flags: TCP.syn, seq: 1000 }));
    const wrong = ipv4({ ...S, flags: TCP.rst | TCP.ack, ack: 77 });
    expect((await dp.testRun("tc_egress", wrong)).retval).toBe(Tc.shot);
    const right = ipv4({ ...S, flags: TCP.rst | TCP.ack, ack: 1001 });
    expect((await dp.testRun("tc_egress", right)).retval).toBe(Tc.ok);
  });

  it("a new SYN on a closing tuple starts a new connection", async () => {
    const dp = await env.fresh();
    await established(dp);
    await dp.testRun("xdp_ingress", ipv4({ ...C, flags: TCP.fin | TCP.ack, seq: 1001 }));
    await dp.testRun("xdp_ingress", ipv4({ ...C, flags: TCP.syn, seq: 90_000 }));
    expect((await dumpConntrack(dp)).map((r) => r.entry.state)).toEqual([
      CtState.synSent,
      CtState.synSent,
    ]);
    expect((await dp.reasonCounters(0)).ct_restart).toBe(1n);
  });

  it("state past its expiry is not honoured, even with no reaper running", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await dp.testRun("tc_egress", ipv4({ ...S, flags: TCP.syn }));
    const reply = ipv4({ ...C, flags: TCP.syn | TCP.ack });
    const past = (await dp.now()) - 10_000_000_000n;
    for (const r of await dp.dump<object, object>("conntrack"))
      await dp.put("conntrack", r.key, { ...r.values[0]!, expires: past });
    expect((await dp.testRun("xdp_ingress", reply)).retval).toBe(Xdp.drop);
    expect(await dp.dump("conntrack")).toEqual([]);
  });
});

describe("source NAT never leaks an inside address", () => {
  async function nat(ports?: [number, number]) {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN, ports });
    return dp;
  }
  const out = (sport: number, flags: number = TCP.syn) =>
    ipv4({ src: INSIDE, dst: REMOTE, proto: "tcp", sport, dport: 443, flags });

  it("mid-stream TCP without state is NATed with fresh state", async () => {
    const dp = await nat();
    const res = await dp.testRun("tc_egress", out(40000, TCP.ack));
    expect(res.retval).toBe(Tc.ok);
    expect(parseIpv4(res.data)).toMatchObject({ src: WAN, ipCsumOk: true, l4CsumOk: true });
    const states = (await dumpConntrack(dp)).map((r) => r.entry.state);
    expect(states).toEqual([CtState.established, CtState.established]);
  });

  it.each([
    ["a RST without state", out(40000, TCP.rst)],
    [
      "a protocol without ports (GRE)",
      (() => {
        const f = ipv4({ src: INSIDE, dst: REMOTE, proto: "udp" });
        f[14 + 9] = 47;
        f.writeUInt16BE(0, 24);
        f.writeUInt16BE(inetSum(f.subarray(14, 34)), 24);
        return f;
      })(),
    ],
    ["an echo reply without state", ipv4({ src: INSIDE, dst: REMOTE, proto: "icmp", icmpType: 0 })],
  ])("%s is dropped", async (_n, frame) => {
    const dp = await nat();
    expect((await dp.testRun("tc_egress", frame)).retval).toBe(Tc.shot);
    expect((await dp.reasonCounters(0)).snat_no_state_drop).toBe(1n);
  });

  it.each([[7], [8], [7919]])("a range of %i ports is used port by port, each once", async (n) => {
    const dp = await nat([20000, 20000 + n - 1]);
    const used = new Set<number>();
    for (let i = 0; i < n; i++) {
      const res = await dp.testRun("tc_egress", out(10000 + i));
      expect(res.retval).toBe(Tc.ok);
      used.add(parseIpv4(res.data).sport);
    }
    expect(used.size).toBe(n);
    expect((await dp.testRun("tc_egress", out(10000 + n))).retval).toBe(Tc.shot);
    expect((await dp.reasonCounters(0)).snat_exhausted_drop).toBe(1n);
  });

  it("a port busy with the router's own connection is skipped", async () => {
    const dp = await nat([40000, 40001]);
    await dp.testRun(
      "tc_egress",
      ipv4({ src: WAN, dst: REMOTE, proto: "tcp", sport: 40000, dport: 443 }),
    );
    expect(parseIpv4((await dp.testRun("tc_egress", out(1))).data).sport).toBe(40001);
    expect((await dp.testRun("tc_egress", out(2))).retval).toBe(Tc.shot);
  });
});
