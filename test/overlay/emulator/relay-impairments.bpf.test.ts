// The WAN emulator's impairments on a real two-site test bed (root, network namespaces):
// delay, jitter, loss and black holes per link, combined for a link pair. Bounds on times
// are one-sided and generous: they check what the emulator adds, never how fast the
// machine is.
import { describe, expect, it } from "vitest";
import { rootSkipReason } from "../../../testkit/skip";
import { sleep, waitFor } from "../../../testkit/wait";
import { delta, received, relayFixture, sent } from "./relay-fixture";

const skipReason = rootSkipReason();

if (skipReason) {
  describe.skip(`WAN emulator impairments (skipped: ${skipReason})`, () => {
    it("delays, jitters, loses and black-holes", () => {});
  });
} else {
  describe("WAN emulator impairments", () => {
    const f = relayFixture();

    it("delays by both links' delay, keeps order without jitter, also when the delay drops", async () => {
      const b0 = f.bed.link("b", "wan0");
      const rx = await f.receiver({ address: b0.realAddress, port: 51824 });
      await f.sender({
        to: b0.publicAddress,
        port: 51824,
        pps: 200,
        bindAddress: f.bed.link("a", "wan0").realAddress,
      });
      await received(rx, 20);

      const { at: t1 } = await f.bed.wan.set("a.wan0", { delayMs: 40 });
      await sleep(500);
      const { at: t2 } = await f.bed.wan.set("b.wan0", { delayMs: 30 });
      await sleep(500);
      const { at: t3 } = await f.bed.wan.clear("a.wan0");
      await f.bed.wan.clear("b.wan0");
      await sleep(300);

      const one = await rx.latency({ from: t1, to: t2 });
      const both = await rx.latency({ from: t2, to: t3 - 70 });
      expect(one!.count).toBeGreaterThan(20);
      expect(one!.min).toBeGreaterThanOrEqual(40 * 0.8);
      expect(both!.count).toBeGreaterThan(20);
      expect(both!.min).toBeGreaterThanOrEqual(70 * 0.8);
      const c = await rx.counts();
      expect(c.reordered).toBe(0);
      expect(c.missing).toBe(0);
    });

    it("jitters (uniform and normal) around the delay", async () => {
      const b0 = f.bed.link("b", "wan0");
      const rx = await f.receiver({ address: b0.realAddress, port: 51825 });
      await f.sender({ to: b0.publicAddress, port: 51825, pps: 200 });

      const { at: t1 } = await f.bed.wan.set("a.wan0", { delayMs: 30, jitterMs: 20 });
      await sleep(1000);
      const { at: t2 } = await f.bed.wan.set("a.wan0", {
        delayMs: 60,
        jitterMs: 15,
        jitter: "normal",
      });
      await sleep(1000);
      const t3 = await f.bed.wan.mark();

      const uniform = await rx.latency({ from: t1, to: t2 - 60 });
      expect(uniform!.count).toBeGreaterThan(50);
      expect(uniform!.min).toBeGreaterThanOrEqual(10 * 0.8); // delay − jitter
      expect(uniform!.max - uniform!.min).toBeGreaterThan(10);
      const normal = await rx.latency({ from: t2, to: t3 - 200 });
      expect(normal!.count).toBeGreaterThan(50);
      expect(normal!.median).toBeGreaterThanOrEqual(60 * 0.8);
      expect(normal!.max - normal!.min).toBeGreaterThan(10);
    });

    it("loses roughly lossPct on each link, and the counters account for every datagram", async () => {
      const b1 = f.bed.link("b", "wan1");
      const rx = await f.receiver({ address: b1.realAddress, port: 51826 });
      await f.bed.wan.set("a.wan1", { lossPct: 20 });
      await f.bed.wan.set("b.wan1", { lossPct: 20 });
      const before = await f.bed.wan.counters();
      const n = 1500;
      const tx = await f.sender({
        to: b1.publicAddress,
        port: 51826,
        pps: 1000,
        count: n,
        bindAddress: f.bed.link("a", "wan1").realAddress,
      });
      await sent(tx);
      const after = await waitFor(
        "the relay to see every datagram",
        () => f.bed.wan.counters(),
        (c) => c.links["a.wan1"]!.in.packets - before.links["a.wan1"]!.in.packets >= n,
      );
      await sleep(200);

      const a = delta(before, after, "a.wan1");
      const b = delta(before, after, "b.wan1");
      expect(a.in.packets).toBe(n);
      expect(a.in.dropped + b.out.dropped + b.out.packets).toBe(n);
      // 0.8 × 0.8 = 64 % survive; binomial σ ≈ 1.2 %: these bounds are ±10 σ.
      expect(b.out.packets / n).toBeGreaterThan(0.5);
      expect(b.out.packets / n).toBeLessThan(0.78);
      expect(a.in.dropped / n).toBeGreaterThan(0.1);
      expect(b.out.dropped / n).toBeGreaterThan(0.08);
      expect((await rx.counts()).unique).toBe(b.out.packets);
    });
    it("black-holes a down link exactly from the answered time, held datagrams too; up restores", async () => {
      const b0 = f.bed.link("b", "wan0");
      const rx = await f.receiver({ address: b0.realAddress, port: 51827, echo: true });
      const tx = await f.sender({
        to: b0.publicAddress,
        port: 51827,
        pps: 200,
        bindAddress: f.bed.link("a", "wan0").realAddress,
      });
      await f.bed.wan.set("a.wan0", { delayMs: 200 });
      await received(rx, 40);

      const { at: down } = await f.bed.wan.set("a.wan0", { down: true });
      await sleep(600);
      const during = await f.bed.wan.counters();
      // Whatever reached the relay less than the delay before `down` was still held: dropped.
      const late = (await rx.records()).filter((r) => r.sendTime >= down - 150);
      expect(late).toEqual([]);
      expect(await rx.firstArrivalAfter(down)).toBeNull();
      expect(during.links["a.wan0"]!.in.dropped).toBeGreaterThan(50);
      const echoesDuring = (await tx.report()).echoes;

      const { at: up } = await f.bed.wan.set("a.wan0", { down: false, delayMs: 0 });
      const first = await waitFor(
        "traffic after up",
        () => rx.firstArrivalAfter(up),
        (f) => !!f,
      );
      expect(first!.sendTime).toBeGreaterThan(up);
      expect(first!.arrivalTime).toBeGreaterThan(first!.sendTime);
      await waitFor(
        "echoes after up",
        () => tx.report(),
        (r) => r.echoes > echoesDuring,
      );

      // The far end's link down drops on the way out of the relay. Counted from the answer
      // on: a datagram forwarded just before it is no failure.
      const { at: bDown } = await f.bed.wan.set("b.wan0", { down: true });
      const before = await f.bed.wan.counters();
      await sleep(300);
      expect(await rx.firstArrivalAfter(bDown)).toBeNull();
      const d = delta(before, await f.bed.wan.counters(), "b.wan0");
      expect(d.out.dropped).toBeGreaterThan(20);
      expect(d.out.packets).toBe(0);
    });
  });
}
