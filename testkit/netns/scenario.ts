// The overlay end to end on real parts, shared by the netns test and bench/failover: the
// test bed (boxes, LAN hosts, WAN emulator), the whole fleet control plane in this process
// (PostgreSQL, Redis, Mosquitto with mTLS, workers, ingest), an org whose sites, links,
// classes and policies are made through the API, and one real agent per box, enrolled with
// the CLI and running inside the box's namespace with its eBPF data plane and tunnels.
//
// Import this module only after the test database exists (the server reads its
// configuration at import).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "../../server/platform/env";
import { AGENT_BIN, AgentProcess, cli } from "../../test/agent/lib/cli";
import { deviceInSync, eventually, type Site } from "../factories/agent-site";
import { callerFor, createOrgWithOwner } from "../factories/identity";
import { type FleetStack, startFleetStack } from "../stack/fleet-stack";
import type { SiteName } from "./address-plan";
import type { Bridge } from "./bridge";
import { OverlayTestBed, type TestSite } from "./testbed";
import type { UdpReceiver } from "./traffic";

export { eventually };

/** The first datagram `rx` got that was sent after `t` (waits for it). */
export function eventuallyArrival(rx: UdpReceiver, t: number, timeoutMs = 20_000) {
  return eventually(
    `a datagram sent after ${t.toFixed(0)} to arrive`,
    () => rx.firstArrivalAfter(t),
    timeoutMs,
  );
}

export const VOICE_PORT = 5004;
export const BULK_PORT = 5201;
export const VOICE_SLA = { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 5 };

export interface ScenarioSite {
  name: SiteName;
  id: string;
  test: TestSite;
  deviceId: string;
  dir: string;
  pinDir: string;
  agent: AgentProcess;
  bridge: Bridge;
  /** Link name ("wan0") → link id. */
  links: Record<string, string>;
}

export interface ScenarioOptions {
  sites?: 2 | 3;
  holdDownSeconds?: number;
  probeIntervalMs?: number;
  log?: (line: string) => void;
}

export type Api = ReturnType<typeof callerFor>;

export class OverlayScenario {
  readonly sites = new Map<SiteName, ScenarioSite>();
  classes = { voice: "", bulk: "" };
  policies = { voice: "", bulk: "" };
  private constructor(
    readonly bed: OverlayTestBed,
    readonly stack: FleetStack,
    readonly api: Api,
    readonly slug: string,
    readonly orgId: string,
    private readonly log: (line: string) => void,
  ) {}

  site(name: SiteName): ScenarioSite {
    const s = this.sites.get(name);
    if (!s) throw new Error(`no site ${name}`);
    return s;
  }

  /** The path id between two sites' links (the two link ids, sorted). */
  pathId(a: [SiteName, string], b: [SiteName, string]) {
    const ids = [this.site(a[0]).links[a[1]], this.site(b[0]).links[b[1]]] as string[];
    return ids.sort().join("~");
  }

  /** Path id → "a.wan0~b.wan1", for messages. */
  pathName(id: string | null) {
    if (!id) return "none";
    const name = new Map<string, string>();
    for (const s of this.sites.values())
      for (const [l, lid] of Object.entries(s.links)) name.set(lid, `${s.name}.${l}`);
    return id
      .split("~")
      .map((x) => name.get(x) ?? x)
      .join("~");
  }

  static async start(o: ScenarioOptions = {}): Promise<OverlayScenario> {
    const log = o.log ?? (() => {});
    const bed = await OverlayTestBed.create({ sites: o.sites ?? 2, linksPerSite: 2 });
    let stack: FleetStack | null = null;
    let sc: OverlayScenario | null = null;
    try {
      stack = await startFleetStack("mosquitto");
      const { owner, org, slug } = await createOrgWithOwner();
      sc = new OverlayScenario(bed, stack, callerFor(owner), slug, org.id, log);
      await sc.configure(o);
      for (const s of bed.sites) await sc.startAgent(s);
      await sc.waitForTunnels();
      return sc;
    } catch (e) {
      // Whatever was started: agents, their state and pinned BPF objects, the stack, the bed.
      if (sc) await sc.stop().catch(() => undefined);
      else {
        await stack?.stop().catch(() => undefined);
        await bed.destroy().catch(() => undefined);
      }
      throw e;
    }
  }

  /** Sites, links, classes and policies, through the API as an operator would. */
  private async configure(o: ScenarioOptions) {
    const { api, slug } = this;
    for (const s of this.bed.sites) {
      const site = await api.site.create({
        orgSlug: slug,
        name: `site-${s.name}`,
        settings: { wan: "wan0", lan: s.lanIfname, wanIngress: "tc", defaultAction: "allow" },
      });
      await api.overlay.site.update({
        orgSlug: slug,
        siteId: site.id,
        role: "edge",
        prefixes: [s.lanPrefix],
      });
      const links: Record<string, string> = {};
      for (const [i, l] of s.links.entries()) {
        const link = await api.overlay.links.create({
          orgSlug: slug,
          siteId: site.id,
          name: l.ifname,
          kind: i === 0 ? "fiber" : "lte",
          interface: l.ifname,
          gateway: l.gateway,
          publicAddress: l.publicAddress,
          cost: i === 0 ? 10 : 50,
          metered: i !== 0,
        });
        links[l.ifname] = link.id;
      }
      this.sites.set(s.name, { name: s.name, id: site.id, test: s, links } as ScenarioSite);
    }
    await api.overlay.settings.update({
      orgSlug: slug,
      topology: "full_mesh",
      probeIntervalMs: o.probeIntervalMs ?? 100,
      holdDownSeconds: o.holdDownSeconds ?? 3,
    });
    const sla = await api.overlay.sla.create({
      orgSlug: slug,
      name: "voice",
      ...VOICE_SLA,
    });
    const voice = await api.overlay.apps.create({
      orgSlug: slug,
      name: "voice",
      kind: "voice",
      dscp: 46,
      match: [{ proto: "udp", lo: VOICE_PORT, hi: VOICE_PORT }],
      slaClassId: sla.id,
    });
    const bulk = await api.overlay.apps.create({
      orgSlug: slug,
      name: "bulk",
      kind: "bulk",
      match: [{ proto: "tcp", lo: BULK_PORT, hi: BULK_PORT }],
    });
    await api.overlay.apps.create({ orgSlug: slug, name: "default", kind: "default" });
    this.classes = { voice: voice.id, bulk: bulk.id };
    const b = this.site("b").id;
    // Voice prefers fiber end to end and needs its SLA; bulk goes over LTE.
    const pv = await api.overlay.policies.create({
      orgSlug: slug,
      name: "voice over fiber",
      priority: 10,
      appClassId: voice.id,
      preferred: [{ siteId: b, localLink: "wan0", remoteLink: "wan0" }],
      slaClassId: sla.id,
      onViolation: "best_effort",
    });
    const pb = await api.overlay.policies.create({
      orgSlug: slug,
      name: "bulk over lte",
      priority: 20,
      appClassId: bulk.id,
      preferred: [{ siteId: b, localLink: "wan1", remoteLink: "wan1" }],
    });
    this.policies = { voice: pv.id, bulk: pb.id };
  }

  /** Enrolls the box's agent from the root namespace, then runs it inside the box. */
  private async startAgent(s: TestSite) {
    const site = this.site(s.name);
    const token = await this.api.site.createToken({
      orgSlug: this.slug,
      siteId: site.id,
      autoApprove: true,
      maxUses: 1,
    });
    const dir = await mkdtemp(join(tmpdir(), `patronus-overlay-${s.name}-`));
    const pinDir = `/sys/fs/bpf/patronus-ovl-${randomBytes(4).toString("hex")}`;
    Object.assign(site, { dir, pinDir }); // cleaned up by stop() whatever happens next
    const config = join(dir, "agent.json");
    await mkdir(join(dir, "state"));
    await writeFile(
      config,
      JSON.stringify({
        portalUrl: this.stack.portalUrl,
        stateDir: join(dir, "state"),
        dataplane: { pinDir },
        health: { port: 0 },
        heartbeatSeconds: 5,
        logLevel: "debug",
      }),
    );
    const enrolled = await cli(["enroll", "--token", token.token, "--config", config]);
    if (enrolled.code !== 0) throw new Error(`enroll of ${s.name} failed: ${enrolled.stderr}`);
    const identity = JSON.parse(await readFile(join(dir, "state", "identity.json"), "utf8"));
    const brokerPort = Number(new URL(env.FLEET_AGENT_MQTT_URL ?? "").port);
    const bridge = await this.bed.bridge(s.name, [brokerPort]);
    const agent = AgentProcess.start(
      [`--net=/var/run/netns/${s.box}`, AGENT_BIN, "run", "--config", config],
      {
        command: "nsenter",
      },
    );
    Object.assign(site, { deviceId: identity.deviceId, dir, pinDir, agent, bridge });
    this.log(`agent ${s.name} started (device ${identity.deviceId})`);
  }

  /** The portal's view of a site, as the deviceInSync helper wants it. */
  asSite(name: SiteName): Site {
    return { api: this.api, slug: this.slug, siteId: this.site(name).id } as unknown as Site;
  }

  /** Every box has applied the newest revision and sees every path up. */
  async waitForTunnels(timeoutMs = 90_000) {
    await eventually(
      "every path of every site up",
      async () => {
        for (const s of this.sites.values()) {
          const view = await this.api.overlay.sitePaths({ orgSlug: this.slug, siteId: s.id });
          const expected = (this.sites.size - 1) * 4;
          if (view.paths.length !== expected) return false;
          if (!view.paths.every((p) => p.tunnel === "up" && p.health === "up")) return false;
        }
        return true;
      },
      timeoutMs,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${await this.diagnostics()}`);
    });
  }

  /** What the agents said last, for failure messages. */
  async diagnostics() {
    const out: string[] = [];
    for (const s of this.sites.values()) {
      const view = await this.api.overlay
        .sitePaths({ orgSlug: this.slug, siteId: s.id })
        .catch((e) => ({ error: (e as Error).message }));
      out.push(`--- site ${s.name} paths: ${JSON.stringify(view).slice(0, 3000)}`);
      out.push(`--- agent ${s.name} log (tail):\n${s.agent?.stderr.slice(-4000)}`);
    }
    return out.join("\n");
  }

  /** The path a unit uses now towards `remote`, as the site's agent last reported. */
  async selected(site: SiteName, unit: string, remote: SiteName) {
    const view = await this.api.overlay.sitePaths({
      orgSlug: this.slug,
      siteId: this.site(site).id,
    });
    const remoteId = this.site(remote).id;
    return (
      view.selection.find((x) => x.unit === unit && x.remoteSite.id === remoteId)?.pathId ?? null
    );
  }

  /** Waits until the agent of `site` reports `unit` on `pathId` towards `remote`. */
  async waitForSelection(
    site: SiteName,
    unit: string,
    remote: SiteName,
    want: (pathId: string | null) => boolean,
    what: string,
    timeoutMs = 30_000,
  ) {
    let last: string | null = null;
    return eventually(
      what,
      async () => {
        last = await this.selected(site, unit, remote);
        return want(last) && (last ?? true);
      },
      timeoutMs,
    ).catch((e) => {
      throw new Error(`${(e as Error).message} (last: ${this.pathName(last)})`);
    });
  }

  inSync(name: SiteName, revision: number) {
    return deviceInSync(this.asSite(name), this.site(name).deviceId, revision);
  }

  async stop() {
    for (const s of this.sites.values()) {
      await s.agent?.stop(10_000).catch(() => undefined);
    }
    await this.stack.stop().catch(() => undefined);
    try {
      await this.bed.destroy();
    } finally {
      for (const s of this.sites.values()) {
        if (s.dir) await rm(s.dir, { recursive: true, force: true });
        if (s.pinDir) await rm(s.pinDir, { recursive: true, force: true }).catch(() => undefined);
      }
    }
  }
}
