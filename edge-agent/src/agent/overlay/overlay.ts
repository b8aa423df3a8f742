// The overlay of one device: tunnels, probes, selection and routing tied together.
// Failover is local: every probe answer or loss that changes a path's state is evaluated
// at once and the affected unit routes are rewritten in one `ip -batch`; everything else
// (metric drift, hold-down expiry) is evaluated at most every 20 ms and on a 250 ms tick.
// Nothing here needs the control plane: the agent only publishes what this class reports.
//
// Emits "event" (PathEvent, also queued in `events`), "status" (OverlayStatus, when the
// tunnels' state changed), "switch" ({changes, lines, ms}: a failover's route rewrite) and
// "segment-switch" (the same for the L2 segments' VXLAN ports, vxlan.ts).
import { EventEmitter } from "node:events";
import { type Logger, silentLogger } from "../log";
import { EventQueue } from "./events";
import type { OverlayHost } from "./host";
import { loadOrCreateKey, type TunnelKey } from "./keys";
import { Prober } from "./probes";
import { reportOf, selectInputOf, statusOf } from "./reports";
import { Routing } from "./routing";
import { type SelectionChange, Selector } from "./select";
import { Tunnels } from "./tunnels";
import type { OverlayConfig, OverlayStatus, PathReport } from "./types";
import type { Unit } from "./units";
import { validateOverlay } from "./validate";
import { Vxlan } from "./vxlan";
import type { WgInterface } from "./wg-dump";

export interface OverlayOptions {
  /** Where the tunnel key lives (`overlay.key`, 0600). */
  stateDir: string;
  log?: Logger;
  /** wireguard-go binary when the kernel has no WireGuard (default: on PATH). */
  wireguardGo?: string;
  /** Probe responder port (default 7471; both ends must agree). */
  probePort?: number;
  /** Where wireguard-go children log (default: the system temp dir). */
  logDir?: string;
}

export interface SwitchInfo {
  changes: SelectionChange[];
  lines: number;
  /** From the decision to the routes being in the kernel. */
  ms: number;
}

const EVAL_MIN_GAP_MS = 20;
const EVAL_TICK_MS = 250;
const REPAIR_MS = 2000;
const mono = () => Number(process.hrtime.bigint()) / 1e6;

interface Active {
  config: OverlayConfig;
  units: Unit[];
  unclassified: Unit;
}

export class Overlay extends EventEmitter implements OverlayHost {
  readonly events = new EventQueue();
  private readonly log: Logger;
  private key: TunnelKey | null = null;
  private readonly tunnels: Tunnels;
  private readonly routing: Routing;
  private readonly vxlan: Vxlan;
  private readonly prober: Prober;
  private readonly selector = new Selector(0);
  private active: Active | null = null;
  private wg = new Map<string, WgInterface>();
  private tunnelErrors = new Map<string, string>();
  private lastEval = 0;
  private evalTimer: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private repairTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private statusKey = "";
  private closed = false;

  constructor(private readonly o: OverlayOptions) {
    super();
    this.log = o.log ?? silentLogger;
    this.tunnels = new Tunnels({ wireguardGo: o.wireguardGo, logDir: o.logDir, log: this.log });
    this.routing = new Routing(this.log);
    this.vxlan = new Vxlan(this.log);
    this.prober = new Prober({
      port: o.probePort,
      log: this.log,
      onResult: (_id, changed) => (changed ? this.evaluate() : this.scheduleEvaluate()),
    });
  }

  /** Loads (or makes) the tunnel key. Nothing else starts before a config arrives. */
  async start(): Promise<void> {
    this.key = await loadOrCreateKey(this.o.stateDir);
  }

  get publicKey(): string {
    if (!this.key) throw new Error("overlay not started");
    return this.key.publicKey;
  }

  get config(): OverlayConfig | null {
    return this.active?.config ?? null;
  }

  /** Refuses what cannot run here; changes nothing. */
  validate(config: OverlayConfig | undefined) {
    if (config) validateOverlay(config);
  }

  /**
   * apply, teardown, repair and close run one at a time, in call order: a repair of the
   * old config must never interleave with the apply of a new one.
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Makes `config` the running overlay (undefined: none at all). Idempotent. */
  apply(config: OverlayConfig | undefined): Promise<void> {
    return this.serial(() => this.applyNow(config));
  }

  private async applyNow(config: OverlayConfig | undefined): Promise<void> {
    if (!this.key) await this.start();
    if (!config) return this.teardown();
    const { units, unclassified } = validateOverlay(config);
    await this.tunnels.reconcile(config, this.key!);
    this.tunnelErrors.clear();
    await this.prober.start();
    this.prober.setPaths(
      config.paths.map((p) => ({ id: p.id, address: p.address, peerAddress: p.peerAddress })),
      config.settings.probeIntervalMs,
    );
    const now = mono();
    const byKey = new Map(units.map((u) => [u.key, u]));
    for (const s of await this.routing.adopt(config, units))
      this.selector.seed(byKey.get(s.unit)!, s.remoteSiteId, s.pathId!, now);
    this.active = { config, units, unclassified };
    this.selector.holdDownMs = config.settings.holdDownMs;
    this.evaluate(false);
    await this.routing.apply(config, units, unclassified, () => this.selector.selections());
    await this.vxlan.reconcile(config, this.segmentSelection());
    this.wg = await this.tunnels.dump().catch(() => this.wg);
    this.startTimers();
    this.emitStatusIfChanged(true);
    this.log.info("overlay applied", {
      paths: config.paths.length,
      units: units.length,
      probeIntervalMs: this.prober.effectiveInterval,
    });
  }

  /** Reads back tunnels and rules; throws when they are not what `config` asks for. */
  async verify(config: OverlayConfig | undefined): Promise<void> {
    if (!config) return;
    await this.tunnels.verify(config);
    await this.routing.verify();
    await this.vxlan.verify(config);
  }

  /** L2 segments follow the unit of unclassified traffic (the `default` class). */
  private segmentSelection() {
    return (siteId: string) => {
      const a = this.active;
      return a ? this.selector.current(a.unclassified.key, siteId) : null;
    };
  }

  private async teardown() {
    this.stopTimers();
    this.prober.close();
    await this.vxlan.teardown();
    await this.routing.teardown();
    await this.tunnels.teardown();
    const had = this.active !== null;
    this.active = null;
    this.selector.evaluate([], [], mono());
    if (had) this.emitStatusIfChanged(true);
  }

  // --- selection loop ------------------------------------------------------------

  private scheduleEvaluate() {
    if (this.evalTimer || this.closed) return;
    const wait = Math.max(0, this.lastEval + EVAL_MIN_GAP_MS - mono());
    this.evalTimer = setTimeout(() => {
      this.evalTimer = null;
      this.evaluate();
    }, wait);
  }

  /** One selection round; changed selections go to the kernel at once. Runs inside socket
   * and timer callbacks, so nothing may escape it. */
  private evaluate(switchRoutes = true) {
    try {
      this.evaluateNow(switchRoutes);
    } catch (e) {
      this.log.error("path selection failed", { error: e });
    }
  }

  private evaluateNow(switchRoutes: boolean) {
    const a = this.active;
    if (!a || this.closed) return;
    const t0 = mono();
    this.lastEval = t0;
    const { events, changes } = this.selector.evaluate(
      a.units,
      selectInputOf(a.config.paths, (id) => this.prober.view(id, t0)),
      t0,
    );
    // Routes first: the write reaches `ip` before any logging or event handling runs.
    if (changes.length && switchRoutes) {
      this.routing.switchPaths(changes).then(
        (lines) => this.emit("switch", { changes, lines, ms: mono() - t0 } satisfies SwitchInfo),
        (e) => this.log.error("failover routes not applied", { error: e }),
      );
      const l2 = this.vxlan.managed ? changes.filter((c) => c.unit === a.unclassified.key) : [];
      if (l2.length)
        this.vxlan.switchPaths(l2).then(
          (lines) => {
            if (lines === 0) return;
            const info = { changes: l2, lines, ms: mono() - t0 } satisfies SwitchInfo;
            this.log.info("L2 segment ports switched", { lines, ms: info.ms.toFixed(2) });
            this.emit("segment-switch", info);
          },
          (e) => this.log.error("failover of L2 segments not applied", { error: e }),
        );
    }
    for (const d of events) {
      const e = this.events.push(d);
      this.log.info("path event", {
        kind: e.kind,
        unit: e.unit,
        from: e.fromPath,
        to: e.toPath,
        reason: e.reason,
      });
      this.emit("event", e);
    }
    setImmediate(() => this.emitStatusIfChanged(false));
  }

  private startTimers() {
    if (this.tick) return;
    this.tick = setInterval(() => this.evaluate(), EVAL_TICK_MS);
    this.repairTimer = setInterval(() => void this.serial(() => this.repair()), REPAIR_MS);
  }

  private stopTimers() {
    for (const t of [this.tick, this.repairTimer, this.evalTimer]) if (t) clearTimeout(t);
    this.tick = this.repairTimer = this.evalTimer = null;
  }

  /** Brings back what the kernel lost: routes of a link that was down, a dead wireguard-go. */
  private async repair() {
    const a = this.active;
    if (!a || !this.key || this.closed) return;
    try {
      const dead = this.tunnels.dead();
      if (dead.length) {
        for (const name of dead) this.tunnelErrors.set(name, "wireguard-go exited; restarting it");
        await this.tunnels.reconcile(a.config, this.key);
        for (const name of dead) this.tunnelErrors.delete(name);
      }
      await this.routing.repair(() => this.selector.selections());
      if (this.vxlan.managed) await this.vxlan.reconcile(a.config, this.segmentSelection());
    } catch (e) {
      this.log.warn("overlay repair failed", { error: e });
    }
    this.emitStatusIfChanged(false);
  }

  // --- reports ---------------------------------------------------------------------

  status(): OverlayStatus {
    return statusOf(this.publicKey, this.active?.config.paths ?? [], {
      probe: (id) => this.prober.view(id),
      wg: this.wg,
      errors: this.tunnelErrors,
    });
  }

  /** Emits the status when a tunnel's state or error changed, with fresh handshake times. */
  private emitStatusIfChanged(force: boolean) {
    const key = JSON.stringify(
      (this.active?.config.paths ?? []).map((p) => [
        p.id,
        this.prober.view(p.id)?.state ?? "unknown",
        this.tunnelErrors.get(p.ifname) ?? "",
      ]),
    );
    if (!force && key === this.statusKey) return;
    this.statusKey = key;
    void this.tunnels
      .dump()
      .then((wg) => {
        this.wg = wg;
      })
      .catch(() => undefined)
      .then(() => {
        if (!this.closed) this.emit("status", this.status());
      });
  }

  /** Each path's window and every unit's selection (wg counters read now). */
  async report(): Promise<PathReport> {
    const config = this.active?.config;
    if (config) this.wg = await this.tunnels.dump().catch(() => this.wg);
    const now = mono();
    return reportOf(config?.paths ?? [], this.selector.selections(), {
      probe: (id) => this.prober.view(id, now),
      wg: this.wg,
      wallOffset: Date.now() - now,
    });
  }

  /** Probe traffic per path on the underlay, bytes/s (benchmarks). */
  probeRates(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.active?.config.paths ?? [])
      out[p.id] = Math.round(this.prober.view(p.id)?.bytesPerSecond ?? 0);
    return out;
  }

  /** Pids of wireguard-go children (tests clean up with them after a crash). */
  pids(): number[] {
    return this.tunnels.pids();
  }

  /**
   * Stops probing and selecting. `teardown` also removes tunnels, rules and routes;
   * without it they stay, and traffic keeps the last selection until the next start.
   */
  close(o: { teardown?: boolean } = {}): Promise<void> {
    return this.serial(() => this.closeNow(o));
  }

  private async closeNow(o: { teardown?: boolean }): Promise<void> {
    if (o.teardown) await this.teardown();
    this.closed = true;
    this.stopTimers();
    this.prober.close();
    this.routing.close();
    this.vxlan.close();
    this.removeAllListeners();
  }
}
