// Traffic that exercises the classes packet fixtures cannot show end to end:
// path MTU discovery through source NAT under default deny (the ICMP error must
// reach the inside host), fragmented UDP through a port forward, and jumbo frames
// through native XDP (multi-buffer) and the TC build.
//
//   s (inside) --lan0-- r (edge: XDP/TC, SNAT, default deny) --wan0-- m (router) --far0-- f
//   192.168.88.2         192.168.88.1 | 10.88.0.1                  10.88.0.2 | 10.88.1.1   10.88.1.2
// MTU 9000 everywhere except m's far0 (1280), so m answers big DF packets to f with
// "fragmentation needed".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachPipeline } from "../../edge-agent/src/dataplane/attach";
import {
  applyPolicy,
  setInterface,
  setPortForward,
  setSnat,
} from "../../edge-agent/src/dataplane/config";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { type Env, setupEnv } from "./lib/harness";
import { Netns } from "./lib/netns";

let env: Env;
let dp: Dataplane;
const net = new Netns();
const ns = { s: net.name("s"), r: net.name("r"), m: net.name("m"), f: net.name("f") };

/** Echoes the byte count of each UDP datagram / TCP stream it receives. */
const SINK_JS = `
const [kind, port] = process.argv.slice(1);
if (kind === "udp") {
  const s = require("node:dgram").createSocket("udp4");
  s.on("message", (m, r) => s.send("got " + m.length, r.port, r.address));
  s.bind(Number(port), () => console.log("ready"));
} else {
  require("node:net").createServer((c) => {
    let n = 0;
    c.on("data", (d) => { n += d.length; if (n >= 200000) c.end("got " + n); });
    c.on("error", () => {});
  }).listen(Number(port), () => console.log("ready"));
}`;

/** Sends one UDP datagram or a 200 kB TCP stream; prints the sink's answer. */
const SEND_JS = `
const [kind, host, port, size] = process.argv.slice(1);
const done = (v) => { console.log(v); process.exit(0); };
setTimeout(() => done("timeout"), 8000);
if (kind === "udp") {
  const s = require("node:dgram").createSocket("udp4");
  s.on("message", (m) => done(String(m)));
  s.send(Buffer.alloc(Number(size), 7), Number(port), host);
} else {
  const c = require("node:net").connect({ host, port: Number(port) }, () => c.write(Buffer.alloc(200000, 7)));
  c.on("data", (d) => done(String(d)));
  c.on("error", (e) => done("error " + e.code));
}`;

async function sink(where: string, kind: "udp" | "tcp", port: number) {
  const child = net.spawn(where, process.execPath, ["-e", SINK_JS, kind, String(port)]);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (c) => reject(new Error(`sink exited ${c}`)));
  });
}

const send = async (from: string, kind: "udp" | "tcp", host: string, port: number, size = 0) =>
  (
    await net.exec(from, process.execPath, ["-e", SEND_JS, kind, host, String(port), String(size)])
  ).trim();

async function attach(mode: "native" | "tc") {
  const ifindex = await attachPipeline(env.loader, {
    name: "main",
    netns: ns.r,
    wan: "wan0",
    lan: "lan0",
    wanIngress: mode,
  });
  await setInterface(dp, { ifindex, slot: 1, policy: true, defaultAction: "deny", snat: true });
}

beforeAll(async () => {
  env = await setupEnv();
  dp = await env.fresh();
  for (const short of ["s", "r", "m", "f"]) await net.add(short);
  await net.link([ns.s, "lan0", "192.168.88.2/24"], [ns.r, "lan0", "192.168.88.1/24"]);
  await net.link([ns.r, "wan0", "10.88.0.1/24"], [ns.m, "wan0", "10.88.0.2/24"]);
  await net.link([ns.m, "far0", "10.88.1.1/24"], [ns.f, "eth0", "10.88.1.2/24"]);
  for (const [n, dev, mtu] of [
    [ns.s, "lan0", 9000],
    [ns.r, "lan0", 9000],
    [ns.r, "wan0", 9000],
    [ns.m, "wan0", 9000],
    [ns.m, "far0", 1280],
    [ns.f, "eth0", 9000],
  ] as const)
    await net.exec(n, "ip", ["link", "set", dev, "mtu", String(mtu)]);
  await net.exec(ns.s, "ip", ["route", "add", "default", "via", "192.168.88.1"]);
  await net.exec(ns.r, "ip", ["route", "add", "default", "via", "10.88.0.2"]);
  await net.exec(ns.f, "ip", ["route", "add", "default", "via", "10.88.1.1"]);
  for (const n of [ns.r, ns.m]) await net.exec(n, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  await attach("native");
  await applyPolicy(dp, [
    {
      id: 1,
      src: "0.0.0.0/0",
      dst: "192.168.88.2/32",
      proto: 17,
      ports: [53, 53],
      action: "allow",
    },
  ]);
  await setSnat(dp, { from: "192.168.88.0/24", to: "10.88.0.1" });
  await setPortForward(dp, {
    vip: "10.88.0.1",
    port: 5353,
    proto: 17,
    backendId: 1,
    to: "192.168.88.2",
    toPort: 53,
  });
  await sink(ns.f, "tcp", 7000);
  await sink(ns.s, "udp", 53);
});

afterAll(async () => {
  await net.destroy();
  await env?.close();
});

describe.each(["native", "tc"] as const)("WAN ingress as %s", (mode) => {
  beforeAll(async () => {
    if (mode === "tc") {
      await env.loader.call("detach_xdp", { netns: ns.r, ifname: "wan0", mode: "native" });
      await attach("tc");
    }
  });

  it("path MTU discovery works through SNAT and default deny (no black hole)", async () => {
    await net.exec(ns.s, "ip", ["route", "flush", "cache"]);
    const before = await dp.reasonCounters(1);
    // The inside host sends 8960-byte segments; m can forward 1280 and says so.
    expect(await send(ns.s, "tcp", "10.88.1.2", 7000)).toBe("got 200000");
    const after = await dp.reasonCounters(1);
    expect(after.icmp_related - before.icmp_related).toBeGreaterThan(0n);
    expect(await net.exec(ns.s, "ip", ["route", "get", "10.88.1.2"])).toMatch(/mtu 1280/);
  });

  it("fragmented UDP through a port forward arrives whole under default deny", async () => {
    // m fragments a 4000-byte datagram for a 1500-byte path towards the edge.
    await net.exec(ns.m, "ip", [
      "route",
      "replace",
      "10.88.0.1/32",
      "dev",
      "wan0",
      "mtu",
      "lock",
      "1500",
    ]);
    const before = await dp.reasonCounters(1);
    expect(await send(ns.m, "udp", "10.88.0.1", 5353, 4000)).toBe("got 4000");
    const after = await dp.reasonCounters(1);
    expect(after.frag_follow - before.frag_follow).toBeGreaterThanOrEqual(2n);
    await net.exec(ns.m, "ip", ["route", "del", "10.88.0.1/32"]);
  });

  it("jumbo frames (9,000 bytes) pass both ways without fragmentation", async () => {
    const out = await net.exec(ns.s, "ping", [
      "-M",
      "do",
      "-s",
      "8972",
      "-c",
      "2",
      "-W",
      "2",
      "10.88.0.2",
    ]);
    expect(out).toMatch(/2 received/);
  });
});
