// ICMP errors belong to their flow. Each fixture is data: the flow that creates
// state, the error as it arrives, the verdict and the exact bytes expected out
// (built independently by the packet builders, checksums computed from scratch).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPortForward, setSnat } from "../../edge-agent/src/dataplane/config";
import { Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { type Env, setupEnv } from "./lib/harness";
import { fragNeeded, ipv4, ipv6, packetTooBig, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const WAN = "198.51.100.1";
const INSIDE = "192.168.10.20";
const REMOTE = "93.184.216.34";
const ROUTER = "203.0.113.1";
const CLIENT = "203.0.113.7";

/** Default deny on ingress: only state (or a related error) lets anything in. */
async function natEdge(): Promise<Dataplane> {
  const dp = await env.fresh({ policy: true, defaultAction: "deny", snat: true });
  await setSnat(dp, { from: "192.168.10.0/24", to: WAN, ports: [40000, 40000] });
  return dp;
}

describe("ICMP errors of source-NATed flows (path MTU discovery)", () => {
  // 48 bytes: the quoted TCP header is whole (its checksum is translated too);
  // 28 bytes: only the 8 bytes RFC 792 guarantees (ports, no checksum).
  it.each([48, 28])(
    "frag-needed quoting %i bytes reaches the inside host, translated",
    async (n) => {
      const dp = await natEdge();
      const syn = ipv4({ src: INSIDE, dst: REMOTE, proto: "tcp", sport: 51000, dport: 443 });
      const sent = await dp.testRun("tc_egress", syn);
      expect(sent.retval).toBe(Tc.ok);
      const error = fragNeeded({ src: ROUTER, dst: WAN, sent: sent.data, quoteLen: n });
      const res = await dp.testRun("xdp_ingress", error);
      expect(res.retval).toBe(Xdp.pass);
      expect(res.data.toString("hex")).toBe(
        fragNeeded({ src: ROUTER, dst: INSIDE, sent: syn, quoteLen: n }).toString("hex"),
      );
      const c = await dp.reasonCounters(0);
      expect(c.icmp_related).toBe(1n);
      expect(c.default_deny).toBe(0n);
      expect((await dp.dump("conntrack")).length).toBe(2); // the flow's two halves, no more
    },
  );

  it("the TC build translates the same error identically", async () => {
    const dp = await natEdge();
    const udp = ipv4({ src: INSIDE, dst: REMOTE, proto: "udp", sport: 4500, dport: 4500 });
    const sent = await dp.testRun("tc_egress", udp);
    const error = fragNeeded({ src: ROUTER, dst: WAN, sent: sent.data });
    const res = await dp.testRun("tc_wan_ingress", error);
    expect(res.retval).toBe(Tc.ok);
    expect(res.data.toString("hex")).toBe(
      fragNeeded({ src: ROUTER, dst: INSIDE, sent: udp }).toString("hex"),
    );
  });

  it("an error about an echo request we sent is translated through the echo id", async () => {
    const dp = await natEdge();
    const ping = ipv4({ src: INSIDE, dst: REMOTE, proto: "icmp", icmpId: 0x77 });
    const sent = await dp.testRun("tc_egress", ping);
    const ttl = (o: { dst: string; sent: Buffer }) =>
      ipv4({
        src: ROUTER,
        dst: o.dst,
        proto: "icmp",
        icmpType: 11,
        icmpRest: 0,
        payload: o.sent.subarray(14),
      });
    const res = await dp.testRun("xdp_ingress", ttl({ dst: WAN, sent: sent.data }));
    expect(res.retval).toBe(Xdp.pass);
    expect(res.data.toString("hex")).toBe(ttl({ dst: INSIDE, sent: ping }).toString("hex"));
  });

  it("ICMPv6 packet-too-big of a NAT66 flow is translated, pseudo-header included", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny", snat: true });
    await setSnat(dp, { from: "fd00:10::/64", to: "2001:db8:1::1", ports: [40000, 40000] });
    const syn = ipv6({
      src: "fd00:10::20",
      dst: "2001:db8:99::80",
      proto: "tcp",
      sport: 51000,
      dport: 443,
    });
    const sent = await dp.testRun("tc_egress", syn);
    expect(sent.retval).toBe(Tc.ok);
    const error = packetTooBig({
      src: "2001:db8:ff::1",
      dst: "2001:db8:1::1",
      sent: sent.data,
      quoteLen: 60,
    });
    const res = await dp.testRun("xdp_ingress", error);
    expect(res.retval).toBe(Xdp.pass);
    expect(res.data.toString("hex")).toBe(
      packetTooBig({ src: "2001:db8:ff::1", dst: "fd00:10::20", sent: syn, quoteLen: 60 }).toString(
        "hex",
      ),
    );
  });
});

describe("ICMP errors of port-forwarded flows", () => {
  it("an inside host's port-unreachable leaves with the forwarded address, never its own", async () => {
    const dp = await env.fresh({ snat: true });
    await setPortForward(dp, {
      vip: WAN,
      port: 5353,
      proto: 17,
      backendId: 1,
      to: INSIDE,
      toPort: 53,
    });
    const query = ipv4({ src: CLIENT, dst: WAN, proto: "udp", sport: 40001, dport: 5353 });
    const fwd = await dp.testRun("xdp_ingress", query);
    expect(fwd.retval).toBe(Xdp.pass);
    const unreach = (src: string, quoted: Buffer) =>
      ipv4({
        src,
        dst: CLIENT,
        proto: "icmp",
        icmpType: 3,
        icmpCode: 3,
        icmpRest: 0,
        payload: quoted.subarray(14),
      });
    const res = await dp.testRun("tc_egress", unreach(INSIDE, fwd.data));
    expect(res.retval).toBe(Tc.ok);
    expect(res.data.toString("hex")).toBe(unreach(WAN, query).toString("hex"));
  });
});

describe("errors that belong to no flow", () => {
  it("an unsolicited error is judged by policy and creates no state", async () => {
    const dp = await natEdge();
    const stray = fragNeeded({
      src: ROUTER,
      dst: WAN,
      sent: ipv4({ src: WAN, dst: REMOTE, proto: "tcp", sport: 40000, dport: 443 }),
    });
    expect((await dp.testRun("xdp_ingress", stray)).retval).toBe(Xdp.drop);
    expect((await dp.reasonCounters(0)).default_deny).toBe(1n);

    const open = await env.fresh({ policy: true, defaultAction: "allow" });
    expect((await open.testRun("xdp_ingress", stray)).retval).toBe(Xdp.pass);
    expect(await open.dump("conntrack")).toEqual([]);
    expect((await open.reasonCounters(0)).no_state_pass).toBe(1n);
  });

  it("an unsolicited echo reply creates no state, and cannot open the way back", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "allow" });
    const reply = ipv4({ src: REMOTE, dst: WAN, proto: "icmp", icmpType: 0, icmpId: 9 });
    expect((await dp.testRun("xdp_ingress", reply)).retval).toBe(Xdp.pass);
    expect(await dp.dump("conntrack")).toEqual([]);
  });

  it("an error whose quote is from an expired flow is not related", async () => {
    const dp = await natEdge();
    const syn = ipv4({ src: INSIDE, dst: REMOTE, proto: "tcp", sport: 51000, dport: 443 });
    const sent = await dp.testRun("tc_egress", syn);
    const past = (await dp.now()) - 10_000_000_000n;
    for (const r of await dp.dump<object, object>("conntrack"))
      await dp.put("conntrack", r.key, { ...r.values[0]!, expires: past });
    const res = await dp.testRun(
      "xdp_ingress",
      fragNeeded({ src: ROUTER, dst: WAN, sent: sent.data }),
    );
    expect(res.retval).toBe(Xdp.drop);
    // An inside host's unrelated error would leak its address: dropped on egress.
    const leak = fragNeeded({
      src: INSIDE,
      dst: REMOTE,
      sent: ipv4({ src: REMOTE, dst: INSIDE, proto: "udp" }),
    });
    expect((await dp.testRun("tc_egress", leak)).retval).toBe(Tc.shot);
    expect((await dp.reasonCounters(0)).snat_no_state_drop).toBe(1n);
    void TCP;
  });
});
