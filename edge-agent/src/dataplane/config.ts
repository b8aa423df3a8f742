// Desired-state helpers: translate agent intent into map entries.
import { addrBytes, parsePrefix } from "../../../protocol/addr";
import { Action, type ActionName, IfFlags, SteerDscp, SteerFlags, Xdp } from "./constants";
import type { Dataplane } from "./dataplane";
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

export {
  removeBackend,
  type ServiceConfig,
  setPortForward,
  setService,
  setServices,
} from "./services";

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
