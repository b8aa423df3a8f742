// The site every pipeline row runs on (freshly reset each row): policy default-deny
// with an allow rule per service, rate limit and SYN guard on (limits never reached
// unless the row is about them), SNAT, a Maglev service and a port forward, all set
// through edge-agent's config helpers; and the flows the rows send.
import { TCP } from "../../bpf/tests/lib/packet";
import {
  applyPolicy,
  type InterfaceConfig,
  setPortForward,
  setService,
  setSnat,
} from "../../edge-agent/src/dataplane/config";
import { CtDir, CtFlags, CtState, Nat } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { CtEntry } from "../../edge-agent/src/dataplane/flows";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import type { Flow, PathRow } from "./path";

export const WAN = "198.51.100.1"; // the site's public address: VIP, port forward, SNAT
export const SERVER = "10.2.0.1"; // a LAN server branch offices reach over the WAN
const BACKENDS = [1, 2, 3, 4].map((id) => ({ id, addr: `10.9.1.${id}`, port: 8080 }));
export const INNER = "192.168.10.20"; // port-forward target
export const RULE = { denySsh: 1, branch: 40, lb: 41, forward: 42, v6: 43 };

/** Distinct client i: address from 100.64.0.0/10 and port, so new flows never repeat. */
export const client = (i: number) => ({
  src: `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`,
  sport: 1024 + (i % 60000),
});
const branch = (i: number) => ({
  src: `10.1.${(i >> 8) & 255}.${i & 255}`,
  sport: 20000 + (i % 40000),
});

export const SITE_IFACE: Partial<InterfaceConfig> = {
  slot: 0,
  policy: true,
  defaultAction: "deny",
  snat: true,
  rateLimit: { pps: 1e9, burst: 1e6 },
  synGuard: { pps: 1e9, burst: 1e6 },
};
/** Practically never refills: after one primed packet every packet is over the limit. */
export const EXHAUSTED = { pps: 0.001, burst: 1 };

export const SITE_RULES: PolicyRule[] = [
  {
    id: RULE.denySsh,
    src: "10.66.0.0/16",
    dst: "0.0.0.0/0",
    proto: 6,
    ports: [22, 22],
    action: "deny",
  },
  // Other sites' rules: in the tries, never candidates for these packets.
  ...Array.from(
    { length: 36 },
    (_, i): PolicyRule => ({
      id: 2 + i,
      src: `172.${16 + (i % 16)}.${i}.0/24`,
      dst: "10.0.0.0/8",
      proto: 6,
      ports: [1000 + i, 1000 + i],
      action: "allow",
    }),
  ),
  {
    id: RULE.branch,
    src: "10.0.0.0/8",
    dst: "10.0.0.0/8",
    proto: 6,
    ports: [80, 443],
    action: "allow",
  },
  // Policy sees the post-DNAT tuple: the backends and the forwarded inner host.
  {
    id: RULE.lb,
    src: "0.0.0.0/0",
    dst: "10.9.1.0/24",
    proto: 6,
    ports: [8080, 8080],
    action: "allow",
  },
  {
    id: RULE.forward,
    src: "0.0.0.0/0",
    dst: `${INNER}/32`,
    proto: 6,
    ports: [443, 443],
    action: "allow",
  },
  {
    id: RULE.v6,
    src: "fd00:1::/64",
    dst: "fd00:2::/64",
    proto: 6,
    ports: [443, 443],
    action: "allow",
  },
];

async function siteSetup(dp: Dataplane): Promise<void> {
  await applyPolicy(dp, SITE_RULES);
  await setService(dp, { vip: WAN, port: 80, proto: 6, backends: BACKENDS });
  await setPortForward(dp, {
    vip: WAN,
    port: 8443,
    proto: 6,
    backendId: 9,
    to: INNER,
    toPort: 443,
  });
  await setSnat(dp, { from: "10.0.0.0/8", to: WAN, ports: [1024, 65535] });
}

/** A row on the site's config; the row's own `setup` runs after the site's. */
export const site = (row: PathRow, iface: Partial<InterfaceConfig> = {}): PathRow => ({
  ...row,
  iface: { ...SITE_IFACE, ...iface },
  setup: async (dp) => {
    await siteSetup(dp);
    await row.setup?.(dp);
  },
});

export const tcp = (f: Omit<Flow, "proto">): Flow => ({ proto: "tcp", ...f });
/** Branch office i -> the LAN server, and the server's answers. */
export const toServer = (i: number, flags: number) =>
  tcp({ ...branch(i), dst: SERVER, dport: 443, flags });
export const fromServer = (i: number, flags: number) =>
  tcp({ src: SERVER, sport: 443, dst: branch(i).src, dport: branch(i).sport, flags });
export const synAck = TCP.syn | TCP.ack;
/** A LAN host i -> an internet host of its own (so SNAT's first probed port is free). */
export const outbound = (i: number, flags: number) =>
  tcp({
    src: `10.6.${(i >> 8) & 255}.${i & 255}`,
    sport: 30000 + (i % 30000),
    dst: `198.18.${(i >> 8) & 255}.${i & 255}`,
    dport: 443,
    flags,
  });

/** The internet host's answer to outbound flow i, to the SNAT port it was given. */
export const replyTo = (i: number, natPort: number | undefined, flags: number) =>
  tcp({ src: outbound(i, 0).dst, sport: 443, dst: WAN, dport: natPort ?? 0, flags });

export const ESTABLISHED = { state: CtState.established, dir: CtDir.orig, nat: Nat.none };
export const LB_ENTRY = {
  nat: Nat.dst,
  nat_addr: BACKENDS.map((b) => b.addr),
  nat_port: 8080,
  backend_id: BACKENDS.map((b) => b.id),
  flags: CtFlags.lb | CtFlags.seq, // TCP halves track sequence numbers
};
export const toVip = (i: number, flags: number) =>
  tcp({ ...client(i), dst: WAN, dport: 80, flags });
export const fromBackend = (i: number, e?: CtEntry) =>
  tcp({
    src: e?.nat_addr ?? "0.0.0.0",
    sport: 8080,
    dst: client(i).src,
    dport: client(i).sport,
    flags: synAck,
  });

export type Packet = (i: number, flags: number) => Flow;
export const toV6Server: Packet = (_i, flags) =>
  tcp({ src: "fd00:1::10", sport: 40000, dst: "fd00:2::20", dport: 443, flags });
export const fromV6Server: Packet = (_i, flags) =>
  tcp({ src: "fd00:2::20", sport: 443, dst: "fd00:1::10", dport: 40000, flags });
