// Classification and steering on TC ingress: app by port or prefix -> fwmark and DSCP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setApps } from "../../edge-agent/src/dataplane/config";
import { Tc } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, ipv6, parseIpv4 } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const SKB_SIZE = 192; // sizeof(struct __sk_buff); mark is at offset 8
async function run(dp: Dataplane, pkt: Buffer) {
  const res = await dp.testRun("tc_ingress", pkt, 1, Buffer.alloc(SKB_SIZE));
  return { ...res, mark: res.ctx!.readUInt32LE(8) };
}

async function withApps() {
  const dp = await env.fresh();
  await setApps(dp, [
    { appId: 1, ports: [{ proto: 17, port: 5060 }], steer: { mark: 0x101, dscp: 46 } },
    { appId: 2, prefixes: ["192.0.2.0/24", "2001:db8::/32"], steer: { mark: 0x102 } },
    { appId: 3, ports: [{ proto: 6, port: 22 }] }, // classified, not steered
  ]);
  return dp;
}

describe("steering", () => {
  it("marks voice by port and rewrites DSCP with a valid header checksum", async () => {
    const dp = await withApps();
    const r = await run(
      dp,
      ipv4({ src: "10.0.0.1", dst: "10.9.0.1", proto: "udp", dport: 5060, tos: 0x02 }),
    );
    expect(r.retval).toBe(Tc.ok);
    expect(r.mark).toBe(0x101);
    expect(parseIpv4(r.data)).toMatchObject({
      tos: (46 << 2) | 0x02,
      ipCsumOk: true,
      l4CsumOk: true,
    });
  });

  it("marks by destination prefix and leaves DSCP alone when not configured", async () => {
    const dp = await withApps();
    const r = await run(dp, ipv4({ src: "10.0.0.1", dst: "192.0.2.77", proto: "tcp", tos: 0x20 }));
    expect(r.mark).toBe(0x102);
    expect(parseIpv4(r.data).tos).toBe(0x20);
    const r6 = await run(dp, ipv6({ src: "fd00::1", dst: "2001:db8::5", proto: "udp" }));
    expect(r6.mark).toBe(0x102);
  });

  it("classified-only and unknown traffic keeps mark 0", async () => {
    const dp = await withApps();
    expect(
      (await run(dp, ipv4({ src: "10.0.0.1", dst: "10.9.0.1", proto: "tcp", dport: 22 }))).mark,
    ).toBe(0);
    expect(
      (await run(dp, ipv4({ src: "10.0.0.1", dst: "10.9.0.1", proto: "tcp", dport: 23 }))).mark,
    ).toBe(0);
    const c = await dp.reasonCounters(0);
    expect([c.classified, c.steered]).toEqual([1n, 0n]);
  });

  it("rewrites the IPv6 traffic class keeping ECN", async () => {
    const dp = await env.fresh();
    await setApps(dp, [
      { appId: 4, ports: [{ proto: 17, port: 4000 }], steer: { mark: 1, dscp: 10 } },
    ]);
    const pkt = ipv6({ src: "fd00::1", dst: "fd00::2", proto: "udp", dport: 4000 });
    pkt[14 + 1] = (pkt[14 + 1]! & 0x0f) | 0x10; // ECN = 1
    const r = await run(dp, pkt);
    const tclass = ((r.data[14]! & 0x0f) << 4) | (r.data[15]! >> 4);
    expect(tclass).toBe((10 << 2) | 1);
  });
});
