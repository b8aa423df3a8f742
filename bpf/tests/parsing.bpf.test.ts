// Parsing fixtures: every header shape the issue lists, plus truncated/malformed
// frames that must be counted and handled by the configured action.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Xdp } from "../../edge-agent/src/dataplane/constants";
import { type Env, setupEnv } from "./lib/harness";
import { MALFORMED } from "./lib/malformed";
import { ipv4, ipv6 } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const v4 = { src: "10.1.0.1", dst: "10.2.0.1" };
const v6 = { src: "fd00::1", dst: "fd00::2" };

const wellFormed: [
  string,
  Buffer,
  { saddr: string; sport: number; dport: number; proto: number },
][] = [
  [
    "ipv4 tcp",
    ipv4({ ...v4, proto: "tcp", sport: 1000, dport: 80 }),
    { saddr: v4.src, sport: 1000, dport: 80, proto: 6 },
  ],
  [
    "ipv4 with options",
    ipv4({
      ...v4,
      proto: "udp",
      sport: 1001,
      dport: 53,
      options: Buffer.from([1, 1, 1, 0, 7, 3, 4, 0]),
    }),
    { saddr: v4.src, sport: 1001, dport: 53, proto: 17 },
  ],
  [
    "802.1Q",
    ipv4({ ...v4, proto: "tcp", sport: 1002, dport: 443, vlans: [10] }),
    { saddr: v4.src, sport: 1002, dport: 443, proto: 6 },
  ],
  [
    "QinQ",
    ipv4({ ...v4, proto: "udp", sport: 1003, dport: 123, vlans: [100, 20] }),
    { saddr: v4.src, sport: 1003, dport: 123, proto: 17 },
  ],
  [
    "icmp echo",
    ipv4({ ...v4, proto: "icmp", icmpId: 77 }),
    { saddr: v4.src, sport: 77, dport: 0, proto: 1 },
  ],
  [
    "ipv6 tcp",
    ipv6({ ...v6, proto: "tcp", sport: 2000, dport: 22 }),
    { saddr: v6.src, sport: 2000, dport: 22, proto: 6 },
  ],
  [
    "ipv6 hop-by-hop + dest opts",
    ipv6({
      ...v6,
      proto: "udp",
      sport: 2001,
      dport: 4789,
      ext: [
        { type: 0, body: Buffer.alloc(6) },
        { type: 60, body: Buffer.alloc(14) },
      ],
    }),
    { saddr: v6.src, sport: 2001, dport: 4789, proto: 17 },
  ],
  [
    "ipv6 routing header",
    ipv6({
      ...v6,
      proto: "tcp",
      sport: 2002,
      dport: 8080,
      ext: [{ type: 43, body: Buffer.alloc(22) }],
    }),
    { saddr: v6.src, sport: 2002, dport: 8080, proto: 6 },
  ],
  [
    "ipv6 first fragment",
    ipv6({
      ...v6,
      proto: "udp",
      sport: 2003,
      dport: 5000,
      ext: [{ type: 44, body: Buffer.from([0, 1, 0, 0, 0, 9]) }],
    }),
    { saddr: v6.src, sport: 2003, dport: 5000, proto: 17 },
  ],
  [
    "icmpv6 echo",
    ipv6({ ...v6, proto: "icmp", icmpId: 99 }),
    { saddr: v6.src, sport: 99, dport: 0, proto: 58 },
  ],
];

describe("parsing", () => {
  it.each(wellFormed)("%s passes and is tracked with the right tuple", async (_n, pkt, want) => {
    const dp = await env.fresh();
    const res = await dp.testRun("xdp_ingress", pkt);
    expect(res.retval).toBe(Xdp.pass);
    expect(res.data.equals(pkt)).toBe(true);
    const flows = await dp.dump("conntrack");
    const orig = flows.find((f) => f.key.saddr === want.saddr);
    expect(orig?.key).toMatchObject(want);
    expect((await dp.reasonCounters(0)).default_allow).toBe(1n);
  });

  it("a non-first IPv4 fragment whose first was not seen is dropped, creating nothing", async () => {
    const dp = await env.fresh();
    const pkt = ipv4({ ...v4, proto: "udp", fragOffset: 100 });
    expect((await dp.testRun("xdp_ingress", pkt)).retval).toBe(Xdp.drop);
    expect(await dp.dump("conntrack")).toEqual([]);
    expect((await dp.reasonCounters(0)).frag_no_first_drop).toBe(1n);
  });

  it("a runt frame is refused by the kernel with a clean error, and the helper lives on", async () => {
    const dp = await env.fresh();
    await expect(dp.testRun("xdp_ingress", Buffer.alloc(10))).rejects.toThrow(/Invalid argument/);
    expect((await dp.testRun("xdp_ingress", ipv4({ ...v4, proto: "tcp" }))).retval).toBe(Xdp.pass);
  });

  it("ARP is passed untouched and counted as non-IP", async () => {
    const dp = await env.fresh();
    const arp = Buffer.concat([
      Buffer.alloc(12, 0xff),
      Buffer.from([0x08, 0x06]),
      Buffer.alloc(28),
    ]);
    expect((await dp.testRun("xdp_ingress", arp)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).pass_non_ip).toBe(1n);
  });
});

describe("malformed packets", () => {
  it.each(MALFORMED)("%s is dropped and counted by default", async (_n, pkt) => {
    const dp = await env.fresh();
    expect((await dp.testRun("xdp_ingress", pkt)).retval).toBe(Xdp.drop);
    expect((await dp.reasonCounters(0)).malformed_drop).toBe(1n);
    expect(await dp.dump("conntrack")).toHaveLength(0);
  });

  it.each(MALFORMED)("%s is passed when the interface says so", async (_n, pkt) => {
    const dp = await env.fresh({ malformed: "pass" });
    expect((await dp.testRun("xdp_ingress", pkt)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).malformed_pass).toBe(1n);
  });
});
