// The TC build of the WAN ingress pipeline (for veth and other links where native
// XDP copies packets) must behave exactly like the XDP build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPolicy, setPortForward, setSnat } from "../../edge-agent/src/dataplane/config";
import { Tc } from "../../edge-agent/src/dataplane/constants";
import { type Env, setupEnv } from "./lib/harness";
import { MALFORMED } from "./lib/malformed";
import { ipv4, parseIpv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

/** The kernel's skb harness refuses some runts itself (EINVAL) before we run. */
async function verdict(dp: Awaited<ReturnType<Env["fresh"]>>, pkt: Buffer) {
  return dp.testRun("tc_wan_ingress", pkt).then(
    (r) => r.retval,
    () => "refused",
  );
}

describe("tc_wan_ingress", () => {
  it.each(MALFORMED)("%s is dropped or refused, never passed", async (_n, pkt) => {
    const dp = await env.fresh();
    expect([Tc.shot, "refused"]).toContain(await verdict(dp, pkt));
  });

  it("applies policy like XDP", async () => {
    const dp = await env.fresh({ policy: true, defaultAction: "deny" });
    await applyPolicy(dp, [
      { id: 1, src: "10.0.0.0/8", dst: "0.0.0.0/0", proto: 6, ports: [80, 80], action: "allow" },
    ]);
    expect(
      await verdict(dp, ipv4({ src: "10.0.0.1", dst: "10.9.0.1", proto: "tcp", dport: 80 })),
    ).toBe(Tc.ok);
    expect(
      await verdict(dp, ipv4({ src: "10.0.0.1", dst: "10.9.0.1", proto: "tcp", dport: 81 })),
    ).toBe(Tc.shot);
    const c = await dp.reasonCounters(0);
    expect([c.policy_allow, c.default_deny]).toEqual([1n, 1n]);
  });

  it("port-forwards with valid checksums", async () => {
    const dp = await env.fresh();
    await setPortForward(dp, {
      vip: "198.51.100.1",
      port: 8080,
      proto: 6,
      backendId: 1,
      to: "192.168.1.2",
      toPort: 80,
    });
    const res = await dp.testRun(
      "tc_wan_ingress",
      ipv4({
        src: "203.0.113.1",
        dst: "198.51.100.1",
        proto: "tcp",
        dport: 8080,
        payload: Buffer.from("abc"),
      }),
    );
    expect(res.retval).toBe(Tc.ok);
    expect(parseIpv4(res.data)).toMatchObject({
      dst: "192.168.1.2",
      dport: 80,
      ipCsumOk: true,
      l4CsumOk: true,
    });
  });

  it("reverses SNAT for replies", async () => {
    const dp = await env.fresh({ snat: true });
    await setSnat(dp, { from: "192.168.1.0/24", to: "198.51.100.1", ports: [40000, 40000] });
    await dp.testRun(
      "tc_egress",
      ipv4({ src: "192.168.1.2", dst: "203.0.113.1", proto: "udp", sport: 5000, dport: 53 }),
    );
    const reply = ipv4({
      src: "203.0.113.1",
      dst: "198.51.100.1",
      proto: "udp",
      sport: 53,
      dport: 40000,
      flags: TCP.ack,
    });
    const res = await dp.testRun("tc_wan_ingress", reply);
    expect(parseIpv4(res.data)).toMatchObject({
      dst: "192.168.1.2",
      dport: 5000,
      ipCsumOk: true,
      l4CsumOk: true,
    });
  });
});
