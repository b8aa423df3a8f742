// Bounded fuzzing through BPF_PROG_TEST_RUN: random and mutated frames with every
// feature enabled. The helper must survive, verdicts must be valid, and well-formed
// allowed traffic must never be dropped. Seeded, so failures reproduce.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyPolicy,
  setApps,
  setPortForward,
  setService,
  setSnat,
} from "../../edge-agent/src/dataplane/config";
import { Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { LoaderError } from "../../edge-agent/src/dataplane/loader-client";
import { type Env, setupEnv } from "./lib/harness";
import { MALFORMED } from "./lib/malformed";
import { ipv4, ipv6, parseIpv4, TCP } from "./lib/packet";

let env: Env;
let dp: Dataplane;
const ITERATIONS = 4000;

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}
const r = rng(0x5eed);
const ip4 = () => `10.${r(4)}.${r(256)}.${1 + r(254)}`;
const pick = <T>(xs: readonly T[]) => xs[r(xs.length)]!;

function wellFormed(): Buffer {
  const proto = pick(["tcp", "udp", "icmp"] as const);
  const l4 = {
    proto,
    sport: 1024 + r(60000),
    dport: 1 + r(65535),
    flags: pick([TCP.syn, TCP.ack, TCP.ack | TCP.psh]),
    payload: Buffer.alloc(r(64), r(256)),
  };
  const vlans = pick([[], [r(4095)], [r(4095), r(4095)]]);
  if (r(3) === 0)
    return ipv6({ src: `fd00::${r(65535).toString(16)}`, dst: "fd00::1", vlans, ...l4 });
  const options = r(4) === 0 ? Buffer.from([1, 1, 1, 0]) : undefined;
  return ipv4({ src: ip4(), dst: ip4(), vlans, options, ...l4 });
}

function mutate(b: Buffer): Buffer {
  const c = Buffer.from(b);
  const kind = r(4);
  if (kind === 0) return c.subarray(0, 14 + r(Math.max(1, c.length - 14)));
  if (kind === 1) for (let i = 0; i < 1 + r(4); i++) c[r(c.length)] = r(256);
  if (kind === 2) {
    const j = 14 + r(Math.min(60, c.length - 14));
    c[j] = c[j]! ^ (1 << r(8));
  }
  if (kind === 3) return Buffer.concat([c, Buffer.alloc(r(32), r(256))]);
  return c;
}

const randomFrame = () => Buffer.from(Array.from({ length: 14 + r(200) }, () => r(256)));

beforeAll(async () => {
  env = await setupEnv();
  dp = await env.fresh({
    policy: true,
    defaultAction: "allow",
    snat: true,
    appRules: true,
    malformed: "drop",
  });
  await applyPolicy(dp, [{ id: 1, src: "192.168.0.0/16", dst: "0.0.0.0/0", action: "deny" }]);
  await setService(dp, {
    vip: "10.3.0.1",
    port: 80,
    proto: 6,
    backends: [
      { id: 1, addr: "10.3.1.1", port: 80 },
      { id: 2, addr: "10.3.1.2", port: 80 },
    ],
  });
  await setPortForward(dp, {
    vip: "10.3.0.2",
    port: 8080,
    proto: 17,
    backendId: 3,
    to: "10.3.2.1",
    toPort: 80,
  });
  await setSnat(dp, { from: "10.0.0.0/8", to: "10.250.0.1" });
  await setApps(dp, [{ appId: 1, ports: [{ proto: 17, port: 53 }], steer: { mark: 7, dscp: 46 } }]);
});
afterAll(() => env?.close());

async function runAll(prog: string, frames: Buffer[]) {
  return Promise.all(frames.map((f) => dp.testRun(prog, f)));
}

/** The kernel's skb test harness itself refuses some frames (e.g. an IPv4
 * ethertype with less than an IP header): EINVAL before our program runs. */
async function runLenient(prog: string, frames: Buffer[]) {
  const res = await Promise.all(
    frames.map((f) =>
      dp.testRun(prog, f).catch((e: LoaderError) => {
        if (e.errno !== 22 || prog === "xdp_ingress") throw e;
        return null;
      }),
    ),
  );
  return res.filter((x) => x !== null);
}

describe("fuzz", () => {
  it("random and mutated frames: helper survives, verdicts are valid", async () => {
    const frames = Array.from({ length: ITERATIONS }, () =>
      r(3) === 0 ? randomFrame() : mutate(r(5) === 0 ? pick(MALFORMED)[1] : wellFormed()),
    ).filter((f) => f.length >= 14);
    for (const [prog, valid] of [
      ["xdp_ingress", [Xdp.drop, Xdp.pass]],
      ["tc_egress", [Tc.ok, Tc.shot]],
      ["tc_ingress", [Tc.ok]],
    ] as const) {
      const res = await runLenient(prog, frames);
      expect(res.length).toBeGreaterThan(frames.length / 2);
      for (const x of res) expect(valid).toContain(x.retval);
    }
    expect(env.loader.alive).toBe(true);
  });

  it("well-formed allowed traffic is never dropped on ingress", async () => {
    const frames = Array.from({ length: ITERATIONS / 2 }, wellFormed);
    const res = await runAll("xdp_ingress", frames);
    const dropped = res.filter((x) => x.retval !== Xdp.pass);
    expect(dropped).toHaveLength(0);
  });

  it("well-formed translated traffic always leaves with valid checksums", async () => {
    const frames = Array.from({ length: 500 }, (_, i) =>
      i % 2
        ? ipv4({
            src: ip4(),
            dst: "10.3.0.1",
            proto: "tcp",
            sport: 1024 + r(60000),
            dport: 80,
            payload: Buffer.alloc(r(100), r(256)),
          })
        : ipv4({
            src: ip4(),
            dst: "10.3.0.2",
            proto: "udp",
            sport: 1024 + r(60000),
            dport: 8080,
            payload: Buffer.alloc(r(100), r(256)),
          }),
    );
    for (const res of await runAll("xdp_ingress", frames)) {
      expect(res.retval).toBe(Xdp.pass);
      expect(parseIpv4(res.data)).toMatchObject({ ipCsumOk: true, l4CsumOk: true });
    }
  });
});
