import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sh } from "../../../bpf/tests/lib/netns";
import {
  bridgeIfname,
  SEGMENT_MTU,
  vxlanIfname,
} from "../../../edge-agent/src/agent/overlay/vxlan-plan";
import type { OverlayConfig } from "../../../protocol";
import { rootSkipReason } from "../../../testkit/skip";
import { mono, OverlayBed, type Runner, type Side } from "./lib/bed";
import { ECHO_PORT, type StreamResult, UDP_ECHO_JS, UDP_STREAM_JS } from "./lib/traffic";

const [P0, P1] = OverlayBed.PATHS;
const VNI = 4242;
const HOST = { a: "192.168.50.1", b: "192.168.50.2" };
const skipReason = rootSkipReason({ wireguard: true });

const bed = new OverlayBed();
const hosts: Record<Side, string> = { a: "", b: "" };
let a: Runner;
let b: Runner;

const withSegment = (side: Side, peers = [P0, P1]): OverlayConfig =>
  bed.config(side, {
    segments: [
      {
        vni: VNI,
        name: "office",
        interface: "seg0",
        peers: [{ siteId: side === "a" ? "site_b" : "site_a", pathIds: [...peers] }],
      },
    ],
  });

/** A veth from the box (`seg0`, no address: it is bridged) to a new L2 host namespace. */
async function addL2Host(side: Side) {
  const host = await bed.net.add(`H${side}`);
  const [x, y] = [`${bed.net.prefix}s${side}`, `${bed.net.prefix}h${side}`];
  await sh("ip", ["link", "add", x, "type", "veth", "peer", "name", y]);
  await sh("ip", ["link", "set", x, "netns", bed.ns[side]]);
  await sh("ip", ["link", "set", y, "netns", host]);
  await bed.exec(bed.ns[side], "ip", ["link", "set", x, "name", "seg0"]);
  await bed.exec(host, "ip", ["link", "set", y, "name", "eth0"]);
  await bed.exec(host, "ip", ["link", "set", "eth0", "mtu", String(SEGMENT_MTU), "up"]);
  await bed.exec(host, "ip", ["addr", "add", `${HOST[side]}/24`, "dev", "eth0"]);
  hosts[side] = host;
}

const links = async (side: Side) =>
  JSON.parse(await bed.exec(bed.ns[side], "ip", ["-d", "-j", "link", "show"])) as {
    ifname: string;
    ifindex: number;
    master?: string;
    linkinfo?: { info_slave_data?: { flood?: boolean } };
  }[];
const port = (path: string) => vxlanIfname(VNI, path);
/** The segment's ports on a box that flood (the active ones). */
const activePorts = async (side: Side) =>
  (await links(side))
    .filter((l) => l.master === bridgeIfname(VNI) && l.linkinfo?.info_slave_data?.flood === true)
    .map((l) => l.ifname)
    .filter((n) => n.startsWith("pv"));

async function applied(r: Runner, config: OverlayConfig | undefined) {
  const from = r.lines.length;
  r.send({ cmd: "apply", ...(config ? { config } : {}) });
  const done = await r.waitLine("applied", (l) => l.type === "applied" || l.type === "error", {
    from,
  });
  expect(done.error, done.error).toBeUndefined();
}

async function l2Stream(durationMs: number, everyMs = 10): Promise<StreamResult> {
  const out = await bed.exec(hosts.a, process.execPath, [
    "-e",
    UDP_STREAM_JS,
    HOST.b,
    String(ECHO_PORT),
    String(everyMs),
    String(durationMs),
  ]);
  return JSON.parse(out) as StreamResult;
}

/**
 * The segment carries traffic: most of a second's stream is answered. Relative to what the
 * sender managed to send, which a busy machine's timers cut well below 100 (it sent ~50).
 */
async function expectFlowing() {
  const s = await l2Stream(1000);
  expect(s.sent).toBeGreaterThan(10);
  expect(s.received).toBeGreaterThanOrEqual(Math.ceil(s.sent * 0.8));
}

const allUp = (r: Runner, from = 0) =>
  r.waitLine(
    "both paths up on P0",
    (l) =>
      l.type === "report" &&
      !!l.report &&
      l.report.paths.every((p) => p.state === "up") &&
      l.report.selection.some((s) => s.pathId === P0),
    { from, timeoutMs: 30_000 },
  );

describe.skipIf(!!skipReason)(
  `L2 segment between two boxes${skipReason ? ` (${skipReason})` : ""}`,
  () => {
    beforeAll(async () => {
      await bed.create();
      await addL2Host("a");
      await addL2Host("b");
      [a, b] = await Promise.all([
        bed.start("a", withSegment("a")),
        bed.start("b", withSegment("b")),
      ]);
      await Promise.all([allUp(a), allUp(b)]);
      const echo = bed.net.spawn(hosts.b, process.execPath, ["-e", UDP_ECHO_JS, String(ECHO_PORT)]);
      await new Promise((r) => echo.stdout!.once("data", r));
    });

    afterAll(async () => {
      await bed.destroy();
    });

    it("bridges the two hosts: ARP resolves, and packets of the segment's MTU pass", async () => {
      for (const side of ["a", "b"] as const) {
        const mine = (await links(side)).filter((l) => l.master === bridgeIfname(VNI));
        expect(mine.map((l) => l.ifname).sort()).toEqual(["seg0", port(P0), port(P1)].sort());
        expect(await activePorts(side)).toEqual([port(P0)]);
      }
      // 1350-byte IP packets, DF set: the frame fits the VXLAN ports' MTU exactly.
      const ping = await bed.exec(hosts.a, "ping", [
        "-c",
        "3",
        "-i",
        "0.2",
        "-W",
        "2",
        "-M",
        "do",
        "-s",
        String(SEGMENT_MTU - 28),
        HOST.b,
      ]);
      expect(ping).toMatch(/3 received/);
      const macB = JSON.parse(await bed.exec(hosts.b, "ip", ["-j", "link", "show", "eth0"]))[0]
        .address as string;
      const neigh = await bed.exec(hosts.a, "ip", ["neigh", "show", HOST.b]);
      expect(neigh).toContain(`lladdr ${macB}`);
      const s = await l2Stream(1000);
      expect(s.received).toBeGreaterThan(s.sent * 0.9);
    });

    it("moves the segment to the default unit's new path when a link goes down", async () => {
      const fromA = a.lines.length;
      const traffic = l2Stream(6000, 10);
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = mono();
      await bed.exec(bed.ns.a, "ip", ["link", "set", "wan0", "down"]);
      const sw = await a.waitLine("segment switch on box A", (l) => l.type === "segment-switch", {
        from: fromA,
      });
      const route = await a.waitLine("route switch on box A", (l) => l.type === "switch", {
        from: fromA,
      });
      expect(await activePorts("a")).toEqual([port(P1)]);
      const result = await traffic;
      console.log(
        `L2 segment failover: link down → ports switched ${Math.round(sw.seenAt - t0)} ms ` +
          `(decision → kernel ${sw.ms!.toFixed(2)} ms for ${sw.lines} lines; routes ${route.ms!.toFixed(2)} ms), ` +
          `L2 UDP gap ${result.longestGapMs} ms (every 10 ms: ${result.received}/${result.sent} answered)`,
      );
      expect(result.received).toBeGreaterThan(0);
      await expectFlowing();
    });

    it("fails back with the default unit after the hold-down", async () => {
      const fromA = a.lines.length;
      await bed.exec(bed.ns.a, "ip", ["link", "set", "wan0", "up"]);
      await a.waitLine(
        "failback",
        (l) => l.type === "event" && l.event!.kind === "failback" && l.event!.toPath === P0,
        { from: fromA, timeoutMs: 30_000 },
      );
      await a.waitLine("segment switch back", (l) => l.type === "segment-switch", {
        from: fromA,
      });
      expect(await activePorts("a")).toEqual([port(P0)]);
      await expectFlowing();
    });

    it("reconciles idempotently: the same config again and an agent restart keep every device", async () => {
      const before = (await links("a")).map((l) => `${l.ifname}#${l.ifindex}`).sort();
      await applied(a, withSegment("a"));
      expect((await links("a")).map((l) => `${l.ifname}#${l.ifindex}`).sort()).toEqual(before);

      const from = a.lines.length;
      a.send({ cmd: "exit", teardown: false });
      await a.waitLine("closed", (l) => l.type === "closed", { from });
      await a.exited;
      a = await bed.start("a", withSegment("a"));
      await allUp(a);
      expect((await links("a")).map((l) => `${l.ifname}#${l.ifindex}`).sort()).toEqual(before);
      expect(await activePorts("a")).toEqual([port(P0)]);
      await expectFlowing();
    });

    it("drops a path's port with the path, and releases the interface with the segment", async () => {
      // Both ends: the compiler drops a path from both boxes' configs alike.
      await Promise.all([applied(a, withSegment("a", [P1])), applied(b, withSegment("b", [P1]))]);
      const mine = (await links("a")).filter((l) => l.master === bridgeIfname(VNI));
      expect(mine.map((l) => l.ifname).sort()).toEqual(["seg0", port(P1)].sort());
      expect(await activePorts("a")).toEqual([port(P1)]);
      await expectFlowing();

      await applied(a, bed.config("a"));
      const after = await links("a");
      expect(after.filter((l) => /^p[bv][0-9a-f]{8}$/.test(l.ifname))).toEqual([]);
      expect(after.find((l) => l.ifname === "seg0")?.master).toBeUndefined();
    });
  },
);
