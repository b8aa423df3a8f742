// Live flows across program replacement and a data-plane upgrade, with a capture on
// the WAN side: an inside host keeps a source-NATed TCP connection open while the
// edge (1) runs the previous release's object (layout 0), (2) is upgraded to this
// build (maps migrated to layout 1, desired state written, programs re-attached) and
// (3) reloads this build again (an agent restart: same pins, programs replaced) and
// (4) loses the connection's state (an eviction). The
// connection never breaks, keeps its public port, and not one packet on the WAN
// carries an inside address.
//
//   s (inside) --lan0-- r (edge) --wan0-- c (internet)
//   192.168.99.2    192.168.99.1 | 10.99.0.1    10.99.0.2
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachPipeline } from "../../edge-agent/src/dataplane/attach";
import { setInterface, setSnat } from "../../edge-agent/src/dataplane/config";
import { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { LoaderClient } from "../../edge-agent/src/dataplane/loader-client";
import { BPF_DIR, ensureBpffs, ensureBuilt, LOADER, OBJ } from "./lib/harness";
import { Netns, SERVER_JS, sh } from "./lib/netns";

const net = new Netns();
const ns = { s: net.name("s"), r: net.name("r"), c: net.name("c") };
const pin = `/sys/fs/bpf/patronus-test-${randomBytes(4).toString("hex")}`;
const LAYOUT0_OBJ = `${BPF_DIR}/tests/fixtures/patronus-layout0.bpf.o`;
const PCAP = `/tmp/${net.prefix}-wan.pcap`;
const loaders: LoaderClient[] = [];
let capture: ChildProcess;
let conn: ChildProcess;
let lines: AsyncIterator<string>;

const start = () => {
  const l = LoaderClient.start(LOADER);
  loaders.push(l);
  return l;
};

/** One round trip on the live connection: the server answers "<local> <remote>". */
async function exchange(): Promise<string> {
  conn.stdin!.write("ping\n");
  return String((await lines.next()).value);
}

beforeAll(async () => {
  ensureBuilt();
  ensureBpffs();
  for (const short of ["s", "r", "c"]) await net.add(short);
  await net.link([ns.s, "lan0", "192.168.99.2/24"], [ns.r, "lan0", "192.168.99.1/24"]);
  await net.link([ns.r, "wan0", "10.99.0.1/24"], [ns.c, "eth0", "10.99.0.2/24"]);
  await net.exec(ns.s, "ip", ["route", "add", "default", "via", "192.168.99.1"]);
  await net.exec(ns.r, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  const server = net.spawn(ns.c, process.execPath, ["-e", SERVER_JS, "7000"]);
  await new Promise((r) => server.stdout!.once("data", r));
  capture = spawn(
    "nsenter",
    [`--net=/var/run/netns/${ns.c}`, "tcpdump", "-U", "-n", "-i", "eth0", "-w", PCAP, "ip"],
    { stdio: "ignore" },
  );
  // tcpdump creates the file once the capture is live.
  while (!existsSync(PCAP)) await new Promise((r) => setTimeout(r, 20));
});

afterAll(async () => {
  conn?.kill();
  capture?.kill();
  for (const l of loaders) await l.close();
  await net.destroy();
  await sh("rm", ["-rf", pin, PCAP]);
});

describe("live flows across replacement and upgrade (WAN capture)", () => {
  it("the previous release (layout 0) source-NATs a live connection", async () => {
    const old = start();
    await old.call("load", { name: "v0", path: LAYOUT0_OBJ, pin, layout: 0 });
    const base = { name: "v0", netns: ns.r };
    const { ifindex } = await old.call<{ ifindex: number }>("attach_xdp", {
      ...base,
      prog: "xdp_ingress",
      ifname: "wan0",
      mode: "native",
    });
    await old.call("attach_tc", { ...base, prog: "tc_egress", ifname: "wan0", dir: "egress" });
    // Layout 0 structs as hex: if_config {slot, deny, drop, policy|snat|valid} and an
    // SNAT rule 192.168.99.0/24 -> 10.99.0.1, ports 40000-40999.
    const key = Buffer.alloc(4);
    key.writeUInt32LE(ifindex);
    await old.call("update", {
      name: "v0",
      map: "if_config",
      key: key.toString("hex"),
      value: `0100000000018500${"00".repeat(32)}`,
    });
    await old.call("update", {
      name: "v0",
      map: "snat_rules",
      key: "78000000" + "00000000000000000000ffff" + "c0a86300",
      value: "0a630001" + "409c" + "27a0", // 40000 and 40999, little-endian
    });
    conn = net.spawn(ns.s, process.execPath, [
      "-e",
      `const s = require("node:net").connect({ host: "10.99.0.2", port: 7000 });
       s.on("data", (d) => process.stdout.write(d));
       process.stdin.on("data", (d) => s.write(d));`,
    ]);
    lines = createInterface({ input: conn.stdout! })[Symbol.asyncIterator]();
    const first = String((await lines.next()).value);
    expect(first).toMatch(/^10\.99\.0\.2:7000 10\.99\.0\.1:4\d{4}$/);
    expect(await exchange()).toBe(first);
  });

  it("upgrading to this build migrates the flow, which goes on with the same port", async () => {
    const before = await exchange();
    const dp = await Dataplane.load(start(), { name: "main", path: OBJ, pin });
    expect(dp.upgrade?.migrated?.from).toBe(0);
    // Desired state first, then the programs: the new tc_egress must never run
    // unconfigured (it would not know the SNAT rule).
    await setSnat(dp, { from: "192.168.99.0/24", to: "10.99.0.1", ports: [40000, 40999] });
    const [link] = JSON.parse(await net.exec(ns.r, "ip", ["-j", "link", "show", "wan0"]));
    const ifindex = link.ifindex as number;
    await setInterface(dp, { ifindex, slot: 1, policy: true, defaultAction: "deny", snat: true });
    for (let i = 0; i < 5; i++) expect(await exchange()).toBe(before); // old programs, old maps
    await attachPipeline(dp.loader, {
      name: "main",
      netns: ns.r,
      wan: "wan0",
      lan: "lan0",
      wanIngress: "native",
    });
    for (let i = 0; i < 20; i++) expect(await exchange()).toBe(before);
    expect((await dp.reasonCounters(1)).ct_orig).toBeGreaterThan(0n);
  });

  it("reloading the same build (an agent restart) replaces the programs, flows go on", async () => {
    const before = await exchange();
    const again = await Dataplane.load(start(), { name: "again", path: OBJ, pin });
    expect(again.upgrade?.migrated).toBeUndefined();
    await attachPipeline(again.loader, {
      name: "again",
      netns: ns.r,
      wan: "wan0",
      lan: "lan0",
      wanIngress: "native",
    });
    for (let i = 0; i < 20; i++) expect(await exchange()).toBe(before);
  });

  it("state lost mid-connection (eviction): the next packets are NATed afresh, same port", async () => {
    const before = await exchange();
    const dp = await Dataplane.load(start(), { name: "probe", path: OBJ, pin });
    await dp.clear("conntrack");
    for (let i = 0; i < 10; i++) expect(await exchange()).toBe(before);
    expect((await dp.reasonCounters(1)).snat_new).toBeGreaterThan(0n);
  });

  it("the WAN capture holds the traffic and not one inside address", async () => {
    const gone = new Promise((r) => capture.once("exit", r));
    if (capture.exitCode === null && capture.signalCode === null) {
      capture.kill("SIGINT");
      await gone;
    }
    const all = await sh("tcpdump", ["-n", "-r", PCAP]);
    const leaked = await sh("tcpdump", ["-n", "-r", PCAP, "net", "192.168.0.0/16"]);
    expect(all.trim().split("\n").length).toBeGreaterThan(40);
    expect(leaked.trim()).toBe("");
  });
});
