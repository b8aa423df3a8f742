// L4 load balancer fixtures: Maglev spread, conntrack affinity, health changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  removeBackend,
  type ServiceConfig,
  setService,
} from "../../edge-agent/src/dataplane/config";
import { Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { type Env, setupEnv } from "./lib/harness";
import { ipv4, parseIpv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const VIP = "198.51.100.10";
const svc = (healthy = [true, true, true, true]): ServiceConfig => ({
  vip: VIP,
  port: 80,
  proto: 6,
  backends: healthy.map((h, i) => ({
    id: 10 + i,
    addr: `10.0.1.${i + 1}`,
    port: 8080,
    healthy: h,
  })),
});

async function connect(dp: Dataplane, sport: number, flags: number = TCP.syn) {
  const res = await dp.testRun(
    "xdp_ingress",
    ipv4({ src: "203.0.113.9", dst: VIP, proto: "tcp", sport, dport: 80, flags }),
  );
  return { retval: res.retval, ...parseIpv4(res.data) };
}

describe("load balancer", () => {
  it("spreads new connections over all backends", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    const hits = new Map<string, number>();
    for (let p = 0; p < 400; p++) {
      const r = await connect(dp, 20000 + p);
      expect(r).toMatchObject({ retval: Xdp.pass, dport: 8080, l4CsumOk: true, ipCsumOk: true });
      hits.set(r.dst, (hits.get(r.dst) ?? 0) + 1);
    }
    expect([...hits.keys()].sort()).toEqual(["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"]);
    for (const n of hits.values()) expect(n).toBeGreaterThan(60);
    expect((await dp.reasonCounters(0)).lb_new).toBe(400n);
  });

  it("keeps affinity through conntrack while a backend drains", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    const first = new Map<number, string>();
    for (let p = 0; p < 40; p++) first.set(p, (await connect(dp, 30000 + p)).dst);
    await setService(dp, svc([true, false, true, true])); // 10.0.1.2 unhealthy
    for (let p = 0; p < 40; p++)
      expect((await connect(dp, 30000 + p, TCP.ack)).dst).toBe(first.get(p));
    for (let p = 0; p < 100; p++) expect((await connect(dp, 31000 + p)).dst).not.toBe("10.0.1.2");
  });

  it("only the removed backend's connections move when the ring changes", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    const before = [];
    for (let p = 0; p < 200; p++) before.push((await connect(dp, 40000 + p)).dst);
    await dp.clear("conntrack"); // forget affinity: measure the ring alone
    await setService(dp, svc([true, true, false, true]));
    let moved = 0;
    for (let p = 0; p < 200; p++) {
      const now = (await connect(dp, 40000 + p)).dst;
      if (before[p] !== "10.0.1.3" && now !== before[p]) moved++;
    }
    expect(moved).toBeLessThanOrEqual(4);
  });

  it("a removed backend loses its connections, which then re-balance", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    const on3: number[] = [];
    for (let p = 0; p < 80; p++)
      if ((await connect(dp, 45000 + p)).dst === "10.0.1.3") on3.push(45000 + p);
    expect(on3.length).toBeGreaterThan(0);
    expect(await removeBackend(dp, svc(), 12)).toBe(on3.length * 2); // both halves
    for (const p of on3) {
      const r = await connect(dp, p); // the client retries with a new SYN
      expect(r.retval).toBe(Xdp.pass);
      expect(r.dst).not.toBe("10.0.1.3");
    }
  });

  it("replies from a backend leave with the VIP as source", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    const r = await connect(dp, 50000);
    const reply = ipv4({
      src: r.dst,
      dst: "203.0.113.9",
      proto: "tcp",
      sport: 8080,
      dport: 50000,
      flags: TCP.syn | TCP.ack,
    });
    const out = await dp.testRun("tc_egress", reply);
    expect(out.retval).toBe(Tc.ok);
    expect(parseIpv4(out.data)).toMatchObject({
      src: VIP,
      sport: 80,
      l4CsumOk: true,
      ipCsumOk: true,
    });
  });

  it("drops new flows when the chosen backend is gone, and when no backend is healthy the VIP is unserved", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    await dp.put("backends", { v: 10 }, { addr: "10.0.1.1", port: 8080, flags: 0 });
    const verdicts = [];
    for (let p = 0; p < 40; p++) verdicts.push((await connect(dp, 60000 + p)).retval);
    expect(verdicts).toContain(Xdp.drop);
    expect((await dp.reasonCounters(0)).lb_no_backend_drop).toBeGreaterThan(0n);
    await setService(dp, svc([false, false, false, false]));
    expect(await dp.dump("services")).toHaveLength(0);
  });

  it("keys services by 16-byte VIPs (IPv4 as ::ffff:a.b.c.d) and refuses mixed families", async () => {
    const dp = await env.fresh();
    await setService(dp, svc());
    const v6: ServiceConfig = {
      vip: "2001:db8::10",
      port: 443,
      proto: 6,
      backends: [{ id: 20, addr: "2001:db8:1::1", port: 8443 }],
    };
    await setService(dp, v6);
    const raw = await dp.loader.call<{ entries: [string, string][] }>("dump", {
      name: dp.name,
      map: "services",
    });
    expect(raw.entries.map(([k]) => k.slice(0, 32)).sort()).toEqual([
      "00000000000000000000ffffc633640a", // 198.51.100.10
      "20010db8000000000000000000000010",
    ]);
    expect(await dp.get("backends", { v: 20 })).toEqual([
      { addr: "2001:db8:1::1", port: 8443, flags: 1 },
    ]);
    expect((await connect(dp, 20000)).dst).toMatch(/^10\.0\.1\.[1-4]$/); // IPv4 as before
    const mixed = { ...v6, backends: [{ id: 21, addr: "10.0.1.9", port: 80 }] };
    await expect(setService(dp, mixed)).rejects.toThrow(/different address families/);
    const badId = { ...svc(), backends: [{ id: 0, addr: "10.0.1.9", port: 80 }] };
    await expect(setService(dp, badId)).rejects.toThrow(/backend id 0 is not 1-1023/);
    expect(await dp.get("backends", { v: 21 })).toEqual([{ addr: "::", port: 0, flags: 0 }]); // not written
  });
});
