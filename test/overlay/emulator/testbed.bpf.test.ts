// The overlay test bed itself (root, network namespaces): the address plan is what the
// namespaces hold; a WireGuard tunnel (wireguard-go) works over the relay and a TCP flow
// through it survives a short black hole; the broker bridge carries, cuts and restores;
// teardown leaves no namespace, process or wireguard-go socket, also after a failed build.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMany, Netns, sh, startServer } from "../../../bpf/tests/lib/netns";
import { alive } from "../../../testkit/netns/ns-cleanup";
import type { OverlayTestBed } from "../../../testkit/netns/testbed";
import { rootSkipReason } from "../../../testkit/skip";
import { sleep, waitFor } from "../../../testkit/wait";

const skipReason = rootSkipReason();
const wgSkip = rootSkipReason({ tools: ["wireguard-go", "wg"], tun: true });

const namespacesOf = async (prefix: string) =>
  (await sh("ip", ["netns", "list"]))
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .filter((n) => n.startsWith(prefix));

if (skipReason) {
  describe.skip(`overlay test bed (skipped: ${skipReason})`, () => {
    it("builds, bridges, tunnels and tears down", () => {});
  });
} else {
  describe("overlay test bed", () => {
    let lib: typeof import("../../../testkit/netns/testbed");
    let traffic: typeof import("../../../testkit/netns/traffic");
    let bed: OverlayTestBed;

    beforeAll(async () => {
      lib = await import("../../../testkit/netns/testbed");
      traffic = await import("../../../testkit/netns/traffic");
      bed = await lib.OverlayTestBed.create({ sites: 3, linksPerSite: 2 });
    });

    afterAll(async () => {
      await bed?.destroy();
    });

    it("holds the address plan: links, gateways, public addresses, LANs, no forwarding in inet", async () => {
      const { net, inet } = bed;
      expect(bed.sites.map((s) => s.name)).toEqual(["a", "b", "c"]);
      expect(bed.links.map((l) => l.name)).toEqual([
        "a.wan0",
        "a.wan1",
        "b.wan0",
        "b.wan1",
        "c.wan0",
        "c.wan1",
      ]);
      const addrs = async (ns: string) =>
        (
          JSON.parse(await net.exec(ns, "ip", ["-j", "-4", "addr", "show"])) as {
            ifname: string;
            addr_info: { local: string; prefixlen: number }[];
          }[]
        ).flatMap((i) => i.addr_info.map((a) => `${i.ifname} ${a.local}/${a.prefixlen}`));

      const inetAddrs = await addrs(inet);
      for (const s of bed.sites) {
        const box = await addrs(s.box);
        expect(box).toContain(`lan0 ${s.lanAddress}/24`);
        expect(await addrs(s.host)).toContain(`lan0 ${s.hostAddress}/24`);
        for (const l of s.links) {
          expect(box).toContain(`${l.ifname} ${l.realAddress}/24`);
          expect(inetAddrs).toContain(`${l.inetIfname} ${l.gateway}/24`);
          expect(inetAddrs).toContain(`lo ${l.publicAddress}/32`);
        }
        expect((await net.exec(s.box, "sysctl", ["-n", "net.ipv4.ip_forward"])).trim()).toBe("1");
      }
      expect((await net.exec(inet, "sysctl", ["-n", "net.ipv4.ip_forward"])).trim()).toBe("0");

      // Each link reaches its gateway from its real address, by its own veth.
      const gw = await traffic.UdpReceiver.start(net, inet, { port: 7000 });
      await Promise.all(
        bed.links.map(async (l) => {
          const site = bed.site(l.name.split(".")[0] as "a" | "b" | "c");
          const tx = await traffic.UdpSender.start(net, site.box, {
            to: l.gateway,
            port: 7000,
            pps: 100,
            count: 3,
            bindAddress: l.realAddress,
          });
          await waitFor(
            "3 datagrams",
            () => tx.report(),
            (r) => !r.sending,
          );
          await tx.stop();
        }),
      );
      const seen = await waitFor(
        "every link",
        () => gw.counts(),
        (c) => c.received >= 18,
      );
      await gw.stop();
      expect(
        Object.keys(seen.sources)
          .map((a) => a.split(":")[0])
          .sort(),
      ).toEqual(bed.links.map((l) => l.realAddress).sort());

      // LAN hosts reach their box; another site's LAN only through a tunnel (none here).
      for (const s of bed.sites) await startServer(net, s.host, [7200]);
      for (const s of bed.sites) await startServer(net, s.box, [7200]);
      const a = bed.site("a");
      expect((await connectMany(net, a.host, a.lanAddress, 7200))[0]).toMatch(
        /^10\.10\.0\.1:7200 10\.10\.0\.2:\d+$/,
      );
      expect(
        (await connectMany(net, a.box, bed.site("c").hostAddress, 7200, 1, 1000))[0],
      ).not.toMatch(/^10\.12/);
      expect(
        (await connectMany(net, a.host, bed.site("c").hostAddress, 7200, 1, 1000))[0],
      ).not.toMatch(/^10\.12/);
    });

    it.skipIf(wgSkip)(
      `a WireGuard tunnel works over the relay; a TCP flow through it survives a black hole${wgSkip ? ` (skipped: ${wgSkip})` : ""}`,
      async () => {
        const { wgTunnel } = await import("../../../testkit/netns/wg-tunnel");
        const a = bed.site("a");
        const c = bed.site("c");
        await wgTunnel(
          bed,
          { site: a, link: bed.link("a", "wan1"), address: "192.168.250.1", listenPort: 51830 },
          { site: c, link: bed.link("c", "wan0"), address: "192.168.250.2", listenPort: 51831 },
          { routes: true },
        );
        const server = await traffic.TcpEchoServer.start(bed.net, c.host, { port: 7100 });
        const rx = await traffic.UdpReceiver.start(bed.net, c.host, { port: 7000 });
        const flow = await traffic.TcpFlow.start(bed.net, a.host, {
          to: c.hostAddress,
          port: 7100,
          intervalMs: 10,
        });
        const tx = await traffic.UdpSender.start(bed.net, a.host, {
          to: c.hostAddress,
          port: 7000,
          pps: 200,
        });
        try {
          await waitFor(
            "echoes",
            () => flow.report(),
            (r) => r.echoed > 20,
          );
          await waitFor(
            "datagrams",
            () => rx.counts(),
            (r) => r.received > 20,
          );
          // LAN to LAN, through the tunnel: the far host sees the near host itself.
          expect(Object.keys((await rx.counts()).sources)[0]).toMatch(/^10\.10\.0\.2:/);
          const counters = await bed.wan.counters();
          expect(counters.links["a.wan1"]!.in.packets).toBeGreaterThan(40);
          expect(counters.links["c.wan0"]!.out.packets).toBeGreaterThan(40);
          expect(counters.links["a.wan0"]!.in.packets).toBe(0);

          const { at: down } = await bed.wan.set("c.wan0", { down: true });
          await sleep(500);
          const { at: up } = await bed.wan.set("c.wan0", { down: false });
          const first = await waitFor(
            "UDP after up",
            () => rx.firstArrivalAfter(up),
            (f) => !!f,
          );
          expect(first!.sendTime).toBeGreaterThan(up);
          const echoedAtUp = (await flow.report()).echoed;
          const after = await waitFor(
            "TCP after up",
            () => flow.report(),
            (r) => r.echoed > echoedAtUp + 20,
          );
          expect(after.connected).toBe(true);
          expect(after.error).toBeNull();
          expect(after.longestGapMs).toBeGreaterThanOrEqual((up - down) * 0.8);
          // The UDP stream's silence spans the black hole.
          const gaps = await rx.gaps((up - down) * 0.8);
          expect(gaps.some((g) => g.from.sendTime < down && g.to.sendTime > down)).toBe(true);
        } finally {
          await tx.stop();
          await flow.stop();
          await rx.stop();
          await server.stop();
        }
      },
    );

    it("bridges a box's 127.0.0.1:<port> to the root namespace's; cut and restore", async () => {
      const root: Server = createServer((s) => {
        s.on("error", () => {});
        s.write("hello\n");
        s.pipe(s);
      });
      await new Promise<void>((r) => root.listen(0, "127.0.0.1", r));
      const port = (root.address() as { port: number }).port;
      const box = bed.site("b").box;
      const b = await bed.bridge("b", [port]);
      const hello = async () => (await connectMany(bed.net, box, "127.0.0.1", port, 1, 1000))[0];
      try {
        expect(await hello()).toBe("hello");
        const flow = await traffic.TcpFlow.start(bed.net, box, { to: "127.0.0.1", port });
        await waitFor(
          "echoes",
          () => flow.report(),
          (r) => r.echoed > 5,
        );

        await b.cut();
        expect(await hello()).toBe("error ECONNRESET");
        const cut = await waitFor(
          "the flow to end",
          () => flow.report(),
          (r) => !r.connected,
        );
        expect(cut.established).toBe(true);
        await flow.stop();

        await b.restore();
        expect(await hello()).toBe("hello");

        const live = await traffic.TcpFlow.start(bed.net, box, { to: "127.0.0.1", port });
        await waitFor(
          "echoes",
          () => live.report(),
          (r) => r.echoed > 5,
        );
        await b.cut("silent");
        expect(await hello()).toBe("timeout");
        await sleep(300);
        const silent = await live.report();
        expect(silent.connected).toBe(true);
        expect(silent.longestGapMs).toBeGreaterThanOrEqual(300 * 0.8);
        await b.restore();
        await waitFor(
          "the hung flow to be reset",
          () => live.report(),
          (r) => !r.connected,
        );
        await live.stop();
        expect(await hello()).toBe("hello");
      } finally {
        await b.close();
        await new Promise((r) => root.close(r));
      }
    });

    it("tears down everything, also what it did not start itself, and after a failed build", async () => {
      const net = new Netns();
      const own = await lib.OverlayTestBed.create({ sites: 2, linksPerSite: 1, net });
      try {
        const relayPid = own.wan.tool.proc.pid!;
        const box = own.site("a").box;
        await traffic.UdpReceiver.start(own.net, box, { port: 7000 });
        await own.bridge("a", [7999]);
        // A process the bed knows nothing about (as an agent's child would be).
        const stray = spawn("nsenter", [`--net=/var/run/netns/${box}`, "sleep", "600"], {
          stdio: "ignore",
        });
        let sockets: string[] = [];
        if (!wgSkip) {
          const { wgTunnel } = await import("../../../testkit/netns/wg-tunnel");
          const end = (site: "a" | "b", address: string) => ({
            site: own.site(site),
            link: own.link(site, "wan0"),
            address,
            listenPort: 51820,
          });
          const t = await wgTunnel(own, end("a", "192.168.251.1"), end("b", "192.168.251.2"));
          sockets = t.ifnames.map((i) => `/var/run/wireguard/${i}.sock`);
          // One wireguard-go still runs at teardown; the other was SIGKILLed, which leaves
          // its socket behind with no interface left to name it (whether it is still there
          // now depends on other beds' teardowns, which sweep stale sockets too).
          const killed = t.processes[0]!;
          killed.kill("SIGKILL");
          await waitFor(
            "wireguard-go to die",
            async () => alive(killed.pid!),
            (a) => !a,
          );
          expect(alive(t.processes[1]!.pid!)).toBe(true);
        }
        expect(await namespacesOf(net.prefix)).toHaveLength(5);

        await own.destroy();
        expect(await namespacesOf(net.prefix)).toEqual([]);
        expect(alive(relayPid)).toBe(false);
        expect(alive(stray.pid!)).toBe(false);
        for (const s of sockets) expect(existsSync(s)).toBe(false);
        await own.destroy(); // idempotent
      } finally {
        await own.destroy();
      }

      const failing = new Netns();
      await expect(
        lib.OverlayTestBed.create({ sites: 2, ports: [70_000], net: failing }),
      ).rejects.toThrow(/wan-relay.*exited/s);
      expect(await namespacesOf(failing.prefix)).toEqual([]);
    });
  });
}
