// Hub and spoke on real parts (root): sites a and b are spokes, c is the hub. The spokes
// get tunnels to the hub only, and their traffic to each other goes through it (the hub's
// paths carry the other spoke's prefixes; the hub forwards between its tunnels).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import setupTestDatabase from "../../../testkit/global-setup";
import type { OverlayScenario } from "../../../testkit/netns/scenario";
import { rootSkipReason } from "../../../testkit/skip";
import { waitFor } from "../../../testkit/wait";

const skipReason = rootSkipReason({ tools: ["wireguard-go", "wg"], tun: true, bpf: true });

let dropDatabase: (() => Promise<void>) | null = null;
let sc: OverlayScenario;
let lib: typeof import("../../../testkit/netns/scenario");
let traffic: typeof import("../../../testkit/netns/traffic");

if (skipReason) {
  describe.skip(`hub and spoke (skipped: ${skipReason})`, () => {
    it("spoke-to-spoke traffic goes through the hub", () => {});
  });
} else {
  describe("hub and spoke (netns, real agents)", () => {
    beforeAll(async () => {
      dropDatabase = await setupTestDatabase();
      lib = await import("../../../testkit/netns/scenario");
      traffic = await import("../../../testkit/netns/traffic");
      sc = await lib.OverlayScenario.start({ sites: 3 });
      await sc.api.overlay.site.update({
        orgSlug: sc.slug,
        siteId: sc.site("c").id,
        role: "hub",
        prefixes: [sc.bed.site("c").lanPrefix],
      });
      await sc.api.overlay.settings.update({
        orgSlug: sc.slug,
        topology: "hub_spoke",
        probeIntervalMs: 100,
        holdDownSeconds: 3,
      });
      // The spokes' direct tunnels go away: a's paths are the four to the hub.
      await lib.eventually(
        "spoke a with paths to the hub only, all up",
        async () => {
          const view = await sc.api.overlay.sitePaths({
            orgSlug: sc.slug,
            siteId: sc.site("a").id,
          });
          return (
            view.paths.length === 4 &&
            view.paths.every((p) => p.remoteSite.id === sc.site("c").id && p.tunnel === "up")
          );
        },
        90_000,
      );
    }, 300_000);

    afterAll(async () => {
      await sc?.stop();
      await dropDatabase?.();
    }, 120_000);

    it("shows the spokes joined to the hub only", async () => {
      const topo = await sc.api.overlay.topology({ orgSlug: sc.slug });
      const pairs = topo.edges.map((e) => [e.a, e.b].sort().join("|")).sort();
      const hub = sc.site("c").id;
      expect(pairs).toEqual(
        [[sc.site("a").id, hub].sort().join("|"), [sc.site("b").id, hub].sort().join("|")].sort(),
      );
    });

    it("carries spoke-to-spoke traffic through the hub, both ways", async () => {
      const a = sc.bed.site("a");
      const b = sc.bed.site("b");
      const rx = await traffic.UdpReceiver.start(sc.bed.net, b.host, { port: 7000, echo: true });
      const before = await sc.bed.wan.counters();
      const tx = await traffic.UdpSender.start(sc.bed.net, a.host, {
        to: b.hostAddress,
        port: 7000,
        pps: 200,
        size: 400,
      });
      try {
        // Both directions must carry the stream; how soon depends on the machine's load.
        await waitFor(
          "datagrams to reach spoke b",
          () => rx.counts(),
          (c) => c.received > 100,
          60_000,
        );
        await waitFor(
          "b's echoes to come back to a",
          () => tx.report(),
          (r) => r.echoes > 100,
          60_000,
        );
        const after = await sc.bed.wan.counters();
        const bytes = (site: string, dir: "in" | "out") =>
          ["wan0", "wan1"]
            .map(
              (l) =>
                (after.links[`${site}.${l}`]?.[dir].bytes ?? 0) -
                (before.links[`${site}.${l}`]?.[dir].bytes ?? 0),
            )
            .reduce((x, y) => x + y, 0);
        // The hub's links carry the stream in and out (probes add a few KB/s).
        expect(bytes("c", "out")).toBeGreaterThan(100 * 400);
        expect(bytes("c", "in")).toBeGreaterThan(100 * 400);
      } finally {
        await tx.stop();
        rx.stop();
      }
    });
  });
}
