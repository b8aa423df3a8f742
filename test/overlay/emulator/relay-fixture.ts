// One two-site test bed per relay test file: senders in site a's box, receivers in site b's,
// every tool stopped and every impairment cleared after each test.
import { afterAll, afterEach, beforeAll } from "vitest";
import { OverlayTestBed } from "../../../testkit/netns/testbed";
import { UdpReceiver, UdpSender } from "../../../testkit/netns/traffic";
import type { WanCounters } from "../../../testkit/netns/wan-emulator";
import { waitFor } from "../../../testkit/wait";

export function relayFixture() {
  let bed: OverlayTestBed | null = null;
  const tools: { stop(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    bed = await OverlayTestBed.create({ sites: 2, linksPerSite: 2 });
  });
  afterEach(async () => {
    for (const t of tools.splice(0)) await t.stop().catch(() => undefined);
    if (bed) for (const l of bed.links) await bed.wan.clear(l.name);
  });
  afterAll(async () => {
    await bed?.destroy();
  });

  const the = () => {
    if (!bed) throw new Error("the test bed was not built");
    return bed;
  };
  return {
    get bed() {
      return the();
    },
    async receiver(o: Parameters<typeof UdpReceiver.start>[2]) {
      const r = await UdpReceiver.start(the().net, the().site("b").box, o);
      tools.push(r);
      return r;
    },
    async sender(o: Parameters<typeof UdpSender.start>[2]) {
      const s = await UdpSender.start(the().net, the().site("a").box, o);
      tools.push(s);
      return s;
    },
  };
}

export const received = (rx: UdpReceiver, n: number) =>
  waitFor(
    `${n} datagrams`,
    () => rx.counts(),
    (c) => c.received >= n,
  );

export const sent = (tx: UdpSender) =>
  waitFor(
    "the sender to finish",
    () => tx.report(),
    (r) => !r.sending,
  );

/** What a link's counters gained between two readings. */
export function delta(before: WanCounters, after: WanCounters, link: string) {
  const [b, a] = [before.links[link]!, after.links[link]!];
  const d = (x: "in" | "out") => ({
    packets: a[x].packets - b[x].packets,
    bytes: a[x].bytes - b[x].bytes,
    dropped: a[x].dropped - b[x].dropped,
  });
  return { in: d("in"), out: d("out") };
}
