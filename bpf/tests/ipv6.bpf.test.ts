// IPv6 parity: what IPv4 has works for IPv6 too. Port forwards and load-balanced
// services through stateful NAT66 (both directions, exact bytes with checksums built
// independently), masquerading (NAT66 SNAT) with its return path, and default deny
// with conntrack. docs/dataplane.md says why NAT66 rather than NPTv6.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyPolicy,
  setPortForward,
  setService,
  setSnat,
} from "../../edge-agent/src/dataplane/config";
import { Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { addrBytes } from "../../protocol/addr";
import { type Env, setupEnv } from "./lib/harness";
import { ipv6, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const WAN = "2001:db8:1::1";
const CLIENT = "2001:db8:99::7";
const INSIDE = "fd00:10::20";
const hex = (b: Buffer) => b.toString("hex");

describe("IPv6", () => {
  it.each(["tcp", "udp"] as const)(
    "a %s port forward is translated both ways (DNAT66)",
    async (proto) => {
      const dp = await env.fresh({ policy: true, defaultAction: "deny" });
      await dp.testRun(
        "xdp_ingress",
        ipv6({ src: CLIENT, dst: WAN, proto, sport: 50000, dport: 8443 }),
      );
      expect((await dp.reasonCounters(0)).default_deny).toBe(1n); // nothing forwarded yet
      await setPortForward(dp, {
        vip: WAN,
        port: 8443,
        proto: proto === "tcp" ? 6 : 17,
        backendId: 1,
        to: INSIDE,
        toPort: 443,
      });
      const pkt = (
        src: string,
        dst: string,
        sport: number,
        dport: number,
        flags: number = TCP.syn,
      ) => ipv6({ src, dst, proto, sport, dport, flags, payload: Buffer.from("hello") });
      // Port forwards pass default deny only if policy allows the backend: allow it.
      await applyPolicy(dp, [{ id: 1, src: "::/0", dst: `${INSIDE}/128`, action: "allow" }]);
      const inbound = await dp.testRun("xdp_ingress", pkt(CLIENT, WAN, 50000, 8443));
      expect(inbound.retval).toBe(Xdp.pass);
      expect(hex(inbound.data)).toBe(hex(pkt(CLIENT, INSIDE, 50000, 443)));
      const reply = await dp.testRun(
        "tc_egress",
        pkt(INSIDE, CLIENT, 443, 50000, TCP.syn | TCP.ack),
      );
      expect(reply.retval).toBe(Tc.ok);
      expect(hex(reply.data)).toBe(hex(pkt(WAN, CLIENT, 8443, 50000, TCP.syn | TCP.ack)));
      expect((await dumpConntrack(dp)).every((r) => r.key.family === 6)).toBe(true);
    },
  );

  it("a load-balanced IPv6 service spreads flows over its backends (Maglev, DNAT66)", async () => {
    const dp = await env.fresh();
    const backends = [1, 2, 3].map((i) => ({ id: i, addr: `fd00:10::${i}`, port: 8080 }));
    await setService(dp, { vip: WAN, port: 80, proto: 6, backends });
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const res = await dp.testRun(
        "xdp_ingress",
        ipv6({ src: CLIENT, dst: WAN, proto: "tcp", sport: 20000 + i, dport: 80 }),
      );
      expect(res.retval).toBe(Xdp.pass);
      const dst = res.data.subarray(14 + 24, 14 + 40);
      seen.add(dst.toString("hex"));
      const backend = backends.find((b) => addrBytes(b.addr).equals(dst));
      expect(backend, "rewritten to one of the backends").toBeDefined();
      const want = ipv6({
        src: CLIENT,
        dst: backend!.addr,
        proto: "tcp",
        sport: 20000 + i,
        dport: 8080,
      });
      expect(hex(res.data), "checksum and port right").toBe(hex(want));
    }
    expect(seen.size).toBe(3);
    expect((await dp.reasonCounters(0)).lb_new).toBe(60n);
  });

  it("masquerading (NAT66 SNAT) translates out and back, under default deny", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny", snat: true });
    await setSnat(dp, { from: "fd00:10::/64", to: WAN, ports: [40000, 40000] });
    const out = ipv6({ src: INSIDE, dst: CLIENT, proto: "udp", sport: 5353, dport: 53 });
    const sent = await dp.testRun("tc_egress", out);
    expect(hex(sent.data)).toBe(
      hex(ipv6({ src: WAN, dst: CLIENT, proto: "udp", sport: 40000, dport: 53 })),
    );
    const back = await dp.testRun(
      "xdp_ingress",
      ipv6({ src: CLIENT, dst: WAN, proto: "udp", sport: 53, dport: 40000 }),
    );
    expect(back.retval).toBe(Xdp.pass);
    expect(hex(back.data)).toBe(
      hex(ipv6({ src: CLIENT, dst: INSIDE, proto: "udp", sport: 53, dport: 5353 })),
    );
    // An IPv4 rule never masquerades IPv6, and an IPv6 one never IPv4.
    await setSnat(dp, { from: "10.0.0.0/8", to: "198.51.100.1" });
    const other = ipv6({ src: "fd00:20::1", dst: CLIENT, proto: "udp" });
    expect(hex((await dp.testRun("tc_egress", other)).data)).toBe(hex(other));
  });
});
