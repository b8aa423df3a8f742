// The real driver: one loader helper, the pipeline object loaded with its maps pinned
// (a restarted agent keeps conntrack, policy and counters), the programs attached to the
// site's links, and every DesiredState written through src/dataplane/config.ts.
// close() leaves programs attached and maps pinned: traffic keeps flowing as last
// configured while the agent is down or upgrading.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { DeviceConfig } from "../../../../protocol";
import { attachPipeline } from "../../dataplane/attach";
import { Dataplane } from "../../dataplane/dataplane";
import { ConntrackReaper } from "../../dataplane/flows";
import { LoaderClient } from "../../dataplane/loader-client";
import { activeBank } from "../../dataplane/policy-apply";
import { type Logger, silentLogger } from "../log";
import { type DataplanePlan, type Links, planDataplane, WAN_SLOT } from "./dataplane-plan";
import { resetDataplane, verifyPlan, writePlan } from "./dataplane-write";
import type { DataplaneCounters, Driver } from "./driver";

export interface DataplaneDriverOptions {
  loaderPath: string;
  bpfObject: string;
  /** bpffs directory for the object's pins (default /sys/fs/bpf/patronus). */
  pinDir?: string;
  /** Network namespace of the links (a name under /var/run/netns or a path). */
  netns?: string;
  /** Local overrides of the links the portal names. */
  links?: Partial<Links>;
  /** The loader's name for the object. */
  objectName?: string;
  /** Conntrack sweep period; 0 turns the reaper off. */
  reapIntervalMs?: number;
  log?: Logger;
}

const sameLinks = (a: Links, b: Links) =>
  a.wan === b.wan && a.lan === b.lan && a.wanIngress === b.wanIngress;

function ensureBpffs() {
  const mounted = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[1] === "/sys/fs/bpf");
  if (!mounted) execFileSync("mount", ["-t", "bpf", "bpf", "/sys/fs/bpf"]);
}

export class DataplaneDriver implements Driver {
  readonly kind = "dataplane";
  private loader: LoaderClient | null = null;
  private dp: Dataplane | null = null;
  private attached: { links: Links; ifindex: number } | null = null;
  private bankBefore: 0 | 1 = 0;
  private reaper = new ConntrackReaper();
  private reapTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  private readonly name: string;

  constructor(private readonly o: DataplaneDriverOptions) {
    this.log = o.log ?? silentLogger;
    this.name = o.objectName ?? "patronus";
  }

  async start() {
    for (const [what, path] of [
      ["BPF object", this.o.bpfObject],
      ["loader", this.o.loaderPath],
    ] as const)
      if (!existsSync(path))
        throw new Error(
          `${what} ${path} not found (build it with make -C bpf, or set dataplane.*)`,
        );
    ensureBpffs();
    await this.ensureLoaded();
    const l = this.o.links;
    if (l?.wan && l.lan && l.wanIngress)
      await this.ensureAttached({ wan: l.wan, lan: l.lan, wanIngress: l.wanIngress });
    const every = this.o.reapIntervalMs ?? 30_000;
    if (every > 0) {
      this.reapTimer = setInterval(() => void this.reap(), every);
      this.reapTimer.unref();
    }
  }

  /** (Re)starts the helper if it is gone; pinned maps make this lossless. */
  private async ensureLoaded(): Promise<Dataplane> {
    if (this.dp && this.loader?.alive) return this.dp;
    if (this.loader) this.log.warn("data plane loader exited; restarting it");
    this.loader = LoaderClient.start(this.o.loaderPath);
    this.dp = await Dataplane.load(this.loader, {
      name: this.name,
      path: this.o.bpfObject,
      pin: this.o.pinDir ?? "/sys/fs/bpf/patronus",
    });
    this.attached = null; // a new helper holds new program instances: attach again
    return this.dp;
  }

  private async ensureAttached(links: Links): Promise<number> {
    if (this.attached && sameLinks(this.attached.links, links)) return this.attached.ifindex;
    const loader = this.loader!;
    const ns = this.o.netns ? { netns: this.o.netns } : {};
    const old = this.attached?.links;
    if (old && !sameLinks(old, links)) {
      // Best effort: the old links may be gone already.
      const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
      if (old.wanIngress === "tc")
        await quiet(loader.call("detach_tc", { ...ns, ifname: old.wan, dir: "ingress" }));
      else await quiet(loader.call("detach_xdp", { ...ns, ifname: old.wan, mode: old.wanIngress }));
      await quiet(loader.call("detach_tc", { ...ns, ifname: old.wan, dir: "egress" }));
      await quiet(loader.call("detach_tc", { ...ns, ifname: old.lan, dir: "ingress" }));
    }
    // Nothing is attached until attachPipeline succeeds (a rollback then attaches again).
    const stale = this.attached?.ifindex;
    this.attached = null;
    const ifindex = await attachPipeline(loader, { name: this.name, ...ns, ...links });
    if (stale !== undefined && stale !== ifindex)
      await this.dp!.del("if_config", { v: stale }).catch(() => undefined);
    this.attached = { links, ifindex };
    this.log.info("data plane attached", { ...links, ifindex, netns: this.o.netns });
    return ifindex;
  }

  private plan(config: DeviceConfig): DataplanePlan {
    return planDataplane(config, this.o.links);
  }

  validate(config: DeviceConfig) {
    this.plan(config);
  }

  /** Configuration first, programs second: a pipeline attached before its interface
   * config and SNAT rules exist (first start, or maps just migrated by an upgrade)
   * would let inside addresses leave untranslated until the plan was written. */
  async apply(config: DeviceConfig) {
    const plan = this.plan(config);
    const dp = await this.ensureLoaded();
    const ns = this.o.netns ? { netns: this.o.netns } : {};
    const { ifindex } = await this.loader!.call<{ ifindex: number }>("ifindex", {
      ...ns,
      ifname: plan.links.wan,
    });
    this.bankBefore = await activeBank(dp);
    await writePlan(dp, plan, ifindex);
    const attachedAt = await this.ensureAttached(plan.links);
    if (attachedAt !== ifindex) await writePlan(dp, plan, attachedAt); // renamed under us
  }

  async verify(config: DeviceConfig) {
    const plan = this.plan(config);
    if (!this.dp || !this.attached) throw new Error("verify: data plane not attached");
    await verifyPlan(this.dp, plan, this.attached.ifindex, this.bankBefore);
  }

  async rollback(previous: DeviceConfig | null) {
    if (previous) {
      await this.apply(previous);
      await this.verify(previous);
      return;
    }
    const dp = await this.ensureLoaded();
    await resetDataplane(dp, this.attached?.ifindex ?? null);
  }

  private async reap() {
    try {
      if (this.dp && this.loader?.alive) await this.reaper.sweep(this.dp);
    } catch (e) {
      this.log.warn("conntrack sweep failed", { error: (e as Error).message });
    }
  }

  /**
   * WAN bytes per app id since the data plane's maps were made (Dataplane.appCounters()),
   * for the usage report's classes (usage-classes.ts); empty before the data plane loaded.
   */
  async appCounters(): Promise<Map<number, { rx: bigint; tx: bigint }>> {
    if (!this.dp) return new Map();
    const counts = await this.dp.appCounters();
    return new Map([...counts].map(([id, c]) => [id, { rx: c.rxBytes, tx: c.txBytes }]));
  }

  /** The WAN interface's reason counters and the per-app bytes and packets (agent
   * metrics, telemetry/dataplane). */
  async counters(): Promise<DataplaneCounters | null> {
    if (!this.dp) return null;
    const [reasons, counts] = await Promise.all([
      this.dp.reasonCounters(WAN_SLOT),
      this.dp.appCounters(),
    ]);
    const apps = new Map(
      [...counts].map(([id, c]) => [
        id,
        { rx: c.rxBytes, tx: c.txBytes, rxPackets: c.rxPackets, txPackets: c.txPackets },
      ]),
    );
    return { reasons, apps };
  }

  async close() {
    if (this.reapTimer) clearInterval(this.reapTimer);
    await this.loader?.close();
    this.loader = null;
    this.dp = null;
  }
}
