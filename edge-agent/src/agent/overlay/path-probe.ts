// One path's probing: a socket bound to the path's inner address (so the kernel sends
// through its tunnel), a probe every interval, a loss timeout per probe, and the state
// machine: three losses in a row and no answer at all for `deadAfterMs` → down (after a
// start-up grace of one window); one answer → up. Each loss sends one confirmation probe
// at once, so a dead path is found in about max(3 timeouts, deadAfterMs) rather than three
// intervals. The silence rule (as BFD's detection time) keeps a sudden rise in delay, whose
// probes first overrun their timeout and then answer late, from passing for an outage:
// it shows as latency instead.
import { createSocket, type Socket } from "node:dgram";
import type { Logger } from "../log";
import { decodeProbe, encodeProbe, PROBE_WIRE_BYTES, pathHash } from "./probe-packet";
import {
  lossTimeoutMs,
  type ProbeSample,
  WINDOW_MS,
  type WindowStats,
  windowStats,
} from "./probe-stats";
import type { PathState } from "./types";

export const LOSSES_FOR_DOWN = 3;
/**
 * No answer for this long (and LOSSES_FOR_DOWN losses) → down: 2.5 intervals, at least
 * 250 ms. With 100 ms probes a dead path is down 150-250 ms after it died (the 300 ms
 * failover target). The silence runs from the last answer, so a round trip that jumps by
 * up to about this minus one interval (150 ms) shows as late answers and latency, not as
 * an outage; a bigger sudden jump is, for a moment, indistinguishable from one (as with
 * BFD): down, then up again with the late answers. 300 ms would tolerate 200 ms jumps
 * but measured a worst failover of 310 ms (bench/failover).
 */
export const deadAfterMs = (intervalMs: number) => Math.max(250, 2.5 * intervalMs);
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export interface ProbeTarget {
  id: string;
  address: string;
  peerAddress: string;
}

export interface PathProbeView {
  state: PathState;
  downReason?: string;
  stats: WindowStats;
  /** Probe traffic of this path on the underlay (its probes and their answers), bytes/s. */
  bytesPerSecond: number;
  counters: { sent: number; answered: number; lost: number; txBytes: number; rxBytes: number };
}

export class PathProbe {
  state: PathState = "unknown";
  downReason: string | undefined;
  private socket: Socket | null = null;
  private bound = false;
  private seq = 0;
  private samples: ProbeSample[] = [];
  private pending = new Map<number, { sample: ProbeSample; timer: NodeJS.Timeout }>();
  private lossStreak = 0;
  private lastRtt: number | null = null;
  private lastAnswerAt: number | null = null;
  private deadAfter = deadAfterMs(100);
  private deadCheck: NodeJS.Timeout | null = null;
  private readonly startedAt = nowMs();
  private interval: NodeJS.Timeout | null = null;
  private closed = false;
  readonly hash: number;
  private readonly peer: string;
  readonly counters = { sent: 0, answered: 0, lost: 0, txBytes: 0, rxBytes: 0 };

  constructor(
    readonly target: ProbeTarget,
    private readonly port: number,
    private readonly report: (id: string, changed: boolean) => void,
    private readonly log: Logger,
  ) {
    this.hash = pathHash(target.id);
    // The canonical text of the address, as the socket reports senders.
    this.peer = new URL(`http://[${target.peerAddress}]`).hostname.slice(1, -1);
  }

  start(intervalMs: number) {
    this.ensureSocket();
    this.retime(intervalMs);
  }

  retime(intervalMs: number) {
    if (this.interval) clearInterval(this.interval);
    this.deadAfter = deadAfterMs(intervalMs);
    // A random phase, so that many paths do not probe in lockstep.
    const first = setTimeout(() => {
      if (this.closed) return;
      this.send();
      this.interval = setInterval(() => this.send(), intervalMs);
    }, Math.random() * Math.min(intervalMs, 1000));
    this.interval = first;
  }

  private ensureSocket(): Socket | null {
    if (this.socket) return this.bound ? this.socket : null;
    const s = createSocket({ type: "udp6" });
    this.socket = s;
    s.on("message", (msg, rinfo) => {
      // Only the peer's inner address answers for this path (no one else can vouch for it).
      if (rinfo.address === this.peer) this.onAnswer(msg);
    });
    s.on("error", (e) => {
      this.log.debug("probe socket error", { path: this.target.id, error: e.message });
      // Bind fails while the inner address is missing: try again with the next probe.
      if (this.socket === s) this.socket = null;
      s.close();
    });
    s.bind({ address: this.target.address, port: 0 }, () => {
      this.bound = true;
    });
    return null;
  }

  private send() {
    if (this.closed) return;
    const s = this.ensureSocket();
    const seq = this.seq++ >>> 0;
    const now = nowMs();
    const sample: ProbeSample = { seq, sentAt: now, rttMs: null, lost: false };
    this.samples.push(sample);
    this.prune(now);
    this.counters.sent++;
    const timer = setTimeout(() => this.onTimeout(seq), lossTimeoutMs(this.rttEstimate()));
    this.pending.set(seq, { sample, timer });
    if (!s) return; // no socket yet: counts as sent, and times out as lost
    this.counters.txBytes += PROBE_WIRE_BYTES;
    s.send(
      encodeProbe(this.hash, seq, process.hrtime.bigint()),
      this.port,
      this.target.peerAddress,
      (e) => {
        if (e) this.log.debug("probe not sent", { path: this.target.id, error: e.message });
      },
    );
  }

  private rttEstimate(): number | null {
    const w = windowStats(this.samples, nowMs());
    return w.latencyMs ?? this.lastRtt;
  }

  private prune(now: number) {
    const keep = now - WINDOW_MS - 5000;
    let i = 0;
    while (i < this.samples.length && this.samples[i]!.sentAt < keep) i++;
    if (i) this.samples.splice(0, i);
  }

  private onAnswer(msg: Buffer) {
    const p = decodeProbe(msg);
    if (!p || p.hash !== this.hash) return;
    const pending = this.pending.get(p.seq);
    let sample = pending?.sample;
    if (pending) {
      clearTimeout(pending.timer);
      this.pending.delete(p.seq);
    } else {
      // A late answer: the probe was counted lost; it was not, and its RTT teaches the
      // timeout what this path's delay has become.
      sample = this.samples.find((s) => s.seq === p.seq);
      if (!sample || sample.rttMs !== null) return;
      sample.lost = false;
      this.counters.lost--;
    }
    // Timed by our own record of the send, not by what the answer says.
    const rtt = Math.max(0, nowMs() - sample!.sentAt);
    sample!.rttMs = rtt;
    this.lastRtt = rtt;
    this.lastAnswerAt = nowMs();
    this.counters.answered++;
    this.counters.rxBytes += PROBE_WIRE_BYTES;
    this.lossStreak = 0;
    const changed = this.state !== "up";
    this.state = "up";
    this.downReason = undefined;
    this.report(this.target.id, changed);
  }

  private onTimeout(seq: number) {
    const pending = this.pending.get(seq);
    if (!pending || this.closed) return;
    this.pending.delete(seq);
    pending.sample.lost = true;
    this.counters.lost++;
    this.lossStreak++;
    const changed = this.checkDown();
    if (this.state !== "down") this.send(); // confirmation probe
    this.report(this.target.id, changed);
  }

  /** Down once enough probes were lost in a row and the path has been silent long enough. */
  private checkDown(): boolean {
    if (this.lossStreak < LOSSES_FOR_DOWN || this.state === "down") return false;
    const now = nowMs();
    if (this.state !== "up" && now - this.startedAt < WINDOW_MS) return false; // start-up grace
    const silentFor = now - (this.lastAnswerAt ?? this.startedAt);
    if (silentFor < this.deadAfter) {
      // Not silent long enough yet: look again when it would be (an answer resets the streak).
      if (!this.deadCheck)
        this.deadCheck = setTimeout(
          () => {
            this.deadCheck = null;
            if (!this.closed && this.checkDown()) this.report(this.target.id, true);
          },
          this.deadAfter - silentFor + 1,
        );
      return false;
    }
    this.state = "down";
    this.downReason = `${this.lossStreak} probes lost, no answer for ${Math.round(silentFor)} ms`;
    return true;
  }

  view(now: number): PathProbeView {
    const stats = windowStats(this.samples, now);
    const inWindow = this.samples.filter((s) => s.sentAt >= now - WINDOW_MS);
    const answered = inWindow.filter((s) => s.rttMs !== null).length;
    const span = Math.min(WINDOW_MS, Math.max(1, now - this.startedAt)) / 1000;
    return {
      state: this.state,
      ...(this.downReason ? { downReason: this.downReason } : {}),
      stats,
      bytesPerSecond: ((inWindow.length + answered) * PROBE_WIRE_BYTES) / span,
      counters: { ...this.counters },
    };
  }

  close() {
    this.closed = true;
    if (this.interval) clearInterval(this.interval);
    if (this.deadCheck) clearTimeout(this.deadCheck);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.socket?.close();
    this.socket = null;
  }
}
