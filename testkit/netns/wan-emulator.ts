// The WAN emulator (docs/overlay.md, "Test bed"): a userspace UDP relay in the test bed's
// `inet` namespace (children/wan-relay.ts), because this kernel has no netem. A datagram
// from link X's real address to link Y's public address and port is sent on to Y's real
// address from X's public address and the same ports, after both links' delay and jitter,
// or dropped by either link's loss or black hole. Nothing else crosses `inet`.
import type { Netns } from "../../bpf/tests/lib/netns";
import { ToolProcess } from "./child";
import { CLEAR, type Impairment, type ImpairmentPatch } from "./wan-impairment";

export type { Impairment, ImpairmentPatch } from "./wan-impairment";

export interface WanLink {
  /** The emulator's name for the link, e.g. "a.wan0". */
  name: string;
  realAddress: string;
  publicAddress: string;
}

export interface WanCounter {
  packets: number;
  bytes: number;
  dropped: number;
}

export interface WanCounters {
  /** The relay's clock when counted. */
  at: number;
  /**
   * Per link: `in` = datagrams from the box into the relay (dropped: by this link's own
   * loss or black hole); `out` = datagrams sent on to the box (dropped: by this link's loss
   * or black hole on the way out, after the sender's link let them in).
   */
  links: Record<string, { in: WanCounter; out: WanCounter }>;
  /** Datagrams from an address that is no link's real address. */
  unknown: number;
  sendErrors: number;
  bindErrors: number;
  /** Datagrams held for their delay right now. */
  held: number;
}

/** WireGuard's conventional range; the overlay's listen ports are 51820 + path index. */
export const DEFAULT_PORTS = Array.from({ length: 32 }, (_, i) => 51820 + i);

export class WanEmulator {
  private constructor(
    /** The relay process (raw requests in tests: `tool.request`, `tool.writeRaw`). */
    readonly tool: ToolProcess,
    readonly links: readonly WanLink[],
  ) {}

  /** Starts the relay in `inetNs` with `ports` exposed on every link's public address. */
  static async start(
    net: Netns,
    inetNs: string,
    links: WanLink[],
    o: { ports?: number[] } = {},
  ): Promise<WanEmulator> {
    const { tool } = await ToolProcess.start(net, inetNs, "wan-relay", [
      JSON.stringify(links),
      JSON.stringify(o.ports ?? DEFAULT_PORTS),
    ]);
    return new WanEmulator(tool, links);
  }

  /**
   * Changes a link's impairments (unnamed fields keep their values). `at` is the relay's
   * clock when the change took effect: every datagram the relay handles after it, in
   * either direction, sees the new state (`down` also drops datagrams held for delay).
   */
  set(link: string, patch: ImpairmentPatch): Promise<{ at: number; impairment: Impairment }> {
    return this.tool.request("set", { ...patch, link });
  }

  /** Clears every impairment of a link. */
  clear(link: string) {
    return this.set(link, { ...CLEAR });
  }

  /** Binds more ports on every public address, or on one. Idempotent. */
  expose(ports: number[], publicAddress?: string): Promise<{ bound: number }> {
    return this.tool.request("expose", { ports, publicAddress });
  }

  counters(): Promise<WanCounters> {
    return this.tool.request("counters");
  }

  impairments(): Promise<Record<string, Impairment>> {
    return this.tool.request("links");
  }

  /** The relay's clock (performance.timeOrigin + performance.now(), ms). */
  async mark(): Promise<number> {
    return (await this.tool.request<{ at: number }>("mark")).at;
  }

  stop(): Promise<void> {
    return this.tool.stop();
  }
}
