// Programs the L2 segments of vxlan-plan.ts into the kernel: `reconcile` makes bridges,
// VXLAN ports and their flags match the config from what the kernel has (so a restarted
// agent adopts its own devices, and a tunnel that was re-created, which takes its VXLAN
// ports with it, gets them back); `switchPaths` is the failover hot path: two ports'
// flags per affected segment, through one long-lived `ip -batch` (as routing does).
// Reads hold no lock; a reconcile computes its lines from the newest selection right
// before queuing them, so it never undoes a failover written meanwhile.
import type { Logger } from "../log";
import { ipJson } from "./exec";
import { IpSession } from "./ip-session";
import type { OverlayConfig } from "./types";
import {
  type ActivePorts,
  activePorts,
  type LinkState,
  missingParts,
  planSegments,
  reconcileLines,
  type SegmentPlan,
  switchLines,
  teardownLines,
} from "./vxlan-plan";

/** The path the `default` unit uses towards a site now (null: none yet). */
type Selected = (siteId: string) => string | null;

const readLinks = () => ipJson<LinkState>(["-details", "address", "show"]);

export class Vxlan {
  private plans: SegmentPlan[] = [];
  private active: ActivePorts = new Map();
  private readonly session = new IpSession();
  private tail: Promise<unknown> | null = null;

  constructor(private readonly log: Logger) {}

  /** True while the running config has segments (repair then re-checks them). */
  get managed(): boolean {
    return this.plans.length > 0;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.tail ? this.tail.then(f) : f();
    const t = p.catch(() => undefined);
    this.tail = t;
    void t.then(() => {
      if (this.tail === t) this.tail = null;
    });
    return p;
  }

  /** Bridges and ports as the config says; segment devices it no longer has removed. */
  reconcile(config: OverlayConfig, selected: Selected): Promise<void> {
    return this.serial(async () => {
      const plans = planSegments(config);
      const have = await readLinks();
      // From here to the queued write nothing awaits: no switch can slip in between.
      const active = activePorts(plans, selected);
      const lines = reconcileLines(plans, have, active);
      this.plans = plans;
      this.active = active;
      await this.session.run(lines);
      if (lines.length)
        this.log.info("L2 segments reconciled", { segments: plans.length, lines: lines.length });
    });
  }

  /** Failover: each affected segment's traffic to the site moves to the new path's port.
   * Written before this returns; resolves to the number of lines. */
  async switchPaths(changes: readonly { remoteSiteId: string; to: string | null }[]) {
    const lines = switchLines(this.plans, this.active, changes);
    await this.session.run(lines);
    return lines.length;
  }

  /** Throws when a bridge, its interface or a port is not where the config wants it. */
  verify(config: OverlayConfig): Promise<void> {
    if (!config.segments?.length) return Promise.resolve();
    return this.serial(async () => {
      const missing = missingParts(planSegments(config), await readLinks());
      if (missing.length)
        throw new Error(`verify: L2 segment parts missing: ${missing.slice(0, 3).join(" | ")}`);
    });
  }

  /** Removes every segment device, also those an earlier run left. */
  teardown(): Promise<void> {
    return this.serial(async () => {
      const lines = teardownLines(await readLinks());
      this.plans = [];
      this.active.clear();
      await this.session
        .run(lines)
        .catch((e) => this.log.warn("L2 segments not fully removed", { error: e }));
    });
  }

  close() {
    this.session.close();
  }
}
