import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PathEvent, ZOverlayStatus, ZPathEvents, ZPathReport } from "../../../protocol";
import { rootSkipReason } from "../../../testkit/skip";
import { mono, OverlayBed, type Runner } from "./lib/bed";

const [P0, P1] = OverlayBed.PATHS;
const skipReason = rootSkipReason({ wireguard: true });

const bed = new OverlayBed();
let a: Runner;
let b: Runner;

const isDefault = (e: PathEvent) => e.unit === "class:default";
const allUp = (r: Runner, from = 0) =>
  r.waitLine(
    "both paths up",
    (l) =>
      l.type === "report" &&
      !!l.report &&
      l.report.paths.length === 2 &&
      l.report.paths.every((p) => p.state === "up") &&
      l.report.selection.some((s) => s.pathId === P0),
    { from, timeoutMs: 30_000 },
  );
const defaultTable = async (ns: string) =>
  bed.exec(ns, "ip", ["-4", "route", "show", "table", "20000"]);
/** Bytes sent through a tunnel (its peer's transfer-tx). */
const transfer = async (ifname: string) =>
  Number((await bed.exec(bed.ns.a, "wg", ["show", ifname, "transfer"])).split("\t")[2]);
const ourRules = async (ns: string) =>
  (await bed.exec(ns, "ip", ["-4", "rule", "show"]))
    .split("\n")
    .filter((l) => /lookup 2[01]\d{3}/.test(l));

describe.skipIf(!!skipReason)(
  `overlay between two boxes${skipReason ? ` (${skipReason})` : ""}`,
  () => {
    beforeAll(async () => {
      await bed.create();
      [a, b] = await Promise.all([bed.start("a"), bed.start("b")]);
    });

    afterAll(async () => {
      await bed.destroy();
    });

    it("brings both tunnels up, probes both paths and carries LAN traffic on the cheaper one", async () => {
      const [ra, rb] = await Promise.all([allUp(a), allUp(b)]);
      for (const r of [ra.report!, rb.report!]) {
        ZPathReport.parse(r); // what the agent would publish on `paths`
        for (const p of r.paths) {
          expect(p.latencyMs).toBeGreaterThan(0);
          expect(p.lossPct).not.toBeNull();
          expect(p.mos).toBeGreaterThanOrEqual(1);
          expect(p.rxBytes).toBeGreaterThan(0);
        }
        expect(r.selection).toEqual([
          expect.objectContaining({ unit: "class:default", pathId: P0 }),
        ]);
      }
      const status = ZOverlayStatus.parse(
        a.lines.filter((l) => l.type === "status").at(-1)!.status,
      );
      expect(status.publicKey).toBe(bed.keys.a.pub);
      expect(status.tunnels.map((t) => [t.pathId, t.state])).toEqual([
        [P0, "up"],
        [P1, "up"],
      ]);
      expect(status.tunnels.every((t) => t.lastHandshakeAt !== null)).toBe(true);
      expect(await defaultTable(bed.ns.a)).toContain(`dev ${bed.ifnames.a0}`);
      expect(await bed.reachable()).toBe(true);
      const rates = Object.values(ra.probeBytesPerSecond ?? {});
      console.log(
        `probe traffic at 100 ms: ${rates.map((r) => `${r} B/s`).join(", ")} per path (one end's probes and their echoes)`,
      );
    });

    it("moves the traffic to the other path when a link goes down, with the reason", async () => {
      const fromA = a.lines.length;
      const fromB = b.lines.length;
      const traffic = bed.stream(6000, 10);
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = mono();
      await bed.exec(bed.ns.a, "ip", ["link", "set", "wan0", "down"]);
      const failover = await a.waitLine(
        "failover on box A",
        (l) => l.type === "event" && l.event!.kind === "failover" && isDefault(l.event!),
        { from: fromA },
      );
      const e = failover.event!;
      expect(e).toMatchObject({ fromPath: P0, toPath: P1, remoteSiteId: "site_b" });
      expect(e.reason).toMatch(/^\d+ probes lost, no answer for \d+ ms$/);
      const down = a.events(fromA).find((x) => x.kind === "path_down");
      expect(down).toMatchObject({ unit: `path:${P0}` });
      expect(down?.reason).toMatch(/^\d+ probes lost, no answer for \d+ ms$/);
      await b.waitLine(
        "failover on box B",
        (l) => l.type === "event" && l.event!.kind === "failover" && isDefault(l.event!),
        { from: fromB },
      );
      const sw = await a.waitLine("route switch on box A", (l) => l.type === "switch", {
        from: fromA,
      });
      const result = await traffic;
      console.log(
        `failover: link down → event on box A ${Math.round(failover.seenAt - t0)} ms, ` +
          `routes rewritten in ${sw.ms!.toFixed(1)} ms (${sw.lines} route), ` +
          `LAN traffic gap ${result.longestGapMs} ms (UDP every 10 ms: ${result.received}/${result.sent} answered)`,
      );
      expect(result.received).toBeGreaterThan(0);
      expect(await defaultTable(bed.ns.a)).toContain(`dev ${bed.ifnames.a1}`);
      expect(await bed.reachable()).toBe(true);
    });

    it("fails back only after the hold-down, once the link is back", async () => {
      const fromA = a.lines.length;
      await bed.exec(bed.ns.a, "ip", ["link", "set", "wan0", "up"]);
      const up = await a.waitLine(
        "path up on box A",
        (l) => l.type === "event" && l.event!.kind === "path_up" && l.event!.toPath === P0,
        { from: fromA },
      );
      // Right after the path came back the traffic still uses the other path.
      expect(await defaultTable(bed.ns.a)).toContain(`dev ${bed.ifnames.a1}`);
      const back = await a.waitLine(
        "failback on box A",
        (l) => l.type === "event" && l.event!.kind === "failback" && isDefault(l.event!),
        { from: fromA },
      );
      expect(back.event).toMatchObject({ fromPath: P1, toPath: P0 });
      expect(back.event!.reason).toBe("failback after 3 s hold-down");
      expect(ZPathEvents.parse({ v: 1, events: a.events() }).events.length).toBeGreaterThan(3);
      expect(a.lines.indexOf(back)).toBeGreaterThan(a.lines.indexOf(up));
      console.log(
        `failback: path up → failback ${Math.round(Date.parse(back.event!.at) - Date.parse(up.event!.at))} ms (hold-down 3000 ms)`,
      );
      await a.waitLine("route switch back", (l) => l.type === "switch", {
        from: a.lines.indexOf(back),
      });
      expect(await defaultTable(bed.ns.a)).toContain(`dev ${bed.ifnames.a0}`);
      expect(await bed.reachable()).toBe(true);
    });

    it("reconciles idempotently: the same config again, and an agent restart, change nothing", async () => {
      const rulesBefore = await ourRules(bed.ns.a);
      const routesBefore = await defaultTable(bed.ns.a);
      expect(rulesBefore).toHaveLength(3); // two links + unclassified
      let from = a.lines.length;
      a.send({ cmd: "apply", config: bed.config("a") });
      await a.waitLine("applied", (l) => l.type === "applied" || l.type === "error", { from });
      expect(a.lines.slice(from).find((l) => l.type === "error")).toBeUndefined();
      expect(await ourRules(bed.ns.a)).toEqual(rulesBefore);
      expect(await defaultTable(bed.ns.a)).toBe(routesBefore);

      // Restart without teardown: the new process adopts tunnels, rules and routes.
      from = a.lines.length;
      a.send({ cmd: "exit", teardown: false });
      await a.waitLine("closed", (l) => l.type === "closed", { from });
      await a.exited;
      a = await bed.start("a");
      await allUp(a);
      expect(await ourRules(bed.ns.a)).toEqual(rulesBefore);
      expect(await defaultTable(bed.ns.a)).toContain(`dev ${bed.ifnames.a0}`);
      expect(await bed.reachable()).toBe(true);
    });

    it("steers a policy's sources and a class's mark into their own tables", async () => {
      const config = bed.config("a", {
        classes: [
          {
            id: 1,
            name: "Voice",
            kind: "voice",
            dscp: 46,
            match: [{ proto: "udp", lo: 5004, hi: 5004 }],
            sla: { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
          },
        ],
        policies: [
          {
            id: "guests",
            name: "Guests on LTE",
            priority: 10,
            sources: ["192.168.101.3/32"],
            preferred: [P1],
            onViolation: "best_effort",
          },
        ],
      });
      const from = a.lines.length;
      a.send({ cmd: "apply", config });
      await a.waitLine("applied", (l) => l.type === "applied" || l.type === "error", { from });
      expect(a.lines.slice(from).find((l) => l.type === "error")).toBeUndefined();
      // Units: policy:guests → 20000, class:1 → 20001, class:default → 20002.
      expect(await ourRules(bed.ns.a)).toEqual([
        "500:\tfrom all fwmark 0x7b000000 lookup 21000",
        "501:\tfrom all fwmark 0x7b000001 lookup 21001",
        "1000:\tfrom 192.168.101.3 lookup 20000",
        "5000:\tfrom all fwmark 0x7a000001 lookup 20001",
        "9000:\tfrom all lookup 20002",
      ]);
      const route = (args: string[]) =>
        bed.exec(bed.ns.a, "ip", ["-4", "route", "get", "192.168.102.2", ...args, "iif", "lan0"]);
      await a.waitLine(
        "the policy's selection",
        (l) =>
          l.type === "report" &&
          !!l.report?.selection.some((s) => s.unit === "policy:guests" && s.pathId === P1),
        { from },
      );
      expect(await route(["from", "192.168.101.3"])).toMatch(
        new RegExp(`dev ${bed.ifnames.a1} table 20000`),
      );
      expect(await route(["from", "192.168.101.2"])).toMatch(
        new RegExp(`dev ${bed.ifnames.a0} table 20002`),
      );
      expect(await route(["from", "192.168.101.2", "mark", "0x7a000001"])).toMatch(/table 20001/);
      const before = await transfer(bed.ifnames.a1);
      expect(await bed.reachable("192.168.101.3")).toBe(true);
      expect(await transfer(bed.ifnames.a1)).toBeGreaterThan(before);
    });

    it("removes a path the config no longer has, and tears everything down without a config", async () => {
      let from = a.lines.length;
      const one = bed.config("a");
      a.send({ cmd: "apply", config: { ...one, paths: [one.paths[0]] } });
      await a.waitLine("applied", (l) => l.type === "applied", { from });
      const links = await bed.exec(bed.ns.a, "ip", ["-o", "link", "show"]);
      expect(links).toContain(bed.ifnames.a0);
      expect(links).not.toContain(bed.ifnames.a1);

      from = a.lines.length;
      a.send({ cmd: "apply" });
      await a.waitLine("applied", (l) => l.type === "applied", { from });
      expect(await ourRules(bed.ns.a)).toEqual([]);
      expect(await bed.exec(bed.ns.a, "ip", ["-o", "link", "show"])).not.toMatch(/pw[0-9a-f]{8}/);
      expect(await defaultTable(bed.ns.a).catch(() => "")).toBe("");
    });
  },
);
