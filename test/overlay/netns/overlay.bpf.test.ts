// "Done means" of the overlay, on real parts (root): two sites as network namespaces, each
// box with two WAN links through the WAN emulator, real agents enrolled through the CLI and
// configured only through the portal's API, WireGuard tunnels (wireguard-go), eBPF
// classification, probes, path selection, and real TCP and UDP traffic between the LAN
// hosts. The control plane (PostgreSQL, Redis, Mosquitto, workers, ingest) runs in this
// process; the agents reach it through a unix-socket bridge that a test can cut.
//
// Classes: voice (udp 5004, SLA 150 ms / 30 ms / 5 %) prefers a.wan0~b.wan0 (fiber);
// bulk (tcp 5201, no SLA) prefers a.wan1~b.wan1 (LTE). Hold-down 3 s.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import setupTestDatabase from "../../../testkit/global-setup";
import type { OverlayScenario } from "../../../testkit/netns/scenario";
import type {
  TcpEchoServer,
  TcpFlow,
  UdpReceiver,
  UdpSender,
} from "../../../testkit/netns/traffic";
import { rootSkipReason } from "../../../testkit/skip";
import { sleep, until } from "../../../testkit/wait";
import { startReceiver, verifies } from "../../../testkit/webhook-receiver";

const skipReason = rootSkipReason({ tools: ["wireguard-go", "wg"], tun: true, bpf: true });

let dropDatabase: (() => Promise<void>) | null = null;
let sc: OverlayScenario;
let lib: typeof import("../../../testkit/netns/scenario");
let traffic: typeof import("../../../testkit/netns/traffic");
const HOLD_DOWN_MS = 3000;

/**
 * Bytes that entered the relay from each of site a's links during `fn` (bytes, not
 * packets: TCP coalesces more over a slow link). Probes add a few KB/s on every link.
 */
async function linkBytes(fn: () => Promise<void>) {
  const before = await sc.bed.wan.counters();
  await fn();
  const after = await sc.bed.wan.counters();
  const delta = (l: string) => (after.links[l]?.in.bytes ?? 0) - (before.links[l]?.in.bytes ?? 0);
  return { wan0: delta("a.wan0"), wan1: delta("a.wan1") };
}

/** Most of the bytes went by `link`: at least 5 times what the other link carried. */
function mostlyBy(link: "wan0" | "wan1", bytes: { wan0: number; wan1: number }, what: string) {
  const other = link === "wan0" ? "wan1" : "wan0";
  expect(bytes[link], `${what} (a.wan0 ${bytes.wan0} B, a.wan1 ${bytes.wan1} B)`).toBeGreaterThan(
    5 * bytes[other],
  );
}

/** A stream of one class from host a to host b for `ms`; returns packets per link of a. */
async function burst(kind: "voice" | "bulk", ms = 1500) {
  const a = sc.bed.site("a");
  const b = sc.bed.site("b");
  return linkBytes(async () => {
    if (kind === "voice") {
      const rx = await traffic.UdpReceiver.start(sc.bed.net, b.host, { port: lib.VOICE_PORT });
      const tx = await traffic.UdpSender.start(sc.bed.net, a.host, {
        to: b.hostAddress,
        port: lib.VOICE_PORT,
        pps: 300,
        size: 400,
      });
      await sleep(ms);
      await tx.stop();
      const counts = await rx.counts();
      rx.stop();
      expect(counts.received, "voice packets reached host b").toBeGreaterThan(0);
    } else {
      const server = await traffic.TcpEchoServer.start(sc.bed.net, b.host, { port: lib.BULK_PORT });
      const flow = await traffic.TcpFlow.start(sc.bed.net, a.host, {
        to: b.hostAddress,
        port: lib.BULK_PORT,
        intervalMs: 3,
        size: 800,
      });
      await sleep(ms);
      const report = await flow.stop();
      server.stop();
      expect(report?.echoed ?? 0, "bulk messages echoed by host b").toBeGreaterThan(0);
    }
  });
}

const unit = (kind: "voice" | "bulk") => `policy:${sc.policies[kind]}`;

if (skipReason) {
  describe.skip(`overlay on real site boxes (skipped: ${skipReason})`, () => {
    it("tunnels, steering, failover and failback", () => {});
  });
} else {
  describe("overlay on real site boxes (netns, WireGuard, eBPF, real agents)", () => {
    let fiber: string;
    let lte: string;

    beforeAll(async () => {
      dropDatabase = await setupTestDatabase();
      lib = await import("../../../testkit/netns/scenario");
      traffic = await import("../../../testkit/netns/traffic");
      sc = await lib.OverlayScenario.start({ sites: 2, holdDownSeconds: HOLD_DOWN_MS / 1000 });
      fiber = sc.pathId(["a", "wan0"], ["b", "wan0"]);
      lte = sc.pathId(["a", "wan1"], ["b", "wan1"]);
    }, 240_000);

    afterAll(async () => {
      await sc?.stop();
      await dropDatabase?.();
    }, 120_000);

    it("brings tunnels up over every link pair and shows them in the portal", async () => {
      const view = await sc.api.overlay.sitePaths({ orgSlug: sc.slug, siteId: sc.site("a").id });
      expect(view.paths).toHaveLength(4);
      for (const p of view.paths) {
        expect(p.tunnel).toBe("up");
        expect(p.latencyMs).not.toBeNull();
      }
      const topo = await sc.api.overlay.topology({ orgSlug: sc.slug });
      expect(topo.edges).toHaveLength(1);
      expect(topo.edges[0]?.health).toBe("up");
      expect(topo.edges[0]?.paths).toHaveLength(4);
    });

    it("steers each application class where its policy says", async () => {
      await sc.waitForSelection("a", unit("voice"), "b", (p) => p === fiber, "voice on fiber");
      await sc.waitForSelection("a", unit("bulk"), "b", (p) => p === lte, "bulk on LTE");
      const voice = await burst("voice");
      mostlyBy("wan0", voice, "voice by fiber");
      const bulk = await burst("bulk");
      mostlyBy("wan1", bulk, "bulk by LTE");
    });

    it("moves the class that needs the SLA off an impaired link and leaves bulk where it is", async () => {
      // Bulk over fiber too, so that both classes share the link that degrades.
      await sc.api.overlay.policies.update({
        orgSlug: sc.slug,
        steeringPolicyId: sc.policies.bulk,
        name: "bulk over fiber",
        priority: 20,
        appClassId: sc.classes.bulk,
        preferred: [{ siteId: sc.site("b").id, localLink: "wan0", remoteLink: "wan0" }],
      });
      await sc.waitForSelection("a", unit("bulk"), "b", (p) => p === fiber, "bulk on fiber");

      // Up to +85 ms each way (RTT above the voice SLA's 150 ms), as congestion builds:
      // in steps, each far smaller than a jump that looks like an outage, and small enough
      // (+20 ms RTT) that the change itself stays under the voice SLA's 30 ms of jitter.
      let slowed = 0;
      for (const delayMs of [10, 20, 30, 40, 50, 60, 70, 80, 85]) {
        const { at } = await sc.bed.wan.set("a.wan0", { delayMs });
        slowed ||= at;
        await sleep(250);
      }
      const moved = await sc.waitForSelection(
        "a",
        unit("voice"),
        "b",
        (p) => p !== null && !p.split("~").includes(sc.site("a").links.wan0 as string),
        "voice off a.wan0",
      );
      expect(await sc.selected("a", unit("bulk"), "b")).toBe(fiber);
      const voice = await burst("voice");
      mostlyBy("wan1", voice, "voice by LTE now");
      const bulk = await burst("bulk");
      mostlyBy("wan0", bulk, "bulk still by fiber");

      // The portal's incident timeline says why, naming the metric and the bound.
      const incidents = await sc.api.overlay.incidents({
        orgSlug: sc.slug,
        siteId: sc.site("a").id,
        order: "desc",
      });
      const failover = incidents.items.find((i) => i.kind === "failover" && i.toPath === moved);
      // Latency, as a rule; on a busy machine the probes' own scheduling can add enough
      // jitter during the climb that jitter trips first (CI saw "jitter 36 ms > 30 ms").
      // Either way the reason names a bound of the voice SLA.
      expect(failover?.reason).toMatch(/latency [\d.]+ ms > 150 ms|jitter [\d.]+ ms > 30 ms/);
      // Slower is not down: the path stayed up throughout.
      const downs = incidents.items.filter(
        (i) => i.kind === "path_down" && i.fromPath === fiber && Date.parse(i.at) >= slowed,
      );
      expect(downs).toEqual([]);
    });

    it("fails back only after the hold-down once the link is good again", async () => {
      const { at: healed } = await sc.bed.wan.set("a.wan0", { delayMs: 0 });
      await sc.waitForSelection("a", unit("voice"), "b", (p) => p === fiber, "voice back on fiber");
      const incidents = await sc.api.overlay.incidents({
        orgSlug: sc.slug,
        siteId: sc.site("a").id,
        order: "desc",
      });
      const back = incidents.items.find(
        (i) => i.kind === "failback" && i.toPath === fiber && Date.parse(i.at) >= healed - 1000,
      );
      expect(back, "a failback event").toBeDefined();
      // The path met the SLA again from `healed` on (give or take a probe window), and the
      // agent waited the hold-down before moving back.
      expect(Date.parse(back!.at) - healed).toBeGreaterThanOrEqual(HOLD_DOWN_MS - 500);
      expect(back!.reason).toMatch(/hold-down/);
    });

    it("moves both classes when the active link goes black, and the TCP flow keeps going", async () => {
      const a = sc.bed.site("a");
      const b = sc.bed.site("b");
      const server: TcpEchoServer = await traffic.TcpEchoServer.start(sc.bed.net, b.host, {
        port: lib.BULK_PORT,
      });
      const flow: TcpFlow = await traffic.TcpFlow.start(sc.bed.net, a.host, {
        to: b.hostAddress,
        port: lib.BULK_PORT,
        intervalMs: 5,
      });
      const rx: UdpReceiver = await traffic.UdpReceiver.start(sc.bed.net, b.host, {
        port: lib.VOICE_PORT,
      });
      const tx: UdpSender = await traffic.UdpSender.start(sc.bed.net, a.host, {
        to: b.hostAddress,
        port: lib.VOICE_PORT,
        pps: 200,
      });
      try {
        await sleep(500);
        const { at: cut } = await sc.bed.wan.set("a.wan0", { down: true });
        const first = await lib.eventuallyArrival(rx, cut);
        expect(first.arrivalTime).toBeGreaterThan(cut);
        for (const k of ["voice", "bulk"] as const)
          await sc.waitForSelection(
            "a",
            unit(k),
            "b",
            (p) => p !== fiber && p !== null,
            `${k} off fiber`,
          );
        await sleep(1000);
        const report = await flow.report();
        expect(report.connected, `TCP flow still connected (${JSON.stringify(report)})`).toBe(true);
        const echoedBefore = report.echoed;
        await sleep(500);
        expect((await flow.report()).echoed).toBeGreaterThan(echoedBefore);
      } finally {
        await tx.stop();
        rx.stop();
        await flow.stop();
        server.stop();
      }
    });

    it("fails over with the control plane unreachable, and reports the events later", async () => {
      // Heal fiber and let everything fail back first.
      await sc.bed.wan.set("a.wan0", { down: false });
      await sc.waitForSelection(
        "a",
        unit("voice"),
        "b",
        (p) => p === fiber,
        "voice back on fiber",
        60_000,
      );
      const site = sc.site("a");
      await site.bridge.cut();
      const { at: cut } = await sc.bed.wan.set("a.wan0", { down: true });
      const rx = await traffic.UdpReceiver.start(sc.bed.net, sc.bed.site("b").host, {
        port: lib.VOICE_PORT,
      });
      const tx = await traffic.UdpSender.start(sc.bed.net, sc.bed.site("a").host, {
        to: sc.bed.site("b").hostAddress,
        port: lib.VOICE_PORT,
        pps: 200,
      });
      try {
        const first = await lib.eventuallyArrival(rx, cut);
        expect(first.arrivalTime).toBeGreaterThan(cut);
        const during = await linkBytes(() => sleep(1000));
        mostlyBy("wan1", during, "traffic over LTE while the portal is away");
      } finally {
        await tx.stop();
        rx.stop();
      }
      await site.bridge.restore();
      // The failover that happened offline reaches the timeline once the agent is back.
      await lib.eventually(
        "the offline failover in the incident timeline",
        async () => {
          const incidents = await sc.api.overlay.incidents({
            orgSlug: sc.slug,
            siteId: site.id,
            order: "desc",
          });
          return incidents.items.some(
            (i) => i.kind === "failover" && i.fromPath === fiber && Date.parse(i.at) >= cut,
          );
        },
        60_000,
      );
      await sc.bed.wan.set("a.wan0", { down: false });
    });

    it("opens an incident naming the cut link, notifies a signed webhook, and resolves it when the link is back", async () => {
      // Receivers on loopback are the operator's choice (WEBHOOK_ALLOW_CIDRS), read per attempt.
      const { env } = await import("../../../server/platform/env");
      Object.assign(env as Record<string, unknown>, { WEBHOOK_ALLOW_CIDRS: "127.0.0.1/32" });
      const receiver = await startReceiver();
      const siteA = sc.site("a");
      /** The delivery of `type` about one incident (others, such as those resolving when the
       * rules below are turned off, may arrive too). */
      const ofType = (type: string, incidentId: string) =>
        receiver.received.find((r) => {
          const b = JSON.parse(r.body) as { type: string; data: { incidentId: string } };
          return b.type === type && b.data.incidentId === incidentId;
        });
      try {
        // The tests before flapped on purpose (a failover storm, rightly) and the test bed's
        // certificates live a day: this test is about links, so those rules are off here.
        const rules = await sc.api.alerts.rules({ orgSlug: sc.slug });
        for (const r of rules.items) {
          if (r.kind === "path_down")
            await sc.api.alerts.updateRule({ orgSlug: sc.slug, ruleId: r.id, forSeconds: 0 });
          if (r.kind === "failover_storm" || r.kind === "cert_expiry")
            await sc.api.alerts.updateRule({ orgSlug: sc.slug, ruleId: r.id, enabled: false });
        }
        const channel = await sc.api.alerts.createChannel({
          orgSlug: sc.slug,
          name: "noc",
          kind: "webhook",
          url: receiver.url,
        });
        const active = async () =>
          (await sc.api.incidents.list({ orgSlug: sc.slug, status: "active" })).items;
        // Every path is back from the tests before, and what they opened at site a has
        // resolved (a cut joins the site's open incident rather than opening a new one).
        await sc.waitForSelection(
          "a",
          unit("voice"),
          "b",
          (p) => p === fiber,
          "voice on fiber",
          60_000,
        );
        await until(
          "no open incident at site a",
          async () => !(await active()).some((i) => i.siteId === siteA.id),
          {
            timeoutMs: 90_000,
            everyMs: 500,
            seen: async () => (await active()).map((i) => `${i.title}: ${i.rootCause}`),
          },
        );

        await sc.bed.wan.set("a.wan0", { down: true });
        const incident = await until(
          "an incident naming a.wan0",
          async () => (await active()).find((i) => i.title.includes("WAN link wan0")),
          { timeoutMs: 60_000, everyMs: 500 },
        );
        expect(incident.siteId).toBe(siteA.id);
        expect(incident.title).toBe(`site-${siteA.name}: WAN link wan0 down`);
        expect(incident.rootCause).toMatch(
          new RegExp(
            `^WAN link wan0 \\(fiber\\) at site-${siteA.name} is down: all 2 of its paths stopped answering probes`,
          ),
        );
        const opened = await until("the incident.opened webhook", async () =>
          ofType("incident.opened", incident.id),
        );
        // (The receiver is polled in memory: no API call.)
        expect(verifies(opened, channel.secret as string)).toBe(true);
        expect(JSON.parse(opened.body)).toMatchObject({
          type: "incident.opened",
          data: { incidentId: incident.id, title: incident.title },
        });

        await sc.bed.wan.set("a.wan0", { down: false });
        await until(
          "the incident resolved",
          async () =>
            (await sc.api.incidents.get({ orgSlug: sc.slug, incidentId: incident.id })).status ===
            "resolved",
          { timeoutMs: 90_000, everyMs: 500 },
        );
        const resolved = await until(
          "the incident.resolved webhook",
          async () => ofType("incident.resolved", incident.id),
          { everyMs: 200 },
        );
        expect(JSON.parse(resolved.body)).toMatchObject({
          data: { incidentId: incident.id, status: "resolved" },
        });
      } finally {
        await sc.bed.wan.set("a.wan0", { down: false });
        await receiver.close();
      }
    });
  });
}
