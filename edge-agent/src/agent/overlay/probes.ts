// UDP echo over every tunnel, between the path's inner addresses (docs/overlay.md
// "Probes"). Each path has a socket bound to its own inner address, so the kernel sends
// through that tunnel; one responder on [::]:7471 echoes every probe it gets from a ULA
// source. A probe not answered within max(3 × RTT, 60 ms) is lost and triggers one
// immediate confirmation probe; three losses in a row mark the path down, one answer
// brings it back up. Every answer and every loss is reported at once, so the selection
// can react within the same tick.
import { createSocket, type Socket } from "node:dgram";
import type { Logger } from "../log";
import { nowMs, PathProbe, type PathProbeView, type ProbeTarget } from "./path-probe";
import { decodeProbe, PROBE_PORT, PROBE_WIRE_BYTES } from "./probe-packet";

export type { PathProbeView, ProbeTarget } from "./path-probe";
export { decodeProbe, encodeProbe, PROBE_PORT, PROBE_WIRE_BYTES, pathHash } from "./probe-packet";

export const MAX_PROBES_PER_SECOND = 2000;

/** Spreads the probe budget: at most MAX_PROBES_PER_SECOND over all paths. */
export const effectiveIntervalMs = (intervalMs: number, paths: number) =>
  Math.max(intervalMs, Math.ceil((paths * 1000) / MAX_PROBES_PER_SECOND));

export interface ProberOptions {
  port?: number;
  log: Logger;
  /** Called on every answer and every loss; `changed` when the path's state changed. */
  onResult: (pathId: string, changed: boolean) => void;
}

export class Prober {
  private readonly paths = new Map<string, PathProbe>();
  private responder: Socket | null = null;
  private intervalMs = 1000;
  readonly responderCounters = { echoed: 0, bytes: 0 };

  constructor(private readonly o: ProberOptions) {}

  get port() {
    return this.o.port ?? PROBE_PORT;
  }

  /** Opens the echo responder on [::]:port (IPv4 too, through mapped addresses). */
  async start(): Promise<void> {
    if (this.responder) return;
    const s = createSocket({ type: "udp6", ipv6Only: false });
    s.on("message", (msg, rinfo) => {
      // Only tunnel inner addresses (ULA) are answered: never a reflector on the Internet.
      if (rinfo.family !== "IPv6" || !/^fd/i.test(rinfo.address) || !decodeProbe(msg)) return;
      this.responderCounters.echoed++;
      this.responderCounters.bytes += PROBE_WIRE_BYTES;
      s.send(msg, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", (e) => {
        s.close();
        reject(new Error(`probe responder cannot listen on [::]:${this.port}: ${e.message}`));
      });
      s.bind({ address: "::", port: this.port }, () => {
        s.removeAllListeners("error");
        s.on("error", (e) => this.o.log.warn("probe responder error", { error: e.message }));
        resolve();
      });
    });
    this.responder = s;
  }

  /** Adds, re-targets and removes path probes; keeps the history of unchanged ones. */
  setPaths(targets: readonly ProbeTarget[], intervalMs: number) {
    const every = effectiveIntervalMs(intervalMs, targets.length);
    const retime = every !== this.intervalMs;
    this.intervalMs = every;
    const want = new Map(targets.map((t) => [t.id, t]));
    for (const [id, p] of this.paths) {
      const t = want.get(id);
      if (!t || t.address !== p.target.address || t.peerAddress !== p.target.peerAddress) {
        p.close();
        this.paths.delete(id);
      }
    }
    for (const t of targets) {
      const have = this.paths.get(t.id);
      if (have) {
        if (retime) have.retime(every);
        continue;
      }
      const p = new PathProbe(t, this.port, this.o.onResult, this.o.log);
      this.paths.set(t.id, p);
      p.start(every);
    }
  }

  get effectiveInterval() {
    return this.intervalMs;
  }

  view(id: string, now = nowMs()): PathProbeView | undefined {
    return this.paths.get(id)?.view(now);
  }

  close() {
    for (const p of this.paths.values()) p.close();
    this.paths.clear();
    this.responder?.close();
    this.responder = null;
  }
}
