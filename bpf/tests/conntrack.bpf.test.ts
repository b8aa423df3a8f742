// Connection tracking: TCP state transitions on both halves, timeouts, the
// agent's reaper and the flow export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CtState, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { ConntrackReaper, dumpConntrack, exportFlows } from "../../edge-agent/src/dataplane/flows";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const C = { src: "10.0.0.1", dst: "10.0.0.2", sport: 33000, dport: 80 };
const S = { src: C.dst, dst: C.src, sport: C.dport, dport: C.sport };
const fromClient = (flags: number) => ipv4({ ...C, proto: "tcp", flags });
const fromServer = (flags: number, more: { seq?: number; ack?: number } = {}) =>
  ipv4({ ...S, proto: "tcp", flags, ...more });
const SEC = 1_000_000_000n;

async function states(dp: Dataplane) {
  const rows = await dumpConntrack(dp);
  return rows.map((r) => r.entry.state);
}

describe("conntrack", () => {
  it("walks SYN -> established -> closing on both halves", async () => {
    const dp = await env.fresh();
    const t0 = await dp.now();
    await dp.testRun("xdp_ingress", fromClient(TCP.syn));
    expect(await states(dp)).toEqual([CtState.synSent, CtState.synSent]);
    const [first] = await dumpConntrack(dp);
    expect(first!.entry.expires - t0).toBeGreaterThan(59n * SEC);
    expect(first!.entry.expires - t0).toBeLessThan(61n * SEC);

    await dp.testRun("tc_egress", fromServer(TCP.syn | TCP.ack));
    expect(await states(dp)).toEqual([CtState.established, CtState.established]);
    const est = await dumpConntrack(dp);
    expect(est[0]!.entry.expires - t0).toBeGreaterThan(3599n * SEC);

    await dp.testRun("xdp_ingress", fromClient(TCP.fin | TCP.ack));
    expect(await states(dp)).toEqual([CtState.closing, CtState.closing]);
    const closing = await dumpConntrack(dp);
    expect(closing[0]!.entry.expires - t0).toBeLessThan(11n * SEC);
  });

  it("RST closes the flow", async () => {
    const dp = await env.fresh();
    await dp.testRun("xdp_ingress", fromClient(TCP.syn));
    // The answer to a SYN must acknowledge it (client ISN 1 -> ack 2).
    await dp.testRun("tc_egress", fromServer(TCP.rst | TCP.ack, { ack: 2 }));
    expect(await states(dp)).toEqual([CtState.closing, CtState.closing]);
  });

  it("counts packets and bytes per direction and exports one record per flow", async () => {
    const dp = await env.fresh();
    const syn = fromClient(TCP.syn);
    await dp.testRun("xdp_ingress", syn);
    await dp.testRun("tc_egress", fromServer(TCP.syn | TCP.ack));
    await dp.testRun("xdp_ingress", fromClient(TCP.ack));
    const [flow, ...rest] = await exportFlows(dp);
    expect(rest).toHaveLength(0);
    expect(flow).toMatchObject({
      key: { saddr: C.src, daddr: C.dst, sport: C.sport, dport: C.dport, proto: 6 },
      packets: 2n,
      bytes: BigInt(syn.length * 2),
      replyPackets: 1n,
      state: CtState.established,
    });
  });

  it("the reaper deletes expired halves only; traffic in either direction renews both", async () => {
    const dp = await env.fresh();
    const reaper = new ConntrackReaper();
    const udp = ipv4({ src: "10.0.0.9", dst: "10.0.0.2", proto: "udp" });
    const t0 = await dp.now();
    await dp.testRun("xdp_ingress", fromClient(TCP.syn));
    await dp.testRun("xdp_ingress", udp);
    expect(await reaper.sweep(dp, t0)).toBe(0);
    // Both flows' halves about to expire; one packet of the UDP flow renews its pair.
    const soon = t0 + 2n * SEC;
    for (const r of await dp.dump<object, object>("conntrack"))
      await dp.put("conntrack", r.key, { ...r.values[0]!, expires: soon });
    await dp.testRun("xdp_ingress", udp);
    const udpHalves = (await dumpConntrack(dp)).filter((r) => r.key.proto === 17);
    expect(udpHalves.every((r) => r.entry.expires > t0 + 59n * SEC)).toBe(true);
    // The silent SYN flow's pair goes; the UDP pair stays.
    expect(await reaper.sweep(dp, soon + 1n)).toBe(2);
    expect((await dumpConntrack(dp)).map((r) => r.key.proto)).toEqual([17, 17]);
    // Afterwards the same tuple is a new flow again.
    await dp.testRun("xdp_ingress", fromClient(TCP.ack));
    expect((await dp.reasonCounters(0)).tcp_no_state).toBe(1n);
  });

  it("UDP and ICMP replies find their flow", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await dp.testRun(
      "tc_egress",
      ipv4({ src: "10.0.0.1", dst: "10.9.9.9", proto: "udp", sport: 5353, dport: 53 }),
    );
    await dp.testRun(
      "tc_egress",
      ipv4({ src: "10.0.0.1", dst: "10.9.9.9", proto: "icmp", icmpId: 7 }),
    );
    const udpReply = ipv4({
      src: "10.9.9.9",
      dst: "10.0.0.1",
      proto: "udp",
      sport: 53,
      dport: 5353,
    });
    const echoReply = ipv4({
      src: "10.9.9.9",
      dst: "10.0.0.1",
      proto: "icmp",
      icmpType: 0,
      icmpId: 7,
    });
    expect((await dp.testRun("xdp_ingress", udpReply)).retval).toBe(Xdp.pass);
    expect((await dp.testRun("xdp_ingress", echoReply)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).ct_reply).toBe(2n);
  });
});
