// Pure: the L2 segments of an overlay config as Linux devices (docs/overlay.md, "L2
// segments"), and the `ip -batch` lines that turn what the kernel has into them.
//
// Per segment a bridge `pb<hash>` holds the LAN-side interface and one VXLAN device
// `pv<hash>` per path to each peer site (`dev <tunnel>`, dstport 4789, nolearning). Only
// the port of the path the `default` unit uses towards a site is *active*: it floods and
// learns. The others stay in the bridge as receive-only ports (flooding and learning
// off), so frames the peer sends over another path (each end selects its own) still
// arrive, while ours follow our selection. A failover flips two ports' flags in one
// batch, and flushes the MACs learned on the old one. Every VXLAN port is `isolated`:
// the bridge never forwards from one peer to another (split horizon: each member floods
// to every other member itself, so a frame must not come back around).
//
// The kernel allows one VXLAN device per VNI and UDP port in a namespace, except for
// devices over IPv6 link-local addresses, which are told apart by their lower device.
// So the ports use the tunnels' link-local addresses: the path's ULA interface id under
// fe80::/64 (fe80::1 at the end that holds ::1), which both ends derive alike.
import { createHash } from "node:crypto";
import { canonicalIpv6, TUNNEL_MTU } from "./tunnels";
import type { OverlayConfig } from "./types";

export const VXLAN_PORT = 4789;
/** Outer IPv6 (40) + UDP (8) + VXLAN (8) + the carried frame's Ethernet header (14). */
export const VXLAN_OVERHEAD = 70;
/** The largest IP packet a host on a segment can send (the VXLAN ports' MTU). */
export const SEGMENT_MTU = TUNNEL_MTU - VXLAN_OVERHEAD;
/** The agent's segment devices: bridges and VXLAN ports. */
export const SEGMENT_DEVICE = /^p[bv][0-9a-f]{8}$/;

export class SegmentPlanError extends Error {
  override name = "SegmentPlanError";
}

const hash8 = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);
export const bridgeIfname = (vni: number) => `pb${hash8(`segment:${vni}`)}`;
export const vxlanIfname = (vni: number, pathId: string) => `pv${hash8(`${vni}:${pathId}`)}`;

/** The link-local address with the interface id of `ula` ("fd12:…::2" → "fe80::2"). */
export function linkLocalOf(ula: string): string {
  const [head = "", tail] = ula.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return canonicalIpv6(`fe80::${groups.slice(4).join(":")}`);
}

export interface SegmentPort {
  siteId: string;
  pathId: string;
  /** The VXLAN device. */
  ifname: string;
  /** The path's tunnel (the VXLAN device's lower device). */
  tunnel: string;
  local: string;
  remote: string;
}

export interface SegmentPlan {
  vni: number;
  name: string;
  bridge: string;
  iface: string;
  /** Per peer site, its ports in the config's path order (cheapest first). */
  peers: { siteId: string; ports: SegmentPort[] }[];
}

/** Throws SegmentPlanError for what cannot be built; the plan otherwise. */
export function planSegments(config: OverlayConfig): SegmentPlan[] {
  const paths = new Map(config.paths.map((p) => [p.id, p]));
  const taken = new Map<string, string>();
  const claim = (name: string, what: string) => {
    const other = taken.get(name);
    if (other) throw new SegmentPlanError(`${what} is also ${other}`);
    taken.set(name, what);
  };
  for (const l of config.links) claim(l.ifname, `WAN link ${l.name}`);
  for (const p of config.paths) claim(p.ifname, `the tunnel of path ${p.id}`);
  return (config.segments ?? []).map((s) => {
    const what = `segment ${s.name} (VNI ${s.vni})`;
    if (SEGMENT_DEVICE.test(s.interface))
      throw new SegmentPlanError(`${what}: ${s.interface} is a name the agent keeps for itself`);
    claim(s.interface, `the interface of ${what}`);
    const bridge = bridgeIfname(s.vni);
    claim(bridge, `the bridge of ${what}`);
    const peers = s.peers.map((peer) => ({
      siteId: peer.siteId,
      ports: peer.pathIds.map((id): SegmentPort => {
        const p = paths.get(id);
        if (!p) throw new SegmentPlanError(`${what}: path ${id} is not in paths`);
        if (p.remote.siteId !== peer.siteId)
          throw new SegmentPlanError(`${what}: path ${id} does not lead to site ${peer.siteId}`);
        const ifname = vxlanIfname(s.vni, id);
        claim(ifname, `the VXLAN port of ${what} on path ${id}`);
        return {
          siteId: peer.siteId,
          pathId: id,
          ifname,
          tunnel: p.ifname,
          local: linkLocalOf(p.address),
          remote: linkLocalOf(p.peerAddress),
        };
      }),
    }));
    return { vni: s.vni, name: s.name, bridge, iface: s.interface, peers };
  });
}

/** A link of `ip -details -json address show`, as far as the plan reads it. */
export interface LinkState {
  ifname: string;
  mtu?: number;
  flags?: string[];
  master?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** `${vni}|${siteId}` → the path whose port is active. */
export type ActivePorts = Map<string, string>;
export const activeKey = (vni: number, siteId: string) => `${vni}|${siteId}`;

const PORT_FLAGS = ["flood", "mcast_flood", "bcast_flood", "learning"] as const;
const onOff = (b: boolean) => (b ? "on" : "off");
/** Bridge-port flags of an active (floods, learns) or standby (receives only) port. */
function portFlagsLine(ifname: string, active: boolean, flush: boolean) {
  const flags = PORT_FLAGS.map((f) => `${f} ${onOff(active)}`).join(" ");
  return `link set dev ${ifname} type bridge_slave ${flags} isolated on${flush ? " fdb_flush" : ""}`;
}

function portFlagsOk(have: LinkState | undefined, active: boolean) {
  const d = have?.linkinfo?.info_slave_data;
  if (d?.isolated !== true) return false;
  return PORT_FLAGS.every((f) => d[f] === active);
}

function vxlanOk(have: LinkState, vni: number, port: SegmentPort) {
  const d = have.linkinfo?.info_data;
  return (
    have.linkinfo?.info_kind === "vxlan" &&
    d?.id === vni &&
    d.local6 === port.local &&
    d.remote6 === port.remote &&
    d.link === port.tunnel &&
    d.port === VXLAN_PORT &&
    d.learning === false &&
    have.mtu === SEGMENT_MTU
  );
}

const isUp = (l: LinkState | undefined) => !!l?.flags?.includes("UP");

/** Which path's port is active per segment and peer: the selection when it is one of the
 * peer's paths, else its cheapest path. */
export function activePorts(
  plans: readonly SegmentPlan[],
  selected: (siteId: string) => string | null,
): ActivePorts {
  const out: ActivePorts = new Map();
  for (const s of plans)
    for (const peer of s.peers) {
      const sel = selected(peer.siteId);
      const port = peer.ports.find((p) => p.pathId === sel) ?? peer.ports[0];
      if (port) out.set(activeKey(s.vni, peer.siteId), port.pathId);
    }
  return out;
}

/**
 * The lines that make the kernel match the plans (none when it does: idempotent), given
 * every link of the namespace. Throws when a segment's interface or tunnel is missing.
 */
export function reconcileLines(
  plans: readonly SegmentPlan[],
  have: readonly LinkState[],
  active: ActivePorts,
): string[] {
  const byName = new Map(have.map((l) => [l.ifname, l]));
  const want = new Set(
    plans.flatMap((s) => [s.bridge, ...s.peers.flatMap((p) => p.ports.map((x) => x.ifname))]),
  );
  const lines: string[] = [];
  for (const l of have)
    if (SEGMENT_DEVICE.test(l.ifname) && !want.has(l.ifname))
      lines.push(`link del dev ${l.ifname}`);

  const localOnTunnel = new Set<string>();
  for (const s of plans) {
    const what = `segment ${s.name} (VNI ${s.vni})`;
    let br = byName.get(s.bridge);
    if (br && br.linkinfo?.info_kind !== "bridge") {
      lines.push(`link del dev ${s.bridge}`);
      br = undefined;
    }
    if (!br)
      lines.push(
        `link add name ${s.bridge} type bridge mcast_snooping 0`,
        `link set dev ${s.bridge} addrgenmode none`,
      );
    else if (br.linkinfo?.info_data?.mcast_snooping !== 0)
      lines.push(`link set dev ${s.bridge} type bridge mcast_snooping 0`);
    if (!isUp(br)) lines.push(`link set dev ${s.bridge} up`);

    const members = new Set([s.iface, ...s.peers.flatMap((p) => p.ports.map((x) => x.ifname))]);
    // An interface the segment no longer bridges goes back to being a plain interface
    // (the agent's own devices are deleted above or moved by their own lines).
    for (const l of have)
      if (l.master === s.bridge && !members.has(l.ifname) && !SEGMENT_DEVICE.test(l.ifname))
        lines.push(`link set dev ${l.ifname} nomaster`);

    const iface = byName.get(s.iface);
    if (!iface)
      throw new SegmentPlanError(`${what}: interface ${s.iface} does not exist on this box`);
    if (iface.master !== s.bridge) lines.push(`link set dev ${s.iface} master ${s.bridge}`);
    if (!isUp(iface)) lines.push(`link set dev ${s.iface} up`);

    for (const peer of s.peers)
      for (const port of peer.ports) {
        const tunnel = byName.get(port.tunnel);
        if (!tunnel)
          throw new SegmentPlanError(
            `${what}: tunnel ${port.tunnel} of path ${port.pathId} is missing`,
          );
        const k = `${port.tunnel}|${port.local}`;
        if (
          !localOnTunnel.has(k) &&
          !tunnel.addr_info?.some((a) => a.family === "inet6" && a.local === port.local)
        )
          lines.push(`address replace ${port.local}/64 dev ${port.tunnel} nodad`);
        localOnTunnel.add(k);

        let vx = byName.get(port.ifname);
        if (vx && !vxlanOk(vx, s.vni, port)) {
          lines.push(`link del dev ${port.ifname}`);
          vx = undefined;
        }
        if (!vx)
          lines.push(
            `link add name ${port.ifname} mtu ${SEGMENT_MTU} type vxlan id ${s.vni} local ${port.local} remote ${port.remote} dev ${port.tunnel} dstport ${VXLAN_PORT} nolearning`,
            `link set dev ${port.ifname} addrgenmode none`,
          );
        if (vx?.master !== s.bridge) lines.push(`link set dev ${port.ifname} master ${s.bridge}`);
        const on = active.get(activeKey(s.vni, peer.siteId)) === port.pathId;
        if (!portFlagsOk(vx, on)) {
          // A port that stops being active forgets what it learned.
          const wasActive = vx?.linkinfo?.info_slave_data?.flood === true;
          lines.push(portFlagsLine(port.ifname, on, !on && wasActive));
        }
        if (!isUp(vx)) lines.push(`link set dev ${port.ifname} up`);
      }
  }
  return lines;
}

/**
 * Failover: the lines that move each affected segment's traffic to a site onto the port
 * of the newly selected path (the old port off and flushed, the new one on), updating
 * `active`. A change to a path that is not one of the peer's (or to none) changes nothing.
 */
export function switchLines(
  plans: readonly SegmentPlan[],
  active: ActivePorts,
  changes: readonly { remoteSiteId: string; to: string | null }[],
): string[] {
  const lines: string[] = [];
  for (const c of changes)
    for (const s of plans) {
      const peer = s.peers.find((p) => p.siteId === c.remoteSiteId);
      const to = peer?.ports.find((p) => p.pathId === c.to);
      if (!peer || !to) continue;
      const k = activeKey(s.vni, peer.siteId);
      const from = peer.ports.find((p) => p.pathId === active.get(k));
      if (from === to) continue;
      if (from) lines.push(portFlagsLine(from.ifname, false, true));
      lines.push(portFlagsLine(to.ifname, true, false));
      active.set(k, to.pathId);
    }
  return lines;
}

/** Removes every segment device (a bridge's going releases its LAN interface). */
export function teardownLines(have: readonly LinkState[]): string[] {
  return have.filter((l) => SEGMENT_DEVICE.test(l.ifname)).map((l) => `link del dev ${l.ifname}`);
}

/** What `verify` finds missing: a bridge, its interface, or a port not in it. */
export function missingParts(plans: readonly SegmentPlan[], have: readonly LinkState[]): string[] {
  const byName = new Map(have.map((l) => [l.ifname, l]));
  const out: string[] = [];
  for (const s of plans) {
    if (byName.get(s.bridge)?.linkinfo?.info_kind !== "bridge") out.push(`bridge ${s.bridge}`);
    for (const name of [s.iface, ...s.peers.flatMap((p) => p.ports.map((x) => x.ifname))])
      if (byName.get(name)?.master !== s.bridge) out.push(`${name} in ${s.bridge}`);
  }
  return out;
}
