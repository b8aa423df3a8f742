// Pure: a DeviceConfig in the data plane's terms (what config.ts in src/dataplane
// writes), or a PlanError saying why this device cannot run it. Backend ids are given in
// config order (port forwards first), so the same config always yields the same plan.
import type { DeviceConfig } from "../../../../protocol";
import type { AppClass, ServiceConfig } from "../../dataplane/config";
import { MAGLEV_REGION, MAX_BACKENDS, MAX_SERVICES } from "../../dataplane/constants";
import { MAX_RING_BACKENDS, ringSize } from "../../dataplane/maglev";
import { checkRules, type PolicyRule } from "../../dataplane/policy";
import { planApps } from "../overlay/apps";

export type WanIngress = "native" | "generic" | "tc";

export interface Links {
  wan: string;
  lan: string;
  wanIngress: WanIngress;
}

export interface PortForwardPlan {
  vip: string;
  port: number;
  proto: number;
  backendId: number;
  to: string;
  toPort: number;
}

export interface DataplanePlan {
  links: Links;
  /** The WAN link's interface entry (its ifindex is known only once attached). */
  iface: { slot: number; policy: true; defaultAction: "allow" | "deny"; snat: boolean };
  rules: PolicyRule[];
  snat: { from: string; to: string } | null;
  forwards: PortForwardPlan[];
  services: ServiceConfig[];
  /** The overlay's application classes: classification and steering on LAN ingress
   * (absent without an overlay, or when it has no classes). */
  apps?: AppClass[];
}

export class PlanError extends Error {
  override name = "PlanError";
}

/** Counter slot of the WAN link; 0 is the fallback entry. */
export const WAN_SLOT = 1;
export const PROTO_NUMBER = { any: 0, icmp: 1, tcp: 6, udp: 17 } as const;

const svcKey = (vip: string, port: number, proto: string) => `${vip}:${port}/${proto}`;

export function planDataplane(config: DeviceConfig, overrides: Partial<Links> = {}): DataplanePlan {
  const links: Links = {
    wan: overrides.wan ?? config.interfaces.wan,
    lan: overrides.lan ?? config.interfaces.lan,
    wanIngress: overrides.wanIngress ?? config.interfaces.wanIngress,
  };
  if (links.wan === links.lan)
    throw new PlanError(`WAN and LAN must be different links (both are ${links.wan})`);

  const ids = new Set<number>();
  const rules: PolicyRule[] = config.rules.map((r) => {
    if (ids.has(r.id)) throw new PlanError(`rule id ${r.id} appears twice`);
    ids.add(r.id);
    if (r.ports && r.proto !== "tcp" && r.proto !== "udp" && r.proto !== "any")
      throw new PlanError(`rule ${r.id}: ports apply to tcp and udp only, not ${r.proto}`);
    if (r.ports && r.ports[0] > r.ports[1])
      throw new PlanError(`rule ${r.id}: port range ${r.ports[0]}-${r.ports[1]} is reversed`);
    return {
      id: r.id,
      src: r.src,
      dst: r.dst,
      proto: PROTO_NUMBER[r.proto],
      ...(r.ports ? { ports: [r.ports[0], r.ports[1]] as [number, number] } : {}),
      action: r.action,
    };
  });
  try {
    checkRules(rules); // at most MAX_RULES, global rules included
  } catch (e) {
    throw new PlanError((e as Error).message);
  }

  const wanAddress = config.interfaces.wanAddress;
  if (config.portForwards.length > 0 && !wanAddress)
    throw new PlanError(
      "port forwards need interfaces.wanAddress: the WAN address they listen on is not set",
    );
  if (config.services.length > MAX_SERVICES)
    throw new PlanError(`at most ${MAX_SERVICES} load-balanced services per device`);

  const claimed = new Map<string, string>();
  const claim = (key: string, what: string) => {
    const other = claimed.get(key);
    if (other) throw new PlanError(`${what} and ${other} both listen on ${key}`);
    claimed.set(key, what);
  };

  let nextBackend = 1; // 0 is reserved by the data plane
  const forwards = config.portForwards.map((f) => {
    claim(svcKey(wanAddress!, f.port, f.proto), `port forward ${f.id}`);
    return {
      vip: wanAddress!,
      port: f.port,
      proto: PROTO_NUMBER[f.proto],
      backendId: nextBackend++,
      to: f.to,
      toPort: f.toPort,
    };
  });
  const services = config.services.map((s) => {
    claim(svcKey(s.vip, s.port, s.proto), `service ${s.id}`);
    if (s.backends.length > MAX_RING_BACKENDS)
      throw new PlanError(
        `service ${s.id}: ${s.backends.length} backends exceed one Maglev ring's ${MAX_RING_BACKENDS}`,
      );
    return {
      vip: s.vip,
      port: s.port,
      proto: PROTO_NUMBER[s.proto],
      backends: s.backends.map((b) => ({ id: nextBackend++, addr: b.addr, port: b.port })),
    };
  });
  if (nextBackend > MAX_BACKENDS)
    throw new PlanError(
      `${nextBackend - 1} backends (port forwards + service backends) exceed the data plane's ${MAX_BACKENDS - 1}`,
    );
  // Cannot fail within the limits above (MAGLEV_REGION is their worst case); kept so
  // a change of limits or ring sizes fails here rather than in the kernel.
  const slots = services.reduce((n, s) => n + ringSize(s.backends.length), 0);
  if (slots > MAGLEV_REGION)
    throw new PlanError(`Maglev rings need ${slots} slots, the data plane holds ${MAGLEV_REGION}`);

  let apps: AppClass[] = [];
  try {
    apps = planApps(config.overlay?.classes ?? []);
  } catch (e) {
    throw new PlanError((e as Error).message);
  }

  return {
    links,
    iface: {
      slot: WAN_SLOT,
      policy: true,
      defaultAction: config.defaultAction,
      snat: !!config.snat,
    },
    rules,
    snat: config.snat ? { from: config.snat.from, to: config.snat.to } : null,
    forwards,
    services,
    ...(apps.length ? { apps } : {}),
  };
}
