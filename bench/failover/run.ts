// Overlay failover benchmark (root): the netns test bed with two sites, real agents
// configured through the API, WireGuard tunnels over two WAN links each, and the WAN
// emulator (testkit/netns). Prints:
//   1. failover time: from black-holing the active link to the first packet of an ongoing
//      UDP stream (1,000 packets/s) that arrives over the other path; median and worst of
//      N trials (default 20), against the 300 ms target;
//   2. probe overhead per path on the underlay (bytes/s, both ends, both directions,
//      WireGuard overhead included) at the default 100 ms probe interval;
//   3. steering-policy change in the portal (API call) → the stream on the new path.
//
//   sudo npx tsx bench/failover/run.ts [--trials 20] [--policy-trials 6]
import { performance } from "node:perf_hooks";
import setupTestDatabase from "../../testkit/global-setup";
import type { OverlayScenario } from "../../testkit/netns/scenario";
import { rootSkipReason } from "../../testkit/skip";
import { sleep } from "../../testkit/wait";
import { median, table } from "../dataplane/stats";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const TRIALS = arg("trials", 20);
const POLICY_TRIALS = arg("policy-trials", 6);
const TARGET_MS = 300;
const PPS = 1000;
const HOLD_DOWN_S = 2;

const now = () => performance.timeOrigin + performance.now();
const worst = (xs: number[]) => Math.max(...xs);
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main() {
  const skip = rootSkipReason({ tools: ["wireguard-go", "wg"], tun: true, bpf: true });
  if (skip) {
    console.log(`bench/failover skipped: ${skip}`);
    return;
  }
  const dropDatabase = await setupTestDatabase();
  const lib = await import("../../testkit/netns/scenario");
  const traffic = await import("../../testkit/netns/traffic");
  let sc: OverlayScenario | null = null;
  try {
    log("starting the test bed, the control plane and two agents…");
    sc = await lib.OverlayScenario.start({ sites: 2, holdDownSeconds: HOLD_DOWN_S, log });
    const s = sc;
    const a = s.bed.site("a");
    const b = s.bed.site("b");
    const fiber = s.pathId(["a", "wan0"], ["b", "wan0"]);
    const voice = `policy:${s.policies.voice}`;

    // --- 2. probe overhead (idle) ---
    await sleep(3000);
    const c0 = await s.bed.wan.counters();
    await sleep(10_000);
    const c1 = await s.bed.wan.counters();
    const seconds = (c1.at - c0.at) / 1000;
    const bytes = (l: string) =>
      c1.links[l]!.in.bytes -
      c0.links[l]!.in.bytes +
      c1.links[l]!.out.bytes -
      c0.links[l]!.out.bytes;
    // Every link of a carries 2 of the 4 paths; a path's bytes cross one link of a.
    const perPath = (bytes("a.wan0") + bytes("a.wan1")) / seconds / 4;

    // --- 1. failover ---
    const rx = await traffic.UdpReceiver.start(s.bed.net, b.host, { port: lib.VOICE_PORT });
    const tx = await traffic.UdpSender.start(s.bed.net, a.host, {
      to: b.hostAddress,
      port: lib.VOICE_PORT,
      pps: PPS,
    });
    /** Waits until the stream's packets leave site a by `link` (well above the probes). */
    const waitStreamOn = async (link: string) => {
      const deadline = now() + 60_000;
      for (;;) {
        const c0 = await s.bed.wan.counters();
        await sleep(200);
        const c1 = await s.bed.wan.counters();
        const pkts = c1.links[link]!.in.packets - c0.links[link]!.in.packets;
        if (pkts >= (PPS * (c1.at - c0.at)) / 2000) return;
        if (now() > deadline) throw new Error(`the stream did not come back to ${link}`);
      }
    };
    const failovers: number[] = [];
    let invalid = 0;
    try {
      await s.waitForSelection("a", voice, "b", (p) => p === fiber, "voice on fiber", 60_000);
      for (let i = 0; i < TRIALS; i++) {
        await waitStreamOn("a.wan0");
        await sleep(500);
        const { at: cut } = await s.bed.wan.set("a.wan0", { down: true });
        const first = await lib.eventuallyArrival(rx, cut);
        const ms = first.arrivalTime - cut;
        // Faster than any detection: the stream was not on the cut link after all (it
        // moved between the check and the cut). Not a failover; said, not counted.
        if (ms < 20) {
          invalid++;
          log(
            `trial ${i + 1}/${TRIALS}: ${ms.toFixed(0)} ms: the stream was not on a.wan0; not counted`,
          );
        } else {
          failovers.push(ms);
          log(`trial ${i + 1}/${TRIALS}: ${ms.toFixed(0)} ms`);
        }
        await sleep(300);
        await s.bed.wan.set("a.wan0", { down: false });
      }
    } finally {
      await tx.stop();
      rx.stop();
    }

    // --- 3. policy change → traffic on the new path ---
    const tx2 = await traffic.UdpSender.start(s.bed.net, a.host, {
      to: b.hostAddress,
      port: lib.VOICE_PORT,
      pps: PPS,
    });
    const policyMs: number[] = [];
    try {
      await waitStreamOn("a.wan0");
      for (let i = 0; i < POLICY_TRIALS; i++) {
        const to = i % 2 === 0 ? "wan1" : "wan0";
        await sleep(1000);
        let prev = await s.bed.wan.counters();
        const t0 = now();
        await s.api.overlay.policies.update({
          orgSlug: s.slug,
          steeringPolicyId: s.policies.voice,
          name: "voice over fiber",
          priority: 10,
          appClassId: s.classes.voice,
          preferred: [{ siteId: s.site("b").id, localLink: to, remoteLink: to }],
          slaClassId: null,
          onViolation: "best_effort",
        });
        // The stream moved when the new link's packets/10 ms jump far above the probes'.
        let at: number | null = null;
        const deadline = t0 + 30_000;
        while (at === null && now() < deadline) {
          await sleep(5);
          const c = await s.bed.wan.counters();
          const l = `a.${to}`;
          if (
            c.links[l]!.in.packets - prev.links[l]!.in.packets >=
            Math.max(3, (PPS * (c.at - prev.at)) / 2000)
          )
            at = c.at;
          prev = c;
        }
        if (at === null) throw new Error(`the stream never moved to a.${to}`);
        policyMs.push(at - t0);
        log(`policy change ${i + 1}/${POLICY_TRIALS} → a.${to}: ${(at - t0).toFixed(0)} ms`);
      }
    } finally {
      await tx2.stop();
    }

    console.log(
      `\nOverlay failover (2 sites × 2 WAN links, wireguard-go, probes every 100 ms, hold-down ${HOLD_DOWN_S} s)\n`,
    );
    console.log(
      table([
        ["measure", "median", "worst", "n", "target", "median/target"],
        [
          "failover: black hole → first packet via other path (ms)",
          median(failovers),
          worst(failovers),
          String(failovers.length),
          String(TARGET_MS),
          median(failovers) / TARGET_MS,
        ],
        [
          "policy change (API) → stream on new path (ms)",
          median(policyMs),
          worst(policyMs),
          String(policyMs.length),
          "-",
          "-",
        ],
      ]),
    );
    console.log(
      `\nprobe overhead: ${perPath.toFixed(0)} B/s per path (both ends' probes and echoes, both directions, on the underlay with WireGuard overhead; ${seconds.toFixed(1)} s idle)`,
    );
    if (invalid)
      console.log(`${invalid} trial(s) not counted: the stream had left a.wan0 before the cut`);
    console.log("baseline for comparison (from the issue): FortiGate defaults ≈ 2,500 ms failover");
  } finally {
    await sc?.stop().catch((e) => log(`teardown: ${(e as Error).message}`));
    await dropDatabase();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
