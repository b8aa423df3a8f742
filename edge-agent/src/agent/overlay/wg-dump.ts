// Pure: `wg show all dump` parsed, and the `wg set` arguments that make an interface
// match a path (empty when it already does). The dump's private-key column is skipped,
// so key material never leaves the parser.
import type { OverlayPath } from "./types";

export interface WgPeer {
  publicKey: string;
  endpoint: string | null;
  allowedIps: string[];
  /** Unix seconds; 0 = never. */
  latestHandshake: number;
  rxBytes: number;
  txBytes: number;
  keepalive: number;
}

export interface WgInterface {
  publicKey: string;
  listenPort: number;
  fwmark: number;
  peers: WgPeer[];
}

const none = (s: string | undefined) =>
  s === undefined || s === "(none)" || s === "off" ? null : s;

export function parseWgDump(text: string): Map<string, WgInterface> {
  const out = new Map<string, WgInterface>();
  for (const line of text.split("\n")) {
    const f = line.split("\t");
    if (f.length === 5) {
      out.set(f[0]!, {
        publicKey: f[2]!,
        listenPort: Number(f[3]),
        fwmark: none(f[4]) === null ? 0 : Number(f[4]) >>> 0,
        peers: [],
      });
    } else if (f.length === 9) {
      out.get(f[0]!)?.peers.push({
        publicKey: f[1]!,
        endpoint: none(f[3]),
        allowedIps: none(f[4])?.split(",") ?? [],
        latestHandshake: Number(f[5]) || 0,
        rxBytes: Number(f[6]) || 0,
        txBytes: Number(f[7]) || 0,
        keepalive: Number(none(f[8]) ?? 0),
      });
    }
  }
  return out;
}

export const ALLOWED_IPS = "0.0.0.0/0,::/0";
/** Keepalive of the end that dials (has the peer's endpoint): the other end learns it
 * from there, and NAT mappings on the way stay open. */
export const DIALER_KEEPALIVE = 1;

export interface WantTunnel {
  publicKey: string;
  keyPath: string;
  fwmark: number;
  path: Pick<OverlayPath, "listenPort" | "remote">;
}

/** `wg set <if> …` arguments (without `set <if>`), or [] when nothing differs. */
export function wgSetArgs(have: WgInterface | undefined, want: WantTunnel): string[] {
  const { remote, listenPort } = want.path;
  const ep = remote.endpoint ? `${remote.endpoint.address}:${remote.endpoint.port}` : null;
  const keepalive = ep ? DIALER_KEEPALIVE : 0;
  const peer = have?.peers.find((p) => p.publicKey === remote.publicKey);
  const stale = have?.peers.filter((p) => p.publicKey !== remote.publicKey) ?? [];
  const same =
    have &&
    have.publicKey === want.publicKey &&
    have.listenPort === listenPort &&
    have.fwmark === want.fwmark &&
    peer &&
    stale.length === 0 &&
    peer.allowedIps.join(",") === ALLOWED_IPS &&
    peer.keepalive === keepalive &&
    (ep === null || peer.endpoint === ep);
  if (same) return [];
  return [
    "private-key",
    want.keyPath,
    "listen-port",
    String(listenPort),
    "fwmark",
    `0x${want.fwmark.toString(16)}`,
    ...stale.flatMap((p) => ["peer", p.publicKey, "remove"]),
    "peer",
    remote.publicKey,
    ...(ep ? ["endpoint", ep] : []),
    "allowed-ips",
    ALLOWED_IPS,
    "persistent-keepalive",
    keepalive ? String(keepalive) : "off",
  ];
}
