// The overlay test bed (docs/overlay.md, "Test bed"; addresses: address-plan.ts): an
// `inet` namespace running the WAN emulator, and per site a box namespace with wan0/wan1
// veths to inet and lan0 to a LAN host namespace.
//
//   host a ── lan0 ── box a ══ wan0, wan1 ══╗
//   host b ── lan0 ── box b ══ wan0, wan1 ══╬══ inet (relay; no forwarding)
//   host c ── lan0 ── box c ══ wan0, wan1 ══╝
//
// inet forwards nothing: site-to-site traffic exists only as datagrams to public addresses,
// which only the relay answers. It also drops what arrives on a link with another link's
// source address (strict reverse-path filter, as an ISP would), so a packet that leaves
// a box by the wrong link is lost rather than relayed as if it came by the right one.
// A box routes by its main table (default via wan0's gateway) and, for a socket bound to a
// link's real address, by that link's table (rule `from <real> lookup <table>`, prefs
// 31000+): what the agent adds comes first.
import { Netns } from "../../bpf/tests/lib/netns";
import { type LinkPlan, type SiteName, type SitePlan, sitePlan } from "./address-plan";
import { type Bridge, bridge } from "./bridge";
import { endNamespaceProcesses, removeStaleWgSockets } from "./ns-cleanup";
import { WanEmulator } from "./wan-emulator";

export interface TestSite extends SitePlan {
  /** The box's namespace (where the site's agent runs). */
  box: string;
  /** The LAN host's namespace. */
  host: string;
}

export interface TestBedOptions {
  sites?: 2 | 3;
  linksPerSite?: 1 | 2;
  /** Ports the relay exposes on every public address at start (default 51820..51851). */
  ports?: number[];
  /** The namespaces' owner (default: a new one); the bed destroys it. */
  net?: Netns;
}

const sysctl = (net: Netns, ns: string, settings: string[]) =>
  net.exec(ns, "sysctl", ["-qw", ...settings]);

export class OverlayTestBed {
  readonly inet: string;
  readonly sites: TestSite[] = [];
  private emulator: WanEmulator | null = null;
  private bridges: Bridge[] = [];
  private destroyed = false;
  private readonly createdAt = Date.now();

  private constructor(readonly net: Netns) {
    this.inet = net.name("inet");
  }

  get wan(): WanEmulator {
    if (!this.emulator) throw new Error("the WAN emulator is not running");
    return this.emulator;
  }

  /** Builds the bed; on any failure, tears down what was built and rethrows. */
  static async create(o: TestBedOptions = {}): Promise<OverlayTestBed> {
    const bed = new OverlayTestBed(o.net ?? new Netns());
    try {
      await bed.build(o.sites ?? 2, o.linksPerSite ?? 2, o.ports);
      return bed;
    } catch (e) {
      await bed.destroy().catch(() => undefined);
      throw e;
    }
  }

  site(name: SiteName): TestSite {
    const s = this.sites.find((x) => x.name === name);
    if (!s) throw new Error(`no site ${name} in this bed`);
    return s;
  }

  link(site: SiteName, ifname: string): LinkPlan {
    const l = this.site(site).links.find((x) => x.ifname === ifname);
    if (!l) throw new Error(`site ${site} has no link ${ifname}`);
    return l;
  }

  /** Every link, as the emulator knows it. */
  get links(): LinkPlan[] {
    return this.sites.flatMap((s) => s.links);
  }

  /** A broker bridge into a site's box (closed by destroy()). */
  async bridge(site: SiteName, ports: number[]): Promise<Bridge> {
    const b = await bridge(this.net, this.site(site).box, ports);
    this.bridges.push(b);
    return b;
  }

  /**
   * Every step runs whatever happened before it: bridges, the relay, every process in the
   * bed's namespaces (agents, wireguard-go, tools) and wireguard-go's sockets of their
   * tunnels (also of tunnels whose wireguard-go was killed earlier), then the namespaces
   * and their veths. Idempotent.
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const namespaces = [this.inet, ...this.sites.flatMap((s) => [s.box, s.host])];
    const steps: [string, () => Promise<unknown> | unknown][] = [
      ...this.bridges.map((b): [string, () => Promise<void>] => [`bridge ${b.ns}`, b.close]),
      ["stop the WAN emulator", () => this.emulator?.stop()],
      ["end the namespaces' processes", () => endNamespaceProcesses(this.net, namespaces)],
      ["remove stale wireguard-go sockets", () => removeStaleWgSockets(this.createdAt)],
      ["remove the namespaces", () => this.net.destroy()],
    ];
    const failed: string[] = [];
    for (const [what, step] of steps)
      await Promise.resolve()
        .then(step)
        .catch((e) => failed.push(`${what}: ${(e as Error).message}`));
    if (failed.length) throw new Error(`test bed teardown failed:\n${failed.join("\n")}`);
  }

  private async build(sites: number, linksPerSite: number, ports?: number[]) {
    if (sites < 2 || sites > 3) throw new Error(`sites: 2 or 3, not ${sites}`);
    const { net, inet } = this;
    await net.add("inet");
    await sysctl(net, inet, [
      "net.ipv4.ip_forward=0",
      "net.ipv6.conf.all.forwarding=0",
      "net.ipv4.conf.all.rp_filter=1",
      "net.ipv4.conf.default.rp_filter=1",
    ]);
    for (let i = 0; i < sites; i++) {
      const plan = sitePlan(i, linksPerSite);
      const site: TestSite = {
        ...plan,
        box: net.name(`${plan.name}box`),
        host: net.name(`${plan.name}lan`),
      };
      this.sites.push(site);
      await net.add(`${plan.name}box`);
      await net.add(`${plan.name}lan`);
      await this.buildSite(site);
    }
    this.emulator = await WanEmulator.start(
      net,
      inet,
      this.links.map(({ name, realAddress, publicAddress }) => ({
        name,
        realAddress,
        publicAddress,
      })),
      { ports },
    );
  }

  private async buildSite(site: TestSite) {
    const { net, inet } = this;
    const { box, host } = site;
    // Replies come back on whichever link a peer used, while the main table knows one
    // default route: the box must not drop them as spoofed.
    await sysctl(net, box, [
      "net.ipv4.ip_forward=1",
      "net.ipv4.conf.all.rp_filter=0",
      "net.ipv4.conf.default.rp_filter=0",
    ]);
    for (const l of site.links) {
      await net.link(
        [box, l.ifname, `${l.realAddress}/${l.prefixLen}`],
        [inet, l.inetIfname, `${l.gateway}/${l.prefixLen}`],
      );
      await sysctl(net, box, [`net.ipv4.conf.${l.ifname}.rp_filter=0`]);
      await sysctl(net, inet, [`net.ipv4.conf.${l.inetIfname}.rp_filter=1`]);
      await net.exec(inet, "ip", ["addr", "add", `${l.publicAddress}/32`, "dev", "lo"]);
      const table = String(l.table);
      await net.exec(box, "ip", ["route", "add", "default", "via", l.gateway, "table", table]);
      await net.exec(box, "ip", [
        "rule",
        "add",
        "from",
        l.realAddress,
        "lookup",
        table,
        "pref",
        table,
      ]);
    }
    await net.exec(box, "ip", ["route", "add", "default", "via", site.links[0]!.gateway]);
    await net.link(
      [box, site.lanIfname, `${site.lanAddress}/24`],
      [host, site.lanIfname, `${site.hostAddress}/24`],
    );
    await sysctl(net, box, [`net.ipv4.conf.${site.lanIfname}.rp_filter=0`]);
    await net.exec(host, "ip", ["route", "add", "default", "via", site.lanAddress]);
  }
}
