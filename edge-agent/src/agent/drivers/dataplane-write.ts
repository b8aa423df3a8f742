// Writes a DataplanePlan into the maps, removes what the plan no longer has, and reads
// back what it wrote. The removal works from dumps of the kernel's maps rather than
// from memory, so entries left by an earlier agent run are cleaned up too.
import { parsePrefix } from "../../../../protocol/addr";
import {
  type AppClass,
  applyPolicy,
  appPrefixEntries,
  setApps,
  setInterface,
  setPortForward,
  setServices,
  setSnat,
  steerEntry,
} from "../../dataplane/config";
import {
  Action,
  BackendFlags,
  IfFlags,
  MAGLEV_POOL,
  MAX_RULES,
  SteerDscp,
  SteerFlags,
  SvcFlags,
} from "../../dataplane/constants";
import type { Dataplane } from "../../dataplane/dataplane";
import { ringSize } from "../../dataplane/maglev";
import { activeBank } from "../../dataplane/policy-apply";
import type { DataplanePlan } from "./dataplane-plan";

type SvcKey = { vip: string; port: number; proto: number };
type SvcValue = { ring_off: number; ring_size: number; flags: number; backend_id: number };
type Backend = { addr: string; port: number; flags: number };
type Lpm = { prefixlen: number; addr: string };
type AppPort = { proto: number; port: number };
type AppId = { app_id: number };
type Steer = { mark: number; dscp: number; flags: number };

const svcId = (k: SvcKey) => `${k.vip}:${k.port}/${k.proto}`;
const lpmId = (k: Lpm) => `${k.addr}/${k.prefixlen}`;
const portId = (k: AppPort) => `${k.proto}/${k.port}`;

/** What the app maps must hold: (proto/port | prefix) → app id, and app id → steering. */
function appKeys(apps: readonly AppClass[]) {
  const ports = new Map<string, number>();
  const prefixes = new Map<string, number>();
  const steering = new Map<number, Steer>();
  for (const a of apps) {
    for (const p of a.ports ?? []) ports.set(portId(p), a.appId);
    if (a.steer) steering.set(a.appId, steerEntry(a.steer));
  }
  for (const e of appPrefixEntries(apps)) prefixes.set(lpmId(e.key), e.appId);
  return { ports, prefixes, steering };
}

function planKeys(plan: DataplanePlan) {
  const services = new Set([...plan.forwards, ...plan.services].map(svcId));
  const backends = new Set([
    ...plan.forwards.map((f) => f.backendId),
    ...plan.services.flatMap((s) => s.backends.map((b) => b.id)),
  ]);
  return { services, backends };
}

/** Everything in the plan, then removals. Policy changes are atomic (bank flip); so is
 * each service's ring change (setServices stages all rings, then switches). Every ring
 * is rewritten on every apply, and where rings go is read from the maps, so a
 * restarted agent needs no memory of earlier runs. */
export async function writePlan(dp: Dataplane, plan: DataplanePlan, ifindex: number) {
  for (const f of plan.forwards) await setPortForward(dp, f);
  await setServices(dp, plan.services);
  if (plan.snat) await setSnat(dp, plan.snat);
  await writeApps(dp, plan.apps ?? []);
  await applyPolicy(dp, plan.rules);
  await setInterface(dp, { ifindex, ...plan.iface });
  await removeStale(dp, plan);
}

async function removeStale(dp: Dataplane, plan: DataplanePlan | null) {
  const keep = plan ? planKeys(plan) : { services: new Set<string>(), backends: new Set() };
  for (const row of await dp.dump<SvcKey, SvcValue>("services"))
    if (!keep.services.has(svcId(row.key))) await dp.del("services", row.key);
  const snatKeep = plan?.snat ? lpmId(parsePrefix(plan.snat.from)) : null;
  for (const row of await dp.dump<Lpm, unknown>("snat_rules"))
    if (lpmId(row.key) !== snatKeep) await dp.del("snat_rules", row.key);
  // A stale backend id becomes invalid, so nothing can be balanced onto it again.
  for (const row of await dp.dump<{ v: number }, Backend>("backends"))
    if (row.values[0]!.flags & BackendFlags.valid && !keep.backends.has(row.key.v))
      await dp.put("backends", row.key, { addr: "0.0.0.0", port: 0, flags: 0 });
}

/** The overlay's classes into the app maps; classes it no longer has lose their ports and
 * prefixes and their steering is invalidated (new entries first, so nothing moving
 * between classes is ever unclassified). */
export async function writeApps(dp: Dataplane, apps: readonly AppClass[]) {
  await setApps(dp, apps);
  const keep = appKeys(apps);
  for (const row of await dp.dump<AppPort, AppId>("app_ports"))
    if (keep.ports.get(portId(row.key)) !== row.values[0]!.app_id)
      await dp.del("app_ports", row.key);
  for (const row of await dp.dump<Lpm, AppId>("app_prefixes"))
    if (keep.prefixes.get(lpmId(row.key)) !== row.values[0]!.app_id)
      await dp.del("app_prefixes", row.key);
  for (const row of await dp.dump<{ v: number }, Steer>("steering"))
    if (row.values[0]!.flags & SteerFlags.valid && !keep.steering.has(row.key.v))
      await dp.put("steering", row.key, { mark: 0, dscp: SteerDscp.keep, flags: 0 });
}

/** Back to an unconfigured data plane: no rules, services or SNAT; the WAN link's
 * entry removed, so the programs fall back to their built-in allow. */
export async function resetDataplane(dp: Dataplane, ifindex: number | null) {
  await applyPolicy(dp, []);
  await removeStale(dp, null);
  await writeApps(dp, []);
  if (ifindex !== null) await dp.del("if_config", { v: ifindex }).catch(() => undefined);
}

export class VerifyError extends Error {
  override name = "VerifyError";
}

function check(ok: boolean, what: string) {
  if (!ok) throw new VerifyError(`verify: ${what}`);
}

/** Reads back the interface entry, the active policy bank and its rules, services,
 * port forwards and SNAT. `bankBefore` is the bank that was active before the apply. */
export async function verifyPlan(
  dp: Dataplane,
  plan: DataplanePlan,
  ifindex: number,
  bankBefore: 0 | 1,
) {
  const ifc = (await dp.get("if_config", { v: ifindex }))?.[0] as
    | { slot: number; default_action: number; flags: number }
    | undefined;
  check(!!ifc, `no interface entry for ifindex ${ifindex}`);
  const want = IfFlags.valid | IfFlags.policy;
  check((ifc!.flags & want) === want, "interface entry is not valid with policy on");
  check(ifc!.default_action === Action[plan.iface.defaultAction], "default action differs");
  check(!!(ifc!.flags & IfFlags.snat) === plan.iface.snat, "SNAT flag differs");

  const bank = await activeBank(dp);
  check(bank !== bankBefore, "the policy bank did not flip");
  const slots = new Map(
    (await dp.dump<{ v: number }, { rule_id: number }>("policy_rules")).map((e) => [
      e.key.v,
      e.values[0]!.rule_id,
    ]),
  );
  for (const [i, r] of plan.rules.entries())
    check(slots.get(bank * MAX_RULES + i) === r.id, `rule ${r.id} is not at priority ${i}`);

  for (const f of plan.forwards) {
    const v = (await dp.get("services", f))?.[0] as SvcValue | undefined;
    check(
      !!v && v.flags === SvcFlags.dnat && v.backend_id === f.backendId,
      `port forward ${svcId(f)} missing`,
    );
  }
  const rings: { off: number; end: number; id: string }[] = [];
  for (const s of plan.services) {
    const v = (await dp.get("services", s))?.[0] as SvcValue | undefined;
    check(!!v && v.flags === SvcFlags.maglev, `service ${svcId(s)} missing`);
    check(v!.ring_size === ringSize(s.backends.length), `service ${svcId(s)}: ring size differs`);
    check(v!.ring_off + v!.ring_size <= MAGLEV_POOL, `service ${svcId(s)}: ring outside the pool`);
    rings.push({ off: v!.ring_off, end: v!.ring_off + v!.ring_size, id: svcId(s) });
  }
  rings.sort((a, b) => a.off - b.off);
  for (let i = 1; i < rings.length; i++)
    check(
      rings[i - 1]!.end <= rings[i]!.off,
      `services ${rings[i - 1]!.id} and ${rings[i]!.id} share ring slots`,
    );
  if (plan.snat) {
    const v = (await dp.get("snat_rules", parsePrefix(plan.snat.from)))?.[0] as
      | { addr: string }
      | undefined;
    check(v?.addr === plan.snat.to, `SNAT ${plan.snat.from} → ${plan.snat.to} missing`);
  }
  await verifyApps(dp, plan.apps ?? []);
}

/** The app maps hold exactly the plan's classes (one dump per map). */
export async function verifyApps(dp: Dataplane, apps: readonly AppClass[]) {
  const want = appKeys(apps);
  const ports = await dp.dump<AppPort, AppId>("app_ports");
  check(
    ports.length === want.ports.size,
    `app ports: ${ports.length}, expected ${want.ports.size}`,
  );
  for (const row of ports)
    check(
      want.ports.get(portId(row.key)) === row.values[0]!.app_id,
      `app port ${portId(row.key)} differs`,
    );
  const prefixes = await dp.dump<Lpm, AppId>("app_prefixes");
  check(prefixes.length === want.prefixes.size, "app prefixes differ");
  for (const [id, s] of want.steering) {
    const v = (await dp.get("steering", { v: id }))?.[0] as Steer | undefined;
    check(
      !!v && v.flags === s.flags && v.mark === s.mark && v.dscp === s.dscp,
      `steering of app ${id} differs`,
    );
  }
}
