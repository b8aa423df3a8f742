// An L2 segment end to end, on the overlay scenario's real parts (root): two sites with real
// agents enrolled and configured through the API (lib/scenario.ts), plus an extra LAN-side
// interface `seg0` on each box, a veth to an "L2 host" namespace. The two L2 hosts share
// one subnet (192.168.50.1/24 and .2/24) and nothing routes between them: they reach each
// other only when the segment, created through the API, bridges them over VXLAN in the
// WireGuard tunnels. Then the link the `default` unit uses goes black, and the segment's
// UDP and TCP traffic continues over another path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sh } from "../../../bpf/tests/lib/netns";
import { SEGMENT_MTU } from "../../../edge-agent/src/agent/overlay/vxlan-plan";
import setupTestDatabase from "../../../testkit/global-setup";
import type { SiteName } from "../../../testkit/netns/address-plan";
import type { OverlayScenario } from "../../../testkit/netns/scenario";
import { rootSkipReason } from "../../../testkit/skip";
import { sleep } from "../../../testkit/wait";

const skipReason = rootSkipReason({ tools: ["wireguard-go", "wg"], tun: true, bpf: true });

const VNI = 5000;
const HOST: Record<"a" | "b", string> = { a: "192.168.50.1", b: "192.168.50.2" };
const UDP_PORT = 6100;
const TCP_PORT = 6200;

let dropDatabase: (() => Promise<void>) | null = null;
let sc: OverlayScenario;
let lib: typeof import("../../../testkit/netns/scenario");
let traffic: typeof import("../../../testkit/netns/traffic");
const hosts: Record<"a" | "b", string> = { a: "", b: "" };
let defaultUnit = "";

/** A veth from the site's box (`seg0`, no address: it is bridged) to a new L2 host. */
async function addL2Host(site: "a" | "b") {
  const { net } = sc.bed;
  const host = await net.add(`${site}l2`);
  const [x, y] = [`${net.prefix}g${site}`, `${net.prefix}k${site}`];
  await sh("ip", ["link", "add", x, "type", "veth", "peer", "name", y]);
  await sh("ip", ["link", "set", x, "netns", sc.bed.site(site).box]);
  await sh("ip", ["link", "set", y, "netns", host]);
  await net.exec(sc.bed.site(site).box, "ip", ["link", "set", x, "name", "seg0"]);
  await net.exec(host, "ip", ["link", "set", y, "name", "eth0"]);
  // Hosts on a segment use its MTU: the VXLAN ports cannot carry bigger frames.
  await net.exec(host, "ip", ["link", "set", "eth0", "mtu", String(SEGMENT_MTU), "up"]);
  await net.exec(host, "ip", ["addr", "add", `${HOST[site]}/24`, "dev", "eth0"]);
  hosts[site] = host;
}

/** Site a's link (by name) that a path of a↔b uses. */
function localLinkOf(pathId: string): string {
  const links = Object.entries(sc.site("a").links);
  const hit = links.find(([, id]) => pathId.split("~").includes(id));
  if (!hit) throw new Error(`path ${pathId} does not use a link of site a`);
  return hit[0];
}

/** "L2 segment ports switched" lines of an agent's log since `from` (characters). */
function switches(site: SiteName, from: number): { ms: string; lines: number }[] {
  return (
    sc
      .site(site)
      .agent.stderr.slice(from)
      .match(/\{[^\n]*L2 segment ports switched[^\n]*\}/g) ?? []
  ).map((l) => JSON.parse(l) as { ms: string; lines: number });
}

if (skipReason) {
  describe.skip(`L2 segment over the overlay (skipped: ${skipReason})`, () => {
    it("bridges two hosts and fails over", () => {});
  });
} else {
  describe("L2 segment over the overlay (netns, WireGuard, VXLAN, real agents)", () => {
    beforeAll(async () => {
      dropDatabase = await setupTestDatabase();
      lib = await import("../../../testkit/netns/scenario");
      traffic = await import("../../../testkit/netns/traffic");
      sc = await lib.OverlayScenario.start({ sites: 2, holdDownSeconds: 3 });
      await addL2Host("a");
      await addL2Host("b");
      const apps = await sc.api.overlay.apps.list({ orgSlug: sc.slug });
      defaultUnit = `class:${apps.items.find((x) => x.kind === "default")!.number}`;
    }, 240_000);

    afterAll(async () => {
      await sc?.stop();
      await dropDatabase?.();
    }, 120_000);

    it("the hosts cannot reach each other before the segment exists", async () => {
      const ping = await sc.bed.net
        .exec(hosts.a, "ping", ["-c", "1", "-W", "1", HOST.b])
        .catch((e) => String(e));
      expect(ping).not.toMatch(/1 received/);
    });

    it("a segment made through the API bridges them: ARP resolves, UDP and TCP pass", async () => {
      const seg = await sc.api.overlay.segments.create({
        orgSlug: sc.slug,
        name: "office",
        vni: VNI,
        members: [
          { siteId: sc.site("a").id, interface: "seg0" },
          { siteId: sc.site("b").id, interface: "seg0" },
        ],
      });
      await sc.inSync("a", seg.revision);
      await sc.inSync("b", seg.revision);

      const { net } = sc.bed;
      await lib.eventually(
        "host b answers host a's ping over the segment",
        async () =>
          /1 received/.test(
            await net.exec(hosts.a, "ping", ["-c", "1", "-W", "1", HOST.b]).catch(() => ""),
          ),
        20_000,
      );
      const macB = JSON.parse(await net.exec(hosts.b, "ip", ["-j", "link", "show", "eth0"]))[0]
        .address as string;
      expect(await net.exec(hosts.a, "ip", ["neigh", "show", HOST.b])).toContain(`lladdr ${macB}`);
      // The segment's full MTU, DF set.
      const big = await net.exec(hosts.a, "ping", [
        ...["-c", "2", "-W", "2", "-M", "do", "-s", String(SEGMENT_MTU - 28)],
        HOST.b,
      ]);
      expect(big).toMatch(/2 received/);

      const rx = await traffic.UdpReceiver.start(net, hosts.b, { port: UDP_PORT });
      const tx = await traffic.UdpSender.start(net, hosts.a, {
        to: HOST.b,
        port: UDP_PORT,
        pps: 200,
        size: 1200,
      });
      await sleep(1000);
      const sent = (await tx.stop())?.sent ?? 0;
      await sleep(200);
      const counts = await rx.counts();
      rx.stop();
      expect(counts.unique, `UDP over the segment (${JSON.stringify(counts)})`).toBeGreaterThan(
        sent * 0.95,
      );
      // The sender's address is host a's own: bridged, not routed or translated.
      expect(Object.keys(counts.sources)[0]).toMatch(new RegExp(`^${HOST.a}:`));

      const server = await traffic.TcpEchoServer.start(net, hosts.b, { port: TCP_PORT });
      const flow = await traffic.TcpFlow.start(net, hosts.a, {
        to: HOST.b,
        port: TCP_PORT,
        intervalMs: 5,
        size: 1000,
      });
      await sleep(500);
      const report = await flow.stop();
      server.stop();
      expect(report?.echoed ?? 0, "TCP echoes over the segment").toBeGreaterThan(20);
    });

    it("keeps the L2 traffic going over another path when the active link goes black", async () => {
      const { net } = sc.bed;
      const active = await sc.waitForSelection(
        "a",
        defaultUnit,
        "b",
        (p) => p !== null,
        "a default selection towards b",
      );
      const link = localLinkOf(active as string);
      const server = await traffic.TcpEchoServer.start(net, hosts.b, { port: TCP_PORT });
      const flow = await traffic.TcpFlow.start(net, hosts.a, {
        to: HOST.b,
        port: TCP_PORT,
        intervalMs: 5,
      });
      const rx = await traffic.UdpReceiver.start(net, hosts.b, { port: UDP_PORT });
      const tx = await traffic.UdpSender.start(net, hosts.a, {
        to: HOST.b,
        port: UDP_PORT,
        pps: 500,
      });
      const logFrom = sc.site("a").agent.stderr.length;
      try {
        await sleep(500);
        const { at: cut } = await sc.bed.wan.set(`a.${link}`, { down: true });
        const first = await lib.eventuallyArrival(rx, cut);
        expect(first.arrivalTime).toBeGreaterThan(cut);
        const moved = await sc.waitForSelection(
          "a",
          defaultUnit,
          "b",
          (p) => p !== null && p !== active,
          "the default unit off the black link",
        );
        expect(String(moved).split("~")).not.toContain(sc.site("a").links[link]);
        await sleep(1000);
        const report = await flow.report();
        expect(report.connected, `TCP flow still connected (${JSON.stringify(report)})`).toBe(true);
        const echoed = report.echoed;
        await sleep(500);
        expect((await flow.report()).echoed).toBeGreaterThan(echoed);
        const gaps = await rx.gaps(50);
        const sw = switches("a", logFrom);
        expect(sw.length, "the agent moved the segment's port").toBeGreaterThan(0);
        console.log(
          `L2 segment failover (black hole a.${link}): first datagram sent after the cut ` +
            `arrived ${Math.round(first.arrivalTime - cut)} ms after it; longest UDP gap ` +
            `${Math.round(Math.max(0, ...gaps.map((g) => g.gapMs)))} ms; ports switched in ` +
            `${sw.map((s) => `${s.ms} ms (${s.lines} lines)`).join(", ")}; ` +
            `TCP longest silence ${Math.round(report.longestGapMs)} ms`,
        );
      } finally {
        await tx.stop();
        rx.stop();
        await flow.stop();
        server.stop();
        await sc.bed.wan.set(`a.${link}`, { down: false });
      }
    });

    it("deleting the segment takes the bridge down on both boxes", async () => {
      const [seg] = (await sc.api.overlay.segments.list({ orgSlug: sc.slug })).items;
      const del = await sc.api.overlay.segments.delete({ orgSlug: sc.slug, segmentId: seg!.id });
      await sc.inSync("a", del.revision);
      await sc.inSync("b", del.revision);
      for (const site of ["a", "b"] as const) {
        const links = JSON.parse(
          await sc.bed.net.exec(sc.bed.site(site).box, "ip", ["-j", "link", "show"]),
        ) as { ifname: string; master?: string }[];
        expect(links.filter((l) => /^p[bv][0-9a-f]{8}$/.test(l.ifname))).toEqual([]);
        expect(links.find((l) => l.ifname === "seg0")?.master).toBeUndefined();
      }
      const ping = await sc.bed.net
        .exec(hosts.a, "ping", ["-c", "1", "-W", "1", HOST.b])
        .catch((e) => String(e));
      expect(ping).not.toMatch(/1 received/);
    });
  });
}
