// Integration over real veths: client (internet) <-> router (edge agent, XDP + TC)
// <-> LAN server. Only namespaced private addresses are used; everything is torn
// down in afterAll whatever happened.
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachPipeline } from "../../edge-agent/src/dataplane/attach";
import {
  applyPolicy,
  setApps,
  setInterface,
  setPortForward,
  setService,
  setSnat,
} from "../../edge-agent/src/dataplane/config";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { type Env, setupEnv } from "./lib/harness";
import { connectMany, Netns, startServer } from "./lib/netns";

let env: Env;
let dp: Dataplane;
const net = new Netns();
const ns = { c: net.name("c"), r: net.name("r"), s: net.name("s") };
const VIP = "10.77.0.100";
const RULES: PolicyRule[] = [
  {
    id: 1,
    src: "10.77.0.0/24",
    dst: "192.168.77.0/24",
    proto: 6,
    ports: [80, 80],
    action: "allow",
  },
  {
    id: 3,
    src: "10.77.0.0/24",
    dst: "192.168.77.0/24",
    proto: 6,
    ports: [5201, 5201],
    action: "allow",
  },
];
const APPS = [{ appId: 9, ports: [{ proto: 6, port: 7001 }], steer: { mark: 0x77 } }];
const IPERF = 11;
const lb = (healthy = [true, true]) => ({
  vip: VIP,
  port: 80,
  proto: 6,
  backends: [
    { id: 21, addr: "192.168.77.2", port: 80, healthy: healthy[0] },
    { id: 22, addr: "192.168.77.3", port: 80, healthy: healthy[1] },
  ],
});

beforeAll(async () => {
  env = await setupEnv();
  dp = await env.fresh();
  for (const short of ["c", "r", "s"]) await net.add(short);
  await net.link([ns.c, "wan0", "10.77.0.2/24"], [ns.r, "wan0", "10.77.0.1/24"]);
  await net.link([ns.r, "lan0", "192.168.77.1/24"], [ns.s, "lan0", "192.168.77.2/24"]);
  await net.exec(ns.s, "ip", ["addr", "add", "192.168.77.3/24", "dev", "lan0"]);
  await net.exec(ns.s, "ip", ["route", "add", "default", "via", "192.168.77.1"]);
  await net.exec(ns.r, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  await net.exec(ns.r, "ip", ["addr", "add", `${VIP}/32`, "dev", "wan0"]);
  // Steering target: fwmark 0x77 -> table 77, which blackholes (visible effect).
  await net.exec(ns.r, "ip", ["rule", "add", "fwmark", "0x77", "table", "77"]);
  await net.exec(ns.r, "ip", ["route", "add", "blackhole", "default", "table", "77"]);

  const ifindex = await attachPipeline(env.loader, {
    name: "main",
    netns: ns.r,
    wan: "wan0",
    lan: "lan0",
    wanIngress: "native",
  });
  await setInterface(dp, { ifindex, slot: 1, policy: true, defaultAction: "deny", snat: true });
  await applyPolicy(dp, RULES);
  await setPortForward(dp, {
    vip: "10.77.0.1",
    port: 8080,
    proto: 6,
    backendId: 1,
    to: "192.168.77.2",
    toPort: 80,
  });
  await setService(dp, lb());
  await setSnat(dp, { from: "192.168.77.0/24", to: "10.77.0.1", ports: [40000, 40999] });
  await setApps(dp, APPS);
  await startServer(net, ns.s, [80]);
  await startServer(net, ns.c, [7000, 7001]);
});

afterAll(async () => {
  await net.destroy(); // deleting the namespaces removes veths, qdiscs and XDP
  await env?.close();
});

const ping = (to: string) =>
  net.exec(ns.c, "ping", ["-c", "1", "-W", "1", to]).then(
    () => true,
    () => false,
  );

describe("netns integration", () => {
  it("policy blocks ping to the router until a rule allows it", async () => {
    expect(await ping("10.77.0.1")).toBe(false);
    await applyPolicy(dp, [
      ...RULES,
      { id: 2, src: "10.77.0.0/24", dst: "10.77.0.1/32", proto: 1, action: "allow" },
    ]);
    expect(await ping("10.77.0.1")).toBe(true);
    await applyPolicy(dp, RULES);
  });

  it("port forwarding reaches the inner host, which sees the real client", async () => {
    const [line] = await connectMany(net, ns.c, "10.77.0.1", 8080);
    expect(line).toMatch(/^192\.168\.77\.2:80 10\.77\.0\.2:\d+$/);
  });

  it("a port with no forward and no rule is dropped by default deny", async () => {
    const [line] = await connectMany(net, ns.c, "10.77.0.1", 2222, 1, 800);
    expect(line).toBe("timeout");
  });

  it("SNAT'd traffic from the LAN returns (the client has no route to the LAN)", async () => {
    const [line] = await connectMany(net, ns.s, "10.77.0.2", 7000);
    const m = line!.match(/^10\.77\.0\.2:7000 10\.77\.0\.1:(\d+)$/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(40000);
    expect(Number(m![1])).toBeLessThanOrEqual(40999);
  });

  it("SNAT'd ping from the LAN gets its replies", async () => {
    await net.exec(ns.s, "ping", ["-c", "2", "-W", "1", "10.77.0.2"]);
  });

  it("steering marks an app's traffic into its routing table", async () => {
    const [line] = await connectMany(net, ns.s, "10.77.0.2", 7001, 1, 800);
    expect(line).toBe("timeout"); // table 77 blackholes it: the mark took effect
    expect((await dp.reasonCounters(0)).steered).toBeGreaterThan(0n);
  });

  it("the load balancer spreads connections over both backends", async () => {
    const lines = await connectMany(net, ns.c, VIP, 80, 24);
    const backends = new Set(lines.map((l) => l.split(" ")[0]));
    expect(backends).toEqual(new Set(["192.168.77.2:80", "192.168.77.3:80"]));
  });

  it("a live connection keeps its backend when that backend is drained", async () => {
    const child = net.spawn(ns.c, process.execPath, [
      "-e",
      `const s = require("node:net").connect({ host: "${VIP}", port: 80 });
       s.on("data", (d) => process.stdout.write(d));
       process.stdin.on("data", (d) => s.write(d));`,
    ]);
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = String((await lines.next()).value);
    const backend = first.split(" ")[0]!;
    await setService(dp, lb(backend.startsWith("192.168.77.2") ? [false, true] : [true, false]));
    child.stdin!.write("again\n");
    expect(String((await lines.next()).value).split(" ")[0]).toBe(backend);
    const fresh = await connectMany(net, ns.c, VIP, 80, 6);
    expect(fresh.every((l) => !l.startsWith(backend))).toBe(true);
    child.kill();
    await setService(dp, lb());
  });

  it("bulk TCP (iperf3) through a port forward is policed, tracked and translated", async () => {
    await setPortForward(dp, {
      vip: "10.77.0.1",
      port: 5201,
      proto: 6,
      backendId: 2,
      to: "192.168.77.2",
      toPort: 5201,
    });
    await setApps(dp, [...APPS, { appId: IPERF, ports: [{ proto: 6, port: 5201 }] }]);
    const server = net.spawn(ns.s, "iperf3", ["-s", "-1", "-B", "192.168.77.2"]);
    await new Promise((r) => setTimeout(r, 300));
    const before = await dp.reasonCounters(1);
    const appsBefore = await dp.appCounters();
    const out = await net.exec(ns.c, "iperf3", ["-c", "10.77.0.1", "-t", "1", "-J"]);
    const received = JSON.parse(out).end.sum_received.bytes as number;
    expect(received).toBeGreaterThan(1_000_000);
    const after = await dp.reasonCounters(1);
    expect(after.ct_orig - before.ct_orig).toBeGreaterThan(100n);
    expect(after.dnat_new - before.dnat_new).toBe(2n); // control + data connection
    // The upload to the server is received from the WAN under the class of tcp/5201
    // (classified before the forward's DNAT), its ACKs sent under the same class.
    const app = (await dp.appCounters()).get(IPERF);
    expect(appsBefore.get(IPERF)).toBeUndefined();
    expect(app!.rxBytes).toBeGreaterThanOrEqual(BigInt(received));
    // Frames: + 66 bytes of headers per ~1,448 of payload, and the control connection.
    expect(app!.rxBytes).toBeLessThan((BigInt(received) * 6n) / 5n);
    expect(app!.txPackets).toBeGreaterThan(0n);
    expect(app!.txBytes).toBeLessThan(app!.rxBytes / 10n);
    server.kill();
  });

  it("the TC build of the ingress pipeline behaves the same on the veth", async () => {
    await env.loader.call("detach_xdp", { netns: ns.r, ifname: "wan0", mode: "native" });
    const { ifindex } = await env.loader.call<{ ifindex: number }>("attach_tc", {
      name: "main",
      netns: ns.r,
      prog: "tc_wan_ingress",
      ifname: "wan0",
      dir: "ingress",
    });
    await setInterface(dp, { ifindex, slot: 1, policy: true, defaultAction: "deny", snat: true });
    const [fwd] = await connectMany(net, ns.c, "10.77.0.1", 8080);
    expect(fwd).toMatch(/^192\.168\.77\.2:80 10\.77\.0\.2:\d+$/);
    expect(await connectMany(net, ns.c, "10.77.0.1", 2222, 1, 800)).toEqual(["timeout"]);
    const [snat] = await connectMany(net, ns.s, "10.77.0.2", 7000);
    expect(snat).toMatch(/^10\.77\.0\.2:7000 10\.77\.0\.1:4\d{4}$/);
  });
});
