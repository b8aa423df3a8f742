// Traffic tools for overlay tests, each a child process inside a namespace (children/*.ts),
// killed by stop() and, whatever happens, by the test bed's teardown. Every time is on the
// shared clock (performance.timeOrigin + performance.now(), ms), like the WAN emulator's
// `set(...).at` and `mark()`, so a test can ask what happened after a given instant.
import type { Netns } from "../../bpf/tests/lib/netns";
import { ToolProcess } from "./child";

export interface Arrival {
  seq: number;
  sendTime: number;
  arrivalTime: number;
}

export interface LatencyStats {
  count: number;
  min: number;
  median: number;
  mean: number;
  max: number;
}

export interface UdpCounts {
  received: number;
  unique: number;
  duplicates: number;
  reordered: number;
  maxSeq: number;
  /** Seqs up to maxSeq that never arrived. */
  missing: number;
  malformed: number;
  /** "address:port" of the senders as seen here → datagrams. */
  sources: Record<string, number>;
}

export interface UdpSenderReport {
  sent: number;
  sendErrors: number;
  sending: boolean;
  echoes: number;
  echoSources: Record<string, number>;
  rtt: LatencyStats | null;
}

export class UdpReceiver {
  private constructor(
    readonly tool: ToolProcess,
    readonly port: number,
  ) {}

  /** Listens on (address, port) in `ns`; `echo` sends each datagram back to its source. */
  static async start(
    net: Netns,
    ns: string,
    o: { port: number; address?: string; echo?: boolean },
  ): Promise<UdpReceiver> {
    const { tool, ready } = await ToolProcess.start(net, ns, "udp-receiver", [JSON.stringify(o)]);
    return new UdpReceiver(tool, ready.port as number);
  }

  counts(): Promise<UdpCounts> {
    return this.tool.request("counts");
  }

  /** The first datagram SENT after `t` (that arrived), with its arrival time; or null. */
  firstArrivalAfter(t: number): Promise<Arrival | null> {
    return this.tool.request("firstArrivalAfter", { t });
  }

  /** One-way latency of the datagrams sent in [from, to); null if none arrived. */
  latency(o: { from?: number; to?: number } = {}): Promise<LatencyStats | null> {
    return this.tool.request("latency", o);
  }

  /** Silences between consecutive arrivals longer than `minMs`. */
  gaps(minMs: number): Promise<{ from: Arrival; to: Arrival; gapMs: number }[]> {
    return this.tool.request("gaps", { minMs });
  }

  records(): Promise<Arrival[]> {
    return this.tool.request("records", {}, 30_000);
  }

  stop() {
    return this.tool.stop();
  }
}

export class UdpSender {
  private constructor(
    readonly tool: ToolProcess,
    /** The sender's own address and port, as bound. */
    readonly address: string,
    readonly port: number,
    readonly startedAt: number,
  ) {}

  /**
   * Sends `pps` datagrams per second of `size` bytes (at least 16) to (to, port), from
   * (bindAddress, bindPort) if given; stops by itself after `count` datagrams if given.
   */
  static async start(
    net: Netns,
    ns: string,
    o: {
      to: string;
      port: number;
      pps: number;
      size?: number;
      bindAddress?: string;
      bindPort?: number;
      count?: number;
    },
  ): Promise<UdpSender> {
    if (!(o.pps > 0)) throw new Error("UdpSender: pps must be positive");
    const { tool, ready } = await ToolProcess.start(net, ns, "udp-sender", [JSON.stringify(o)]);
    return new UdpSender(
      tool,
      ready.address as string,
      ready.port as number,
      ready.startedAt as number,
    );
  }

  report(): Promise<UdpSenderReport> {
    return this.tool.request("report");
  }

  /** Stops sending (the process stays, for echoes still on their way and report()). */
  pause(): Promise<UdpSenderReport> {
    return this.tool.request("stop");
  }

  /** Stops sending and ends the process; the last report. */
  async stop(): Promise<UdpSenderReport | null> {
    const last = this.tool.running ? await this.pause().catch(() => null) : null;
    await this.tool.stop();
    return last;
  }
}

export class TcpEchoServer {
  private constructor(readonly tool: ToolProcess) {}

  static async start(
    net: Netns,
    ns: string,
    o: { port: number; address?: string },
  ): Promise<TcpEchoServer> {
    return new TcpEchoServer(
      (await ToolProcess.start(net, ns, "tcp-echo-server", [JSON.stringify(o)])).tool,
    );
  }

  stats(): Promise<{ accepted: number; live: number }> {
    return this.tool.request("stats");
  }

  /** Resets every live connection. */
  resetAll(): Promise<{ reset: number }> {
    return this.tool.request("resetAll");
  }

  stop() {
    return this.tool.stop();
  }
}

export interface TcpFlowReport {
  established: boolean;
  /** Established and never closed since. */
  connected: boolean;
  error: string | null;
  sent: number;
  echoed: number;
  connectedAt: number | null;
  lastEchoAt: number | null;
  /** Longest silence between echoes (the current one included). */
  longestGapMs: number;
  longestGapEndedAt: number | null;
  at: number;
}

export class TcpFlow {
  private constructor(readonly tool: ToolProcess) {}

  /**
   * One TCP connection to an echo server, a message of `size` bytes every `intervalMs`.
   * Resolves once connected (rejects with the reason if it cannot connect).
   */
  static async start(
    net: Netns,
    ns: string,
    o: {
      to: string;
      port: number;
      intervalMs?: number;
      size?: number;
      bindAddress?: string;
      connectTimeoutMs?: number;
    },
  ): Promise<TcpFlow> {
    const flow = new TcpFlow(
      (await ToolProcess.start(net, ns, "tcp-flow", [JSON.stringify(o)])).tool,
    );
    const until = Date.now() + (o.connectTimeoutMs ?? 10_000) + 2000;
    for (;;) {
      const r = await flow.report();
      if (r.established) return flow;
      if (r.error || Date.now() > until) {
        await flow.tool.stop();
        throw new Error(`TcpFlow to ${o.to}:${o.port}: ${r.error ?? "not connected"}`);
      }
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  report(): Promise<TcpFlowReport> {
    return this.tool.request("report");
  }

  /** Closes the connection and ends the process; the last report. */
  async stop(): Promise<TcpFlowReport | null> {
    const last = this.tool.running ? await this.tool.request<TcpFlowReport>("stop") : null;
    await this.tool.stop();
    return last;
  }
}
