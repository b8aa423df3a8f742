// The seed's example on real parts (root): "SSH from the executives group goes over the
// aws-us-east tunnel". Three sites; c is a cloud gateway offering internet breakout
// (0.0.0.0/0), with an "internet" address (198.51.100.80) behind it. The policy is made
// through the API exactly as prisma/seed.ts makes it: class interactive (tcp 22), user
// group executives (host a's address), preferred site: the gateway.
//
// An executive's SSH to the internet goes through a tunnel to the gateway and gets
// answered; anyone else's SSH (and everything else) breaks out locally, as without the
// overlay: the gateway's default route is only in the tables of policies that ask for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import setupTestDatabase from "../../../testkit/global-setup";
import type { OverlayScenario } from "../../../testkit/netns/scenario";
import { rootSkipReason } from "../../../testkit/skip";
import { sleep, waitFor } from "../../../testkit/wait";

const skipReason = rootSkipReason({ tools: ["wireguard-go", "wg"], tun: true, bpf: true });
const INTERNET = "198.51.100.80";
const OTHER_USER = "10.10.0.3";

let dropDatabase: (() => Promise<void>) | null = null;
let sc: OverlayScenario;
let traffic: typeof import("../../../testkit/netns/traffic");
let policyId: string;
let mark: string;

if (skipReason) {
  describe.skip(`cloud gateway breakout (skipped: ${skipReason})`, () => {
    it("SSH from executives goes over the gateway tunnel", () => {});
  });
} else {
  describe("cloud gateway breakout: SSH from executives over aws-us-east (netns, real agents)", () => {
    beforeAll(async () => {
      dropDatabase = await setupTestDatabase();
      const lib = await import("../../../testkit/netns/scenario");
      traffic = await import("../../../testkit/netns/traffic");
      sc = await lib.OverlayScenario.start({ sites: 3 });
      const { api, slug, bed } = sc;
      const a = bed.site("a");
      const c = bed.site("c");
      const gateway = sc.site("c").id;

      // The internet behind the gateway: an address on c's LAN host, routed by box c.
      await bed.net.exec(c.host, "ip", ["addr", "add", `${INTERNET}/32`, "dev", "lo"]);
      await bed.net.exec(c.box, "ip", ["route", "add", `${INTERNET}/32`, "via", c.hostAddress]);
      await bed.net.exec(a.host, "ip", ["addr", "add", `${OTHER_USER}/24`, "dev", a.lanIfname]);

      await api.overlay.site.update({
        orgSlug: slug,
        siteId: gateway,
        role: "cloud_gateway",
        prefixes: ["0.0.0.0/0"],
      });
      const interactive = await api.overlay.apps.create({
        orgSlug: slug,
        name: "interactive",
        kind: "interactive",
        dscp: 16,
        match: [{ proto: "tcp", lo: 22, hi: 22 }],
      });
      const executives = await api.overlay.groups.create({
        orgSlug: slug,
        name: "executives",
        prefixes: [`${a.hostAddress}/32`],
      });
      const policy = await api.overlay.policies.create({
        orgSlug: slug,
        name: "SSH from executives over aws-us-east",
        priority: 5,
        appClassId: interactive.id,
        userGroupId: executives.id,
        preferred: [{ siteId: gateway }],
        onViolation: "best_effort",
      });
      policyId = policy.id;
      const number = (await api.overlay.apps.list({ orgSlug: slug })).items.find(
        (x) => x.id === interactive.id,
      )?.number;
      mark = `0x${((0x7a000000 | number!) >>> 0).toString(16)}`;
      await sc.waitForSelection(
        "a",
        `policy:${policyId}`,
        "c",
        (p) => p !== null,
        "the executives' policy on a path to the gateway",
        60_000,
      );
    }, 300_000);

    afterAll(async () => {
      await sc?.stop();
      await dropDatabase?.();
    }, 120_000);

    it("routes an executive's SSH into a tunnel to the gateway, anyone else's locally", async () => {
      const a = sc.bed.site("a");
      const route = (from: string) =>
        sc.bed.net.exec(a.box, "ip", [
          "route",
          "get",
          INTERNET,
          "from",
          from,
          "iif",
          a.lanIfname,
          "mark",
          mark,
        ]);
      // The selection is reported as the agent applies it; the unit's route follows.
      const exec = await waitFor(
        "the executives' unit to route into a tunnel",
        () => route(a.hostAddress),
        (r) => / dev pw[0-9a-f]{8} /.test(r),
        60_000,
      ).catch(() => route(a.hostAddress));
      const toGateway = (
        await sc.api.overlay.sitePaths({ orgSlug: sc.slug, siteId: sc.site("a").id })
      ).paths
        .filter((p) => p.remoteSite.id === sc.site("c").id)
        .map((p) => p.id);
      expect(toGateway.length).toBe(4);
      expect(exec, "executive's SSH").toMatch(/ dev pw[0-9a-f]{8} /);
      const other = await route(OTHER_USER);
      expect(other, "another user's SSH breaks out locally").toMatch(/ dev wan0 /);
      // The box's own traffic to the internet too (no overlay default route in main).
      const own = await sc.bed.net.exec(a.box, "ip", ["route", "get", INTERNET]);
      expect(own).toMatch(/ dev wan0 /);
    });

    it("carries an executive's SSH session to the internet behind the gateway", async () => {
      const a = sc.bed.site("a");
      const c = sc.bed.site("c");
      const server = await traffic.TcpEchoServer.start(sc.bed.net, c.host, { port: 22 });
      const before = await sc.bed.wan.counters();
      const flow = await traffic.TcpFlow.start(sc.bed.net, a.host, {
        to: INTERNET,
        port: 22,
        intervalMs: 5,
        size: 400,
        bindAddress: a.hostAddress,
      });
      try {
        await sleep(1500);
        const report = await flow.report();
        expect(report.connected).toBe(true);
        expect(report.echoed).toBeGreaterThan(50);
        const after = await sc.bed.wan.counters();
        const intoC = ["c.wan0", "c.wan1"]
          .map((l) => (after.links[l]?.out.bytes ?? 0) - (before.links[l]?.out.bytes ?? 0))
          .reduce((x, y) => x + y, 0);
        // The session's bytes reached box c through the relay (probes add a few KB/s).
        expect(intoC).toBeGreaterThan(50 * 400);
      } finally {
        await flow.stop();
        server.stop();
      }
    });
  });
}
