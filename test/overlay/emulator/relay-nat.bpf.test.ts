// The WAN emulator's relay on a real two-site test bed (root, network namespaces): boxes
// reach each other only through it, by public addresses, as a 1:1 NAT per link; nothing
// else crosses inet; the counters count; bad commands get error answers and no crash.
import { describe, expect, it } from "vitest";
import { rootSkipReason } from "../../../testkit/skip";
import { sleep, waitFor } from "../../../testkit/wait";
import { delta, received, relayFixture, sent } from "./relay-fixture";

const skipReason = rootSkipReason();

if (skipReason) {
  describe.skip(`WAN emulator relay (skipped: ${skipReason})`, () => {
    it("relays between public addresses only", () => {});
  });
} else {
  describe("WAN emulator relay (inet namespace)", () => {
    const f = relayFixture();

    it("relays between public addresses as a 1:1 NAT per link: both ends see public addresses, ports kept", async () => {
      const b0 = f.bed.link("b", "wan0");
      const rx = await f.receiver({ address: b0.realAddress, port: 51820, echo: true });
      const tx = await f.sender({
        to: b0.publicAddress,
        port: 51820,
        pps: 200,
        count: 50,
        bindAddress: f.bed.link("a", "wan0").realAddress,
        bindPort: 51821,
      });
      await waitFor(
        "50 echoes",
        () => tx.report(),
        (r) => r.echoes === 50,
      );
      expect((await rx.counts()).sources).toEqual({ "203.0.113.10:51821": 50 });
      expect((await tx.report()).echoSources).toEqual({ "203.0.113.20:51820": 50 });

      // Across link pairs: a's wan1 to b's wan1 is its own NAT, with its own addresses.
      const b1 = f.bed.link("b", "wan1");
      const rx1 = await f.receiver({ address: b1.realAddress, port: 51822, echo: true });
      const tx1 = await f.sender({
        to: b1.publicAddress,
        port: 51822,
        pps: 200,
        count: 20,
        bindAddress: f.bed.link("a", "wan1").realAddress,
        bindPort: 40001, // not exposed: the relay binds a's public end on first use
      });
      await waitFor(
        "20 echoes",
        () => tx1.report(),
        (r) => r.echoes === 20,
      );
      expect((await rx1.counts()).sources).toEqual({ "203.0.113.11:40001": 20 });
      expect((await tx1.report()).echoSources).toEqual({ "203.0.113.21:51822": 20 });
    });

    it("lets nothing through but the relay: real addresses, unexposed ports, wrong-link sources", async () => {
      const b0 = f.bed.link("b", "wan0");
      const a1 = f.bed.link("a", "wan1");
      const rx = await f.receiver({ port: 51823 });
      const before = await f.bed.wan.counters();

      // To b's real address: inet does not forward.
      const direct = await f.sender({ to: b0.realAddress, port: 51823, pps: 200, count: 40 });
      // From a's wan1 address but out of wan0: inet's reverse-path filter drops it.
      await f.bed.net.exec(f.bed.site("a").box, "ip", [
        "rule",
        "add",
        "from",
        a1.realAddress,
        "lookup",
        String(f.bed.link("a", "wan0").table),
        "pref",
        "100",
      ]);
      try {
        const spoofed = await f.sender({
          to: b0.publicAddress,
          port: 51823,
          pps: 200,
          count: 40,
          bindAddress: a1.realAddress,
        });
        await sent(spoofed);
      } finally {
        await f.bed.net.exec(f.bed.site("a").box, "ip", ["rule", "del", "pref", "100"]);
      }
      await sent(direct);

      // A port the relay does not expose on b's public address.
      const rx2 = await f.receiver({ port: 40002 });
      await sent(await f.sender({ to: b0.publicAddress, port: 40002, pps: 200, count: 40 }));
      // Then a canary by the relay, after all of the above.
      const canary = await f.sender({ to: b0.publicAddress, port: 51823, pps: 200, count: 10 });
      await received(rx, 10);
      await sleep(300);

      const c = await rx.counts();
      expect(c.received).toBe(10);
      expect(c.sources).toEqual({
        [`${f.bed.link("a", "wan0").publicAddress}:${canary.port}`]: 10,
      });
      expect((await rx2.counts()).received).toBe(0);
      const after = await f.bed.wan.counters();
      expect(delta(before, after, a1.name).in.packets).toBe(0);
      expect(after.unknown).toBe(before.unknown);

      // Exposing the port makes it a path.
      await f.bed.wan.expose([40002]);
      await f.sender({ to: b0.publicAddress, port: 40002, pps: 200, count: 10 });
      await received(rx2, 10);
    });

    it("counts packets and bytes per link and direction", async () => {
      const b1 = f.bed.link("b", "wan1");
      const a0 = f.bed.link("a", "wan0");
      const rx = await f.receiver({ address: b1.realAddress, port: 51828, echo: true });
      const before = await f.bed.wan.counters();
      const tx = await f.sender({
        to: b1.publicAddress,
        port: 51828,
        pps: 400,
        count: 200,
        size: 100,
        bindAddress: a0.realAddress,
      });
      await received(rx, 200);
      await waitFor(
        "200 echoes",
        () => tx.report(),
        (r) => r.echoes === 200,
      );
      const after = await f.bed.wan.counters();
      const zero = { packets: 0, bytes: 0, dropped: 0 };
      const full = { packets: 200, bytes: 20_000, dropped: 0 };
      expect(delta(before, after, "a.wan0")).toEqual({ in: full, out: full });
      expect(delta(before, after, "b.wan1")).toEqual({ in: full, out: full });
      expect(delta(before, after, "a.wan1")).toEqual({ in: zero, out: zero });
      expect(delta(before, after, "b.wan0")).toEqual({ in: zero, out: zero });
      expect(after.held).toBe(0);
    });

    it("answers bad commands with errors and keeps running", async () => {
      const { wan } = f.bed;
      const { tool } = wan;
      await expect(wan.set("z.wan9", { down: true })).rejects.toThrow(/unknown link "z.wan9"/);
      await expect(wan.set("a.wan0", { lossPct: 150 })).rejects.toThrow(/bad impairment/);
      await expect(wan.set("a.wan0", { bogus: 1 } as unknown as { down: boolean })).rejects.toThrow(
        /bad impairment/,
      );
      await expect(tool.request("reboot")).rejects.toThrow(/unknown command "reboot"/);
      await expect(wan.expose([0, 70000])).rejects.toThrow(/bad ports/);
      await expect(wan.expose([51820], "198.51.100.1")).rejects.toThrow(/no link has/);
      tool.writeRaw("this is not json");
      tool.writeRaw("[1, 2]");
      await waitFor(
        "two error answers",
        async () => tool.stray.length,
        (n) => n >= 2,
      );
      const badLine = { id: null, ok: false, error: expect.stringMatching(/bad request/) };
      expect(tool.stray.slice(-2)).toEqual([badLine, badLine]);
      expect(tool.running).toBe(true);
      expect(await wan.mark()).toBeGreaterThan(0);
      expect((await wan.impairments())["a.wan0"]).toEqual({
        delayMs: 0,
        jitterMs: 0,
        jitter: "uniform",
        lossPct: 0,
        down: false,
      });
    });
  });
}
