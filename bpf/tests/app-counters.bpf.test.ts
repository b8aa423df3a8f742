// Per-application WAN counters (app_counters): a flow is classified once, when its
// state is made, both conntrack halves carry the app id, and every packet that
// passes is counted under it: sent on tc_egress, received on WAN ingress (XDP and
// TC alike). Drops are never counted.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCounter } from "../../edge-agent/src/dataplane/app-counters";
import { applyPolicy, setApps, setInterface, setSnat } from "../../edge-agent/src/dataplane/config";
import { DP_LAYOUT_VERSION, Tc, Xdp } from "../../edge-agent/src/dataplane/constants";
import { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { type Env, OBJ, setupEnv } from "./lib/harness";
import { fragNeeded, inetSum, ipv4, parseIpv4, TCP } from "./lib/packet";

let env: Env;
beforeAll(async () => {
  env = await setupEnv();
});
afterAll(() => env?.close());

const LAN = "192.168.1.10";
const REMOTE = "203.0.113.5";
const PUBLIC = "198.51.100.1";
const WEB = 5; // tcp/443
const DOCS = 7; // 192.0.2.0/24
const IPSEC = 9; // udp/4500
const APPS = [
  { appId: WEB, ports: [{ proto: 6, port: 443 }] },
  { appId: DOCS, prefixes: ["192.0.2.0/24"] },
  { appId: IPSEC, ports: [{ proto: 17, port: 4500 }] },
];

const INGRESS = ["xdp_ingress", "tc_wan_ingress"] as const;
type Ingress = (typeof INGRESS)[number];
const PASS = { xdp_ingress: Xdp.pass, tc_wan_ingress: Tc.ok };
const DROP = { xdp_ingress: Xdp.drop, tc_wan_ingress: Tc.shot };

const counts = (rx: Buffer[], tx: Buffer[]): AppCounter => ({
  rxPackets: BigInt(rx.length),
  rxBytes: BigInt(rx.reduce((n, b) => n + b.length, 0)),
  txPackets: BigInt(tx.length),
  txBytes: BigInt(tx.reduce((n, b) => n + b.length, 0)),
});

/** A UDP datagram cut into a first fragment (with the UDP header) and a later one. */
function fragmented(o: { src: string; dst: string; sport: number; dport: number }) {
  const whole = ipv4({ ...o, proto: "udp", payload: Buffer.alloc(64, 0xab) }).subarray(34);
  const part = (fragOffset: number, body: Buffer) => {
    const f = ipv4({ src: o.src, dst: o.dst, proto: "udp", id: 0x4242, fragOffset });
    const ip = Buffer.from(f.subarray(14, 34));
    ip.writeUInt16BE(20 + body.length, 2);
    ip.writeUInt16BE(0, 10);
    ip.writeUInt16BE(inetSum(ip), 10);
    return Buffer.concat([f.subarray(0, 14), ip, body]);
  };
  return { first: part(0x2000, whole.subarray(0, 40)), later: part(40 / 8, whole.subarray(40)) };
}

async function withApps(cfg: Parameters<Env["fresh"]>[0] = {}) {
  const dp = await env.fresh(cfg);
  await setApps(dp, APPS);
  return dp;
}

async function egress(dp: Dataplane, frame: Buffer) {
  const r = await dp.testRun("tc_egress", frame);
  expect(r.retval).toBe(Tc.ok);
  return r;
}

async function ingress(dp: Dataplane, prog: Ingress, frame: Buffer) {
  expect((await dp.testRun(prog, frame)).retval).toBe(PASS[prog]);
}

describe.each(INGRESS)("app counters with %s", (prog) => {
  it("counts a new outbound flow to a classified port as sent, its reply as received", async () => {
    const dp = await withApps({ snat: true });
    await setSnat(dp, { from: "192.168.1.0/24", to: PUBLIC });
    const syn = ipv4({ src: LAN, dst: REMOTE, proto: "tcp", sport: 40000, dport: 443 });
    const out = parseIpv4((await egress(dp, syn)).data);
    expect(out.src).toBe(PUBLIC);
    const synAck = ipv4({
      src: REMOTE,
      dst: PUBLIC,
      proto: "tcp",
      sport: 443,
      dport: out.sport,
      flags: TCP.syn | TCP.ack,
      ack: 2,
      payload: Buffer.alloc(10),
    });
    await ingress(dp, prog, synAck);
    const data = ipv4({
      src: LAN,
      dst: REMOTE,
      proto: "tcp",
      sport: 40000,
      dport: 443,
      flags: TCP.ack,
      seq: 2,
      payload: Buffer.alloc(300),
    });
    await egress(dp, data); // conntrack hit
    const m = await dp.appCounters();
    expect([...m.keys()]).toEqual([WEB]);
    expect(m.get(WEB)).toEqual(counts([synAck], [syn, data]));
    const apps = (await dumpConntrack(dp)).map((r) => r.entry.app_id);
    expect(apps).toEqual([WEB, WEB]); // both halves
  });

  it("counts an unclassified flow under app 0 and a prefix class under its id", async () => {
    const dp = await withApps();
    const q = ipv4({ src: LAN, dst: REMOTE, proto: "udp", sport: 5000, dport: 9999 });
    const a = ipv4({ src: REMOTE, dst: LAN, proto: "udp", sport: 9999, dport: 5000 });
    const d = ipv4({ src: LAN, dst: "192.0.2.9", proto: "tcp", sport: 41000, dport: 80 });
    await egress(dp, q);
    await ingress(dp, prog, a);
    await egress(dp, d);
    const m = await dp.appCounters();
    expect(new Map(m)).toEqual(
      new Map([
        [0, counts([a], [q])],
        [DOCS, counts([], [d])],
      ]),
    );
  });

  it("classifies flows opened from the WAN without app rules; the reply is sent under the same id", async () => {
    // Policy on, but no rule names an app (IFC_F_APP_RULES clear).
    const dp = await withApps({ policy: true, defaultAction: "allow" });
    const syn = ipv4({ src: REMOTE, dst: LAN, proto: "tcp", sport: 50000, dport: 443 });
    const synAck = ipv4({
      src: LAN,
      dst: REMOTE,
      proto: "tcp",
      sport: 443,
      dport: 50000,
      flags: TCP.syn | TCP.ack,
      ack: 2,
    });
    await ingress(dp, prog, syn);
    await egress(dp, synAck);
    // Mid-stream TCP without state, allowed by policy: counted, no state made.
    const stray = ipv4({
      src: REMOTE,
      dst: LAN,
      proto: "tcp",
      sport: 50001,
      dport: 443,
      flags: TCP.ack,
    });
    await ingress(dp, prog, stray);
    expect((await dp.appCounters()).get(WEB)).toEqual(counts([syn, stray], [synAck]));
    expect((await dp.reasonCounters(0)).tcp_no_state).toBe(1n);
  });

  it("counts under the id that rules naming an app matched", async () => {
    const dp = await withApps({ policy: true, defaultAction: "deny", appRules: true });
    await applyPolicy(dp, [
      { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", appId: WEB, action: "allow" },
    ]);
    const web = ipv4({ src: REMOTE, dst: LAN, proto: "tcp", sport: 50000, dport: 443 });
    await ingress(dp, prog, web);
    const other = ipv4({ src: REMOTE, dst: LAN, proto: "tcp", sport: 50000, dport: 444 });
    expect((await dp.testRun(prog, other)).retval).toBe(DROP[prog]);
    expect(new Map(await dp.appCounters())).toEqual(new Map([[WEB, counts([web], [])]]));
  });

  it("counts later fragments and ICMP errors about a tracked flow as unclassified", async () => {
    const dp = await withApps();
    const f = fragmented({ src: REMOTE, dst: LAN, sport: 4500, dport: 4500 });
    await ingress(dp, prog, f.first);
    await ingress(dp, prog, f.later);
    const udp = ipv4({ src: LAN, dst: REMOTE, proto: "udp", sport: 5000, dport: 4500 });
    await egress(dp, udp);
    const error = fragNeeded({ src: "203.0.113.1", dst: LAN, sent: udp });
    await ingress(dp, prog, error);
    const c = await dp.reasonCounters(0);
    expect([c.frag_follow, c.icmp_related]).toEqual([1n, 1n]);
    expect(new Map(await dp.appCounters())).toEqual(
      new Map([
        [0, counts([f.later, error], [])],
        [IPSEC, counts([f.first], [udp])],
      ]),
    );
  });

  it("never counts a dropped packet", async () => {
    const dp = await withApps({ policy: true, defaultAction: "deny" });
    await applyPolicy(dp, [
      { id: 1, src: "0.0.0.0/0", dst: "0.0.0.0/0", proto: 17, ports: [53, 53], action: "allow" },
    ]);
    // Denied by policy (new flow), invalid TCP flags (before conntrack), on both sides.
    const denied = ipv4({ src: REMOTE, dst: LAN, proto: "tcp", sport: 50000, dport: 443 });
    expect((await dp.testRun(prog, denied)).retval).toBe(DROP[prog]);
    const synFin = { proto: "tcp" as const, dport: 443, flags: TCP.syn | TCP.fin };
    expect((await dp.testRun(prog, ipv4({ src: REMOTE, dst: LAN, ...synFin }))).retval).toBe(
      DROP[prog],
    );
    expect((await dp.testRun("tc_egress", ipv4({ src: LAN, dst: REMOTE, ...synFin }))).retval).toBe(
      Tc.shot,
    );
    expect((await dp.appCounters()).size).toBe(0);
    // A drop on a conntrack hit: a RST outside the window moves nothing.
    const dns = ipv4({ src: REMOTE, dst: LAN, proto: "udp", sport: 53000, dport: 53 });
    await ingress(dp, prog, dns);
    const before = await dp.appCounters();
    expect(before.get(0)).toEqual(counts([dns], []));
    const est = { src: LAN, dst: REMOTE, proto: "tcp" as const, sport: 42000, dport: 443 };
    await egress(dp, ipv4({ ...est, seq: 1000, window: 1000 }));
    const back = { src: REMOTE, dst: LAN, proto: "tcp" as const, sport: 443, dport: 42000 };
    const synAck = ipv4({ ...back, flags: TCP.syn | TCP.ack, seq: 5000, ack: 1001, window: 1000 });
    await ingress(dp, prog, synAck);
    const blind = ipv4({ ...back, flags: TCP.rst, seq: 5001 + 500_000 });
    expect((await dp.testRun(prog, blind)).retval).toBe(DROP[prog]);
    expect((await dp.reasonCounters(0)).tcp_rst_invalid_drop).toBe(1n);
    const after = await dp.appCounters();
    expect(after.get(WEB)?.rxPackets).toBe(1n); // the SYN-ACK, not the RST
  });
});

describe("app counters, XDP and TC", () => {
  it("agree packet for packet on one sequence of flows", async () => {
    const seen: Record<string, unknown> = {};
    for (const prog of INGRESS) {
      const dp = await withApps({ policy: true, defaultAction: "allow" });
      for (let i = 0; i < 4; i++) {
        const port = [4500, 9999, 4500, 22][i]!;
        const pay = Buffer.alloc(40 * i);
        await ingress(
          dp,
          prog,
          ipv4({ src: REMOTE, dst: LAN, proto: "udp", sport: 6000 + i, dport: port, payload: pay }),
        );
        await egress(
          dp,
          ipv4({ src: LAN, dst: REMOTE, proto: "udp", sport: port, dport: 6000 + i, payload: pay }),
        );
        await ingress(
          dp,
          prog,
          ipv4({ src: REMOTE, dst: LAN, proto: "udp", sport: 6000 + i, dport: port, payload: pay }),
        );
      }
      seen[prog] = Object.fromEntries(await dp.appCounters());
    }
    expect(Object.keys(seen.xdp_ingress as object)).toEqual(["0", String(IPSEC)]);
    expect(seen.tc_wan_ingress).toEqual(seen.xdp_ingress);
  });
});

describe("app counters across reloads", () => {
  it("are kept by a reload of the same layout, and created when a pinned set lacks them", async () => {
    const pin = join(env.pinRoot, "reload");
    execFileSync("mkdir", ["-p", pin]);
    const maps = join(pin, `maps-v${DP_LAYOUT_VERSION}`);
    const load = async () => {
      const dp = await Dataplane.load(env.loader, { name: "reload", path: OBJ, pin });
      await setInterface(dp, { ifindex: 0, slot: 0 });
      await setApps(dp, APPS);
      return dp;
    };
    const syn = ipv4({ src: LAN, dst: REMOTE, proto: "tcp", sport: 40000, dport: 443 });
    try {
      let dp = await load();
      await egress(dp, syn);
      await env.loader.call("unload", { name: "reload", keep: true });
      dp = await load();
      expect((await dp.appCounters()).get(WEB)).toEqual(counts([], [syn])); // reused pin

      // A set pinned before app_counters existed (same layout): the map is created.
      await env.loader.call("unload", { name: "reload", keep: true });
      unlinkSync(join(maps, "app_counters"));
      dp = await load();
      expect((await dp.appCounters()).size).toBe(0);
      await egress(dp, syn); // the flow's state was kept: a conntrack hit
      expect((await dp.appCounters()).get(WEB)).toEqual(counts([], [syn]));
      await env.loader.call("unload", { name: "reload" });
    } finally {
      if (existsSync(pin)) rmSync(pin, { recursive: true, force: true });
    }
  });
});
