// NAT fixtures: port forwarding (DNAT) on XDP ingress with reverse translation on
// TC egress, SNAT on TC egress with reverse translation on XDP ingress. Output
// checksums are recomputed independently in TS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPortForward, setSnat } from "../../edge-agent/src/dataplane/config";
import { Nat, Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, parseIpv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const WAN = "198.51.100.1";
const CLIENT = "203.0.113.7";
const INNER = "192.168.10.20";

describe("DNAT / port forwarding", () => {
  it.each([
    ["tcp", false],
    ["udp", false],
    ["udp", true],
  ] as const)("%s (zero udp csum: %s) is rewritten both ways", async (proto, zero) => {
    const dp = await env.fresh();
    await setPortForward(dp, {
      vip: WAN,
      port: 8080,
      proto: proto === "tcp" ? 6 : 17,
      backendId: 1,
      to: INNER,
      toPort: 80,
    });
    const inbound = ipv4({
      src: CLIENT,
      dst: WAN,
      proto,
      sport: 51000,
      dport: 8080,
      udpZeroCsum: zero,
      payload: Buffer.from("hello"),
    });
    const res = await dp.testRun("xdp_ingress", inbound);
    expect(res.retval).toBe(Xdp.pass);
    const out = parseIpv4(res.data);
    expect(out).toMatchObject({
      src: CLIENT,
      dst: INNER,
      sport: 51000,
      dport: 80,
      ipCsumOk: true,
      l4CsumOk: true,
    });
    if (zero) expect(res.data.readUInt16BE(14 + 20 + 6)).toBe(0);

    const reply = ipv4({
      src: INNER,
      dst: CLIENT,
      proto,
      sport: 80,
      dport: 51000,
      udpZeroCsum: zero,
      flags: TCP.syn | TCP.ack,
      payload: Buffer.from("world!"),
    });
    const back = await dp.testRun("tc_egress", reply);
    expect(back.retval).toBe(Tc.ok);
    expect(parseIpv4(back.data)).toMatchObject({
      src: WAN,
      dst: CLIENT,
      sport: 8080,
      dport: 51000,
      ipCsumOk: true,
      l4CsumOk: true,
    });
    const c = await dp.reasonCounters(0);
    expect([c.dnat_new, c.ct_reply]).toEqual([1n, 1n]);
  });

  it("later packets of the flow are translated through conntrack", async () => {
    const dp = await env.fresh();
    await setPortForward(dp, {
      vip: WAN,
      port: 2222,
      proto: 6,
      backendId: 3,
      to: INNER,
      toPort: 22,
    });
    await dp.testRun(
      "xdp_ingress",
      ipv4({ src: CLIENT, dst: WAN, proto: "tcp", sport: 40001, dport: 2222 }),
    );
    const ack = ipv4({
      src: CLIENT,
      dst: WAN,
      proto: "tcp",
      sport: 40001,
      dport: 2222,
      flags: TCP.ack,
      seq: 99,
    });
    const res = await dp.testRun("xdp_ingress", ack);
    expect(parseIpv4(res.data)).toMatchObject({
      dst: INNER,
      dport: 22,
      l4CsumOk: true,
      ipCsumOk: true,
    });
    expect((await dp.reasonCounters(0)).ct_orig).toBe(1n);
  });

  it("keeps VLAN tags and IPv4 options intact", async () => {
    const dp = await env.fresh();
    await setPortForward(dp, {
      vip: WAN,
      port: 8080,
      proto: 6,
      backendId: 1,
      to: INNER,
      toPort: 80,
    });
    const pkt = ipv4({
      src: CLIENT,
      dst: WAN,
      proto: "tcp",
      dport: 8080,
      vlans: [42],
      options: Buffer.from([1, 1, 1, 0]),
    });
    const res = await dp.testRun("xdp_ingress", pkt);
    expect(res.data.subarray(0, 18).equals(pkt.subarray(0, 18))).toBe(true);
    expect(parseIpv4(res.data)).toMatchObject({
      dst: INNER,
      dport: 80,
      l4CsumOk: true,
      ipCsumOk: true,
    });
  });
});

describe("SNAT / masquerade", () => {
  it("allocates a port in range, rewrites the source, and un-NATs replies", async () => {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN, ports: [20000, 20099] });
    const out = ipv4({
      src: INNER,
      dst: CLIENT,
      proto: "tcp",
      sport: 45000,
      dport: 443,
      payload: Buffer.from("x"),
    });
    const res = await dp.testRun("tc_egress", out);
    expect(res.retval).toBe(Tc.ok);
    const o = parseIpv4(res.data);
    expect(o).toMatchObject({ src: WAN, dst: CLIENT, dport: 443, ipCsumOk: true, l4CsumOk: true });
    expect(o.sport).toBeGreaterThanOrEqual(20000);
    expect(o.sport).toBeLessThanOrEqual(20099);

    const reply = ipv4({
      src: CLIENT,
      dst: WAN,
      proto: "tcp",
      sport: 443,
      dport: o.sport,
      flags: TCP.syn | TCP.ack,
    });
    const back = await dp.testRun("xdp_ingress", reply);
    expect(back.retval).toBe(Xdp.pass);
    expect(parseIpv4(back.data)).toMatchObject({
      src: CLIENT,
      dst: INNER,
      sport: 443,
      dport: 45000,
      ipCsumOk: true,
      l4CsumOk: true,
    });
    const entries = await dumpConntrack(dp);
    expect(entries.map((e) => e.entry.nat).sort()).toEqual([Nat.src, Nat.dst]);
    expect((await dp.reasonCounters(0)).snat_new).toBe(1n);
  });

  it("gives different flows different ports and drops when the range is exhausted", async () => {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN, ports: [30000, 30001] });
    const ports = new Set<number>();
    const verdicts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await dp.testRun(
        "tc_egress",
        ipv4({ src: INNER, dst: CLIENT, proto: "udp", sport: 1000 + i, dport: 53 }),
      );
      verdicts.push(res.retval);
      if (res.retval === Tc.ok) ports.add(parseIpv4(res.data).sport);
    }
    expect(verdicts).toEqual([Tc.ok, Tc.ok, Tc.shot]);
    expect(ports).toEqual(new Set([30000, 30001]));
    expect((await dp.reasonCounters(0)).snat_exhausted_drop).toBe(1n);
  });

  it("translates ICMP echo through its id, with valid checksums both ways", async () => {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN, ports: [50000, 50000] });
    const req = ipv4({
      src: INNER,
      dst: CLIENT,
      proto: "icmp",
      icmpId: 0x4242,
      payload: Buffer.from("ping"),
    });
    const out = await dp.testRun("tc_egress", req);
    expect(parseIpv4(out.data)).toMatchObject({ src: WAN, ipCsumOk: true, l4CsumOk: true });
    expect(out.data.readUInt16BE(14 + 20 + 4)).toBe(50000);
    const reply = ipv4({
      src: CLIENT,
      dst: WAN,
      proto: "icmp",
      icmpType: 0,
      icmpId: 50000,
      payload: Buffer.from("ping"),
    });
    const back = await dp.testRun("xdp_ingress", reply);
    expect(back.retval).toBe(Xdp.pass);
    expect(parseIpv4(back.data)).toMatchObject({ dst: INNER, ipCsumOk: true, l4CsumOk: true });
    expect(back.data.readUInt16BE(14 + 20 + 4)).toBe(0x4242);
  });

  it("leaves traffic from outside the SNAT prefix alone", async () => {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.10.0/24", to: WAN });
    const pkt = ipv4({ src: "172.16.0.1", dst: CLIENT, proto: "tcp" });
    const res = await dp.testRun("tc_egress", pkt);
    expect(res.data.equals(pkt)).toBe(true);
    expect((await dp.reasonCounters(0)).egress_new).toBe(1n);
  });
});
