// Desired-state helpers: translate agent intent into map entries.
import { addrBytes, parsePrefix } from "./addr";
import {
  Action,
  type ActionName,
  BackendFlags,
  IfFlags,
  MAGLEV_M,
  SteerDscp,
  SteerFlags,
  SvcFlags,
  Xdp,
} from "./constants";
import type { Dataplane } from "./dataplane";
import { purgeBackendFlows } from "./flows";
import { maglevTable } from "./maglev";
import { covers } from "./policy-trie";

export interface InterfaceConfig {
  ifindex: number; // 0 = fallback for interfaces without their own entry
  slot: number;
  defaultAction?: ActionName;
  malformed?: "drop" | "pass";
  policy?: boolean;
  appRules?: boolean;
  snat?: boolean;
  rateLimit?: { pps: number; burst: number };
  synGuard?: { pps: number; burst: number };
}

const bucket = (b?: { pps: number; burst: number }) => {
  const cost = b ? BigInt(Math.round(1e9 / b.pps)) : 0n;
  return [cost, cost * BigInt(b?.burst ?? 0)] as const;
};

export async function setInterface(dp: Dataplane, c: InterfaceConfig): Promise<void> {
  const [rlCost, rlBurst] = bucket(c.rateLimit);
  const [synCost, synBurst] = bucket(c.synGuard);
  const flags =
    IfFlags.valid |
    (c.policy ? IfFlags.policy : 0) |
    (c.appRules ? IfFlags.appRules : 0) |
    (c.snat ? IfFlags.snat : 0);
  await dp.put(
    "if_config",
    { v: c.ifindex },
    {
      slot: c.slot,
      default_action: Action[c.defaultAction ?? "allow"],
      malformed_action: c.malformed === "pass" ? Xdp.pass : Xdp.drop,
      flags,
      rl_cost_ns: rlCost,
      rl_burst_ns: rlBurst,
      syn_cost_ns: synCost,
      syn_burst_ns: synBurst,
    },
  );
}

export { applyPolicy, ruleCounters } from "./policy-apply";

export interface ServiceConfig {
  ring: number; // < MAX_SERVICES
  vip: string;
  port: number;
  proto: number;
  backends: { id: number; addr: string; port: number; healthy?: boolean }[];
}

/** Load-balanced service: unhealthy backends leave the ring (existing flows keep
 * their backend through conntrack until they end). */
export async function setService(dp: Dataplane, s: ServiceConfig): Promise<void> {
  const live = s.backends.filter((b) => b.healthy !== false);
  await dp.putMany(
    "backends",
    s.backends.map((b) => [{ v: b.id }, { addr: b.addr, port: b.port, flags: BackendFlags.valid }]),
  );
  const table = maglevTable(live.map((b) => `${b.addr}:${b.port}`));
  if (table.length > 0)
    await dp.putMany(
      "maglev",
      table.map((idx, slot) => [{ v: s.ring * MAGLEV_M + slot }, { v: live[idx]!.id }]),
    );
  const key = { vip: s.vip, port: s.port, proto: s.proto };
  if (live.length === 0) await dp.del("services", key).catch(() => undefined);
  else await dp.put("services", key, { ring: s.ring, flags: SvcFlags.maglev, backend_id: 0 });
}

/** Health says a backend is gone for good: out of the ring, marked invalid (so a
 * racing new flow drops instead of reaching it) and its connections purged. */
export async function removeBackend(
  dp: Dataplane,
  s: ServiceConfig,
  backendId: number,
): Promise<number> {
  const rest = { ...s, backends: s.backends.filter((b) => b.id !== backendId) };
  await setService(dp, rest);
  await dp.put("backends", { v: backendId }, { addr: "0.0.0.0", port: 0, flags: 0 });
  return purgeBackendFlows(dp, backendId);
}

/** Port forwarding / DNAT: vip:port -> one inner address:port. */
export async function setPortForward(
  dp: Dataplane,
  f: { vip: string; port: number; proto: number; backendId: number; to: string; toPort: number },
): Promise<void> {
  const be = { addr: f.to, port: f.toPort, flags: BackendFlags.valid };
  await dp.put("backends", { v: f.backendId }, be);
  await dp.put(
    "services",
    { vip: f.vip, port: f.port, proto: f.proto },
    { ring: 0, flags: SvcFlags.dnat, backend_id: f.backendId },
  );
}

export async function setSnat(
  dp: Dataplane,
  r: { from: string; to: string; ports?: [number, number] },
): Promise<void> {
  const p = parsePrefix(r.from);
  const [lo, hi] = r.ports ?? [32768, 60999];
  await dp.put("snat_rules", p, { addr: r.to, port_lo: lo, port_hi: hi });
}

export interface AppClass {
  appId: number;
  ports?: { proto: number; port: number }[];
  prefixes?: string[];
  steer?: { mark: number; dscp?: number };
}

/** Steering entry of an app: mark, DSCP (none: leave as is), valid flag. */
export const steerEntry = (steer: { mark: number; dscp?: number }) => ({
  mark: steer.mark,
  dscp: steer.dscp ?? SteerDscp.keep,
  flags: SteerFlags.valid,
});

const V4_SPACE = parsePrefix("0.0.0.0/0"); // ::ffff:0:0/96
const asBytes = (p: { addr: string; prefixlen: number }) => ({
  bytes: addrBytes(p.addr),
  len: p.prefixlen,
});

/** app_prefixes entries. IPv4 lives in ::ffff:0:0/96 of the 128-bit key, so an IPv6
 * prefix covering that (::/0, say) would classify IPv4 packets: then ::ffff:0:0/96
 * gets its own entry (app 0 = unclassified, unless 0.0.0.0/0 is some class's) and an
 * IPv4 address never reaches the IPv6 one. */
export function appPrefixEntries(apps: readonly AppClass[]) {
  const entries = apps.flatMap((a) =>
    (a.prefixes ?? []).map((c) => ({ key: parsePrefix(c), appId: a.appId })),
  );
  const v4 = asBytes(V4_SPACE);
  const spans = entries.some((e) => e.key.prefixlen < 96 && covers(asBytes(e.key), v4));
  const has = entries.some((e) => e.key.prefixlen === 96 && e.key.addr === V4_SPACE.addr);
  return spans && !has ? [...entries, { key: V4_SPACE, appId: 0 }] : entries;
}

/** Batched per map (one loader round trip each): port ranges expand to many entries. */
export async function setApps(dp: Dataplane, apps: readonly AppClass[]): Promise<void> {
  const ports = apps.flatMap((a) =>
    (a.ports ?? []).map((p) => [p, { app_id: a.appId }] as [object, object]),
  );
  const prefixes = appPrefixEntries(apps).map(
    (e) => [e.key, { app_id: e.appId }] as [object, object],
  );
  const steering = apps.flatMap((a) =>
    a.steer ? [[{ v: a.appId }, steerEntry(a.steer)] as [object, object]] : [],
  );
  if (ports.length) await dp.putMany("app_ports", ports);
  if (prefixes.length) await dp.putMany("app_prefixes", prefixes);
  if (steering.length) await dp.putMany("steering", steering);
}
