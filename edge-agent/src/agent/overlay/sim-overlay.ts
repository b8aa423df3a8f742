// The overlay of a simulated agent (demos, browser tests): what `Overlay` (overlay.ts)
// shows the control plane, without touching the kernel. It has a real tunnel key (keys.ts;
// the control plane makes it a peer like any other box), validates configs with the real
// checks, reports every path of its config as an "up" tunnel, measures each path with
// synthetic probes (sim-overlay-model.ts: latency by the kinds of the path's links, a little
// jitter, rare single losses) through the real window statistics, and runs the real
// selection (select.ts) on those windows, so selections and path events are genuine:
// a steering policy that prefers another path moves its unit there, with the event and
// reason a box would send. The agent publishes it as it publishes the real overlay
// (publisher.ts): retained `overlay`, `paths` every telemetry interval, `events`.
//
// Cost: nothing runs until a config with an overlay arrives (no timer, no state beyond the
// key); then one timer per agent, which advances every path's probes and evaluates the
// selection once a tick (a few thousand multiplications per second for a dozen paths).
import { EventEmitter } from "node:events";
import { type Logger, silentLogger } from "../log";
import { EventQueue } from "./events";
import type { OverlayHost } from "./host";
import { generatePrivateKey, loadOrCreateKey, publicKeyOf } from "./keys";
import { effectiveIntervalMs } from "./probes";
import { reportOf, selectInputOf, statusOf } from "./reports";
import { Selector } from "./select";
import { hash32, pathKinds, pathParams, SimPath } from "./sim-overlay-model";
import type { OverlayConfig, OverlayStatus, PathReport } from "./types";
import type { Unit } from "./units";
import { validateOverlay } from "./validate";
import type { WgInterface } from "./wg-dump";

export { KIND_PROFILES } from "./sim-overlay-model";

export interface SimOverlayOptions {
  /** Where the tunnel key lives (`overlay.key`, 0600); absent: a key in memory only. */
  stateDir?: string;
  log?: Logger;
  /** One measurement and selection round every this many ms (default 1000); 0: no timer,
   * the caller runs `tick()` (tests). */
  tickMs?: number;
  /** Monotonic clock in ms (default: process.hrtime). */
  now?: () => number;
}

/** WireGuard makes a new handshake every 2 minutes while traffic flows. */
const REKEY_MS = 120_000;
const DEFAULT_TICK_MS = 1000;
const mono = () => Number(process.hrtime.bigint()) / 1e6;
const NO_ERRORS: ReadonlyMap<string, string> = new Map();

interface SimTunnel {
  /** What the model was made from: a change makes a new one. */
  key: string;
  sim: SimPath;
  /** Wall-clock ms of the tunnel's first handshake. */
  upSince: number;
}

export class SimOverlay extends EventEmitter implements OverlayHost {
  readonly events = new EventQueue();
  readonly simulated = true;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly selector = new Selector(0);
  private publicKeyValue: string | null = null;
  private active: { config: OverlayConfig; units: Unit[] } | null = null;
  private tunnels = new Map<string, SimTunnel>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: SimOverlayOptions = {}) {
    super();
    this.log = o.log ?? silentLogger;
    this.now = o.now ?? mono;
  }

  /** Loads (or makes) the tunnel key. Nothing else starts before a config arrives. */
  async start(): Promise<void> {
    if (this.publicKeyValue) return;
    this.publicKeyValue = this.o.stateDir
      ? (await loadOrCreateKey(this.o.stateDir)).publicKey
      : publicKeyOf(generatePrivateKey());
  }

  get publicKey(): string {
    if (!this.publicKeyValue) throw new Error("overlay not started");
    return this.publicKeyValue;
  }

  get config(): OverlayConfig | null {
    return this.active?.config ?? null;
  }

  /** The same checks as a real box: what it would refuse, this refuses too. */
  validate(config: OverlayConfig | undefined) {
    if (config) validateOverlay(config);
  }

  async apply(config: OverlayConfig | undefined): Promise<void> {
    if (!this.publicKeyValue) await this.start();
    if (!config) return this.teardown();
    const { units } = validateOverlay(config);
    const now = this.now();
    const every = effectiveIntervalMs(config.settings.probeIntervalMs, config.paths.length);
    const next = new Map<string, SimTunnel>();
    for (const p of config.paths) {
      const kinds = pathKinds(p, config.links);
      const key = `${kinds.join("+")}|${p.address}`;
      const have = this.tunnels.get(p.id);
      if (have?.key === key) {
        have.sim.retime(every);
        next.set(p.id, have);
        continue;
      }
      const sim = new SimPath(pathParams(p.id, kinds), hash32(`${p.id}|${p.address}`), every, now);
      next.set(p.id, { key, sim, upSince: Date.now() });
    }
    this.tunnels = next;
    this.active = { config, units };
    this.selector.holdDownMs = config.settings.holdDownMs;
    this.evaluate(now);
    this.startTimer();
    this.emitStatus();
    this.log.info("simulated overlay applied", {
      paths: config.paths.length,
      units: units.length,
      probeIntervalMs: every,
    });
  }

  /** Nothing in a kernel to read back: the running config must be this one. */
  async verify(config: OverlayConfig | undefined): Promise<void> {
    if (!config) return;
    const running = this.active?.config.paths.map((p) => p.id).join(",");
    if (running !== config.paths.map((p) => p.id).join(","))
      throw new Error("simulated overlay: the config is not the running one");
  }

  private teardown() {
    this.stopTimer();
    const had = this.active !== null;
    this.active = null;
    this.tunnels = new Map();
    this.selector.evaluate([], [], this.now());
    if (had) this.emitStatus();
  }

  // --- measurement and selection ----------------------------------------------------

  /** One round: every path's probes up to now, then the selection (the timer runs it). */
  tick() {
    const a = this.active;
    if (!a || this.closed) return;
    try {
      const now = this.now();
      for (const t of this.tunnels.values()) t.sim.advance(now);
      this.evaluate(now);
    } catch (e) {
      this.log.error("simulated path selection failed", { error: e });
    }
  }

  private evaluate(now: number) {
    const a = this.active;
    if (!a) return;
    const { events } = this.selector.evaluate(
      a.units,
      selectInputOf(a.config.paths, (id) => this.tunnels.get(id)?.sim.view(now)),
      now,
    );
    for (const d of events) {
      const e = this.events.push(d);
      this.log.debug("path event", {
        kind: e.kind,
        unit: e.unit,
        from: e.fromPath,
        to: e.toPath,
        reason: e.reason,
      });
      this.emit("event", e);
    }
  }

  private startTimer() {
    const every = this.o.tickMs ?? DEFAULT_TICK_MS;
    if (this.timer || every <= 0 || this.closed) return;
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  private stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // --- reports ----------------------------------------------------------------------

  /** Tunnels as `wg show` would list them: a handshake every 2 minutes, probe bytes. */
  private wg(): Map<string, WgInterface> {
    const out = new Map<string, WgInterface>();
    const wall = Date.now();
    for (const p of this.active?.config.paths ?? []) {
      const t = this.tunnels.get(p.id);
      if (!t) continue;
      const handshake = t.upSince + Math.floor((wall - t.upSince) / REKEY_MS) * REKEY_MS;
      const ep = p.remote.endpoint;
      out.set(p.ifname, {
        publicKey: this.publicKey,
        listenPort: p.listenPort,
        fwmark: 0,
        peers: [
          {
            publicKey: p.remote.publicKey,
            endpoint: ep ? `${ep.address}:${ep.port}` : null,
            allowedIps: ["0.0.0.0/0", "::/0"],
            latestHandshake: Math.floor(handshake / 1000),
            rxBytes: t.sim.counters.rxBytes,
            txBytes: t.sim.counters.txBytes,
            keepalive: ep ? 0 : 1,
          },
        ],
      });
    }
    return out;
  }

  status(): OverlayStatus {
    const now = this.now();
    return statusOf(this.publicKey, this.active?.config.paths ?? [], {
      probe: (id) => this.tunnels.get(id)?.sim.view(now),
      wg: this.wg(),
      errors: NO_ERRORS,
    });
  }

  private emitStatus() {
    if (!this.closed) this.emit("status", this.status());
  }

  /** Each path's window (probes up to now) and every unit's selection. */
  async report(): Promise<PathReport> {
    const now = this.now();
    for (const t of this.tunnels.values()) t.sim.advance(now);
    return reportOf(this.active?.config.paths ?? [], this.selector.selections(), {
      probe: (id) => this.tunnels.get(id)?.sim.view(now),
      wg: this.wg(),
      wallOffset: Date.now() - now,
    });
  }

  /** Stops the simulation (`teardown` also forgets the running config). */
  async close(o: { teardown?: boolean } = {}): Promise<void> {
    if (o.teardown) this.teardown();
    this.closed = true;
    this.stopTimer();
    this.removeAllListeners();
  }
}
