// DDoS protection: per-source packet rate limit (on packets without conntrack
// state) and per-destination SYN guard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

async function send(dp: Dataplane, pkts: Buffer[]) {
  const out: number[] = [];
  for (const p of pkts) out.push((await dp.testRun("xdp_ingress", p)).retval);
  return out;
}
const passed = (v: number[]) => v.filter((x) => x === Xdp.pass).length;

describe("rate limiting", () => {
  // 1 pps with a burst of 5: the test traffic (milliseconds) earns no new tokens.
  it("a source over its rate is dropped after its burst; others are not", async () => {
    const dp = await env.fresh({ rateLimit: { pps: 1, burst: 5 } });
    const flood = Array.from({ length: 20 }, (_, i) =>
      ipv4({ src: "203.0.113.1", dst: "10.0.0.1", proto: "udp", sport: 1000 + i }),
    );
    expect(passed(await send(dp, flood))).toBe(5);
    expect(
      (await dp.testRun("xdp_ingress", ipv4({ src: "203.0.113.2", dst: "10.0.0.1", proto: "udp" })))
        .retval,
    ).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).rate_limit_drop).toBe(15n);
  });

  it("a repeated run of stateless packets drops once the bucket is empty", async () => {
    const dp = await env.fresh({ rateLimit: { pps: 1, burst: 5 } });
    // A bare ACK creates no state, so every repeat goes through the limiter.
    const ack = ipv4({ src: "203.0.113.3", dst: "10.0.0.1", proto: "tcp", flags: TCP.ack });
    await dp.testRun("xdp_ingress", ack, 10_000);
    expect((await dp.reasonCounters(0)).rate_limit_drop).toBeGreaterThanOrEqual(9990n);
  });

  it("established flows are not throttled by the per-source limit", async () => {
    const dp = await env.fresh({ rateLimit: { pps: 1, burst: 2 } });
    const syn = ipv4({ src: "203.0.113.4", dst: "10.0.0.1", proto: "tcp", flags: TCP.syn });
    expect((await dp.testRun("xdp_ingress", syn)).retval).toBe(Xdp.pass);
    const ack = ipv4({ src: "203.0.113.4", dst: "10.0.0.1", proto: "tcp", flags: TCP.ack });
    expect((await dp.testRun("xdp_ingress", ack, 1000)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).ct_orig).toBe(1000n);
  });

  it("the SYN guard limits new connections per destination only", async () => {
    const dp = await env.fresh({ synGuard: { pps: 1, burst: 3 } });
    const syns = Array.from({ length: 10 }, (_, i) =>
      ipv4({ src: `203.0.113.${i + 1}`, dst: "10.0.0.1", proto: "tcp", flags: TCP.syn }),
    );
    expect(passed(await send(dp, syns))).toBe(3);
    const other = ipv4({ src: "203.0.113.1", dst: "10.0.0.2", proto: "tcp", flags: TCP.syn });
    expect((await dp.testRun("xdp_ingress", other)).retval).toBe(Xdp.pass);
    // Established flows are not SYNs: the first three still pass through conntrack.
    const ack = ipv4({ src: "203.0.113.1", dst: "10.0.0.1", proto: "tcp", flags: TCP.ack });
    expect((await dp.testRun("xdp_ingress", ack)).retval).toBe(Xdp.pass);
    expect((await dp.reasonCounters(0)).syn_flood_drop).toBe(7n);
  });
});
