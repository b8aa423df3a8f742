// "Done means", end to end on real parts (root): a site made through the API, a real agent
// enrolled with the site's token through the CLI and running its eBPF data plane on a site
// box in a network namespace, the whole fleet control plane (PostgreSQL, Redis, Mosquitto
// with mTLS, workers, ingest), and real traffic. A deny rule created in the portal reaches
// the box and blocks the traffic; deleting it lets the traffic through again.
//
//   peer (WAN side)            site box (agent's data plane)            LAN host
//   wan0 10.77.0.2 ── veth ── wan0 10.77.0.1 | lan0 192.168.77.1 ── veth ── lan0 192.168.77.2
//
// The agent process stays in the root namespace, where the broker listens on 127.0.0.1,
// and attaches to the box's links through the DataplaneDriver's netns option. Policy is
// enforced on WAN ingress, so the traffic under test goes from the peer to the LAN host.

import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMany, Netns, startServer } from "../../../bpf/tests/lib/netns";
import type { Site } from "../../../testkit/factories/agent-site";
import setupTestDatabase from "../../../testkit/global-setup";
import { rootSkipReason } from "../../../testkit/skip";
import type { FleetStack } from "../../../testkit/stack/fleet-stack";
import type { AgentProcess } from "../../agent/lib/cli";

const skipReason = rootSkipReason({ bpf: true });

const net = new Netns();
const ns = { peer: net.name("p"), box: net.name("b"), lan: net.name("l") };
const pinDir = `/sys/fs/bpf/patronus-test-${randomBytes(4).toString("hex")}`;
const LAN_HOST = "192.168.77.2";

let dropDatabase: (() => Promise<void>) | null = null;
let stack: FleetStack | null = null;
let agent: AgentProcess | null = null;
let dir: string | null = null;
let site: Site;
let deviceId: string;
// Loaded after the test database exists: the server's configuration is read at import.
let lib: typeof import("../../../testkit/factories/agent-site");

const tcp = async () => (await connectMany(net, ns.peer, LAN_HOST, 80, 1, 1500))[0];
const ping = () =>
  net.exec(ns.peer, "ping", ["-c", "1", "-W", "1", LAN_HOST]).then(
    () => true,
    () => false,
  );

/** Waits for the device row to report `revision` applied; on failure shows the agent's log. */
async function applied(revision: number) {
  try {
    return await lib.deviceInSync(site, deviceId, revision);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nagent log:\n${agent?.stderr.slice(-4000)}`);
  }
}

const topology = async () => {
  for (const short of ["p", "b", "l"]) await net.add(short);
  await net.link([ns.peer, "wan0", "10.77.0.2/24"], [ns.box, "wan0", "10.77.0.1/24"]);
  await net.link([ns.box, "lan0", "192.168.77.1/24"], [ns.lan, "lan0", `${LAN_HOST}/24`]);
  await net.exec(ns.peer, "ip", ["route", "add", "192.168.77.0/24", "via", "10.77.0.1"]);
  await net.exec(ns.lan, "ip", ["route", "add", "default", "via", "192.168.77.1"]);
  await net.exec(ns.box, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  await startServer(net, ns.lan, [80]);
};

if (skipReason) {
  describe.skip(`portal policy on a real site box (skipped: ${skipReason})`, () => {
    it("a portal deny rule blocks WAN → LAN traffic at the box", () => {});
  });
} else {
  describe("portal policy on a real site box (netns, eBPF, real agent)", () => {
    beforeAll(async () => {
      dropDatabase = await setupTestDatabase();
      lib = await import("../../../testkit/factories/agent-site");
      const { startFleetStack } = await import("../../../testkit/stack/fleet-stack");
      const { AgentProcess: Agent, cli } = await import("../../agent/lib/cli");

      await topology();
      stack = await startFleetStack("mosquitto");
      site = await lib.createSite({
        settings: {
          wan: "wan0",
          lan: "lan0",
          wanAddress: "10.77.0.1",
          wanIngress: "tc",
          defaultAction: "allow",
        },
      });

      // The box's agent config: where the portal is, and that its links live in the
      // box's namespace; everything about the network comes from the portal.
      dir = await mkdtemp(join(tmpdir(), "patronus-netns-agent-"));
      const config = join(dir, "agent.json");
      await mkdir(join(dir, "state"));
      await writeFile(
        config,
        JSON.stringify({
          portalUrl: stack.portalUrl,
          stateDir: join(dir, "state"),
          dataplane: { netns: ns.box, pinDir },
          health: { port: 0 },
        }),
      );
      const enrolled = await cli(["enroll", "--token", site.token.token, "--config", config]);
      expect(enrolled.stderr).toBe("");
      expect(enrolled.code).toBe(0);
      deviceId = JSON.parse(await readFile(join(dir, "state", "identity.json"), "utf8")).deviceId;
      agent = Agent.start(["run", "--config", config]);
    });

    afterAll(async () => {
      // Every step runs whatever happened before it.
      const steps: [string, () => Promise<unknown> | unknown][] = [
        ["stop the agent", () => agent?.stop()],
        ["stop the fleet stack", () => stack?.stop()],
        ["remove the namespaces", () => net.destroy()], // veths go, and the programs with them
        ["remove the pins", () => existsSync(pinDir) && rmSync(pinDir, { recursive: true })],
        ["remove the agent's files", () => dir && rm(dir, { recursive: true, force: true })],
        ["drop the test database", () => dropDatabase?.()],
      ];
      const failed: string[] = [];
      for (const [what, step] of steps)
        await Promise.resolve()
          .then(step)
          .catch((e) => failed.push(`${what}: ${(e as Error).message}`));
      if (failed.length) throw new Error(`cleanup failed:\n${failed.join("\n")}`);
    });

    it("a deny rule made in the portal blocks WAN → LAN TCP at the box; deleting it restores it", async () => {
      // The agent applied the site's config: pipeline attached in the box's namespace.
      const first = await applied(1);
      expect(first).toMatchObject({ status: "active", online: true });
      expect(first.reportedRevision).toBe(first.desiredRevision);
      const filters = await net.exec(ns.box, "tc", ["filter", "show", "dev", "wan0", "ingress"]);
      expect(filters).toMatch(/tc_wan_ingress/);

      // Default allow: the peer reaches the LAN host, which sees the peer's own address.
      expect(await tcp()).toMatch(/^192\.168\.77\.2:80 10\.77\.0\.2:\d+$/);
      expect(await ping()).toBe(true);

      const { id: ruleId, revision: denied } = await site.api.policy.create({
        orgSlug: site.slug,
        siteId: site.siteId,
        priority: 10,
        action: "deny",
        src: "10.77.0.0/24",
        dst: `${LAN_HOST}/32`,
        proto: "tcp",
        ports: { lo: 80, hi: 80 },
        description: "no web from the WAN",
      });
      expect((await applied(denied)).reportedRevision).toBe(denied);
      expect(await tcp()).toBe("timeout");
      expect(await ping()).toBe(true); // only what the rule names is blocked

      const { revision: restored } = await site.api.policy.delete({ orgSlug: site.slug, ruleId });
      expect((await applied(restored)).reportedRevision).toBe(restored);
      expect(await tcp()).toMatch(/^192\.168\.77\.2:80 10\.77\.0\.2:\d+$/);
    });
  });
}
