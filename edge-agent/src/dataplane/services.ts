// Load-balanced services and port forwards: backends, Maglev rings and `services`
// entries. A ring is never rewritten while a service points at it: the new ring goes
// to free slots of the pool (maglev-pool.ts), then the service's entry is replaced in
// one update (a hash-map update swaps the element, so a reader holds the old or the
// new one), which also frees the old ring. Packets thus see a complete ring, old or new.
import { isIPv4 } from "node:net";
import { addrBytes } from "../../../protocol/addr";
import { BackendFlags, MAX_BACKENDS, Proto, SvcFlags } from "./constants";
import type { Dataplane } from "./dataplane";
import { purgeBackendFlows } from "./flows";
import { maglevRing, ringSize } from "./maglev";
import { fitRings, type Ring, stageRings } from "./maglev-pool";

export interface ServiceConfig {
  vip: string; // IPv4 or IPv6; backends of the same family
  port: number;
  proto: number;
  backends: { id: number; addr: string; port: number; healthy?: boolean }[];
}

type SvcKey = { vip: string; port: number; proto: number };
type SvcValue = { ring_off: number; ring_size: number; flags: number; backend_id: number };

const keyOf = (s: SvcKey): SvcKey => ({ vip: s.vip, port: s.port, proto: s.proto });
const keyId = (k: SvcKey) => `${addrBytes(k.vip).toString("hex")}:${k.port}/${k.proto}`;

function checkPort(what: string, port: number) {
  if (!Number.isInteger(port) || port < 1 || port > 0xffff)
    throw new Error(`${what}: port ${port} is not 1-65535`);
}

function checkProto(what: string, proto: number) {
  if (proto !== Proto.tcp && proto !== Proto.udp)
    throw new Error(`${what}: protocol ${proto} is not TCP (6) or UDP (17)`);
}

function checkBackendId(what: string, id: number) {
  if (!Number.isInteger(id) || id < 1 || id >= MAX_BACKENDS)
    throw new Error(`${what}: backend id ${id} is not 1-${MAX_BACKENDS - 1} (0 is reserved)`);
}

/** The NAT keeps the address family, so a backend must have the VIP's. */
function checkFamily(what: string, vip: string, addr: string) {
  addrBytes(vip); // throws on a malformed address
  addrBytes(addr);
  if (isIPv4(vip) !== isIPv4(addr))
    throw new Error(`${what}: backend ${addr} and VIP ${vip} are of different address families`);
}

function checkService(s: ServiceConfig) {
  const what = `service ${s.vip}:${s.port}/${s.proto}`;
  checkPort(what, s.port);
  checkProto(what, s.proto);
  const ids = new Set<number>();
  for (const b of s.backends) {
    checkBackendId(what, b.id);
    if (ids.has(b.id)) throw new Error(`${what}: backend id ${b.id} appears twice`);
    ids.add(b.id);
    checkPort(what, b.port);
    checkFamily(what, s.vip, b.addr);
  }
  ringSize(s.backends.length); // throws when one ring cannot hold them
}

/** A service's ring as backend ids by slot; empty when no backend is healthy. */
function ringOf(s: ServiceConfig): number[] {
  const table = maglevRing(
    s.backends.map((b) => `${b.addr}:${b.port}`),
    s.backends.map((b) => b.healthy !== false),
    ringSize(s.backends.length),
  );
  return table.map((i) => s.backends[i]!.id);
}

async function putBackends(dp: Dataplane, s: ServiceConfig) {
  await dp.putMany(
    "backends",
    s.backends.map((b) => [{ v: b.id }, { addr: b.addr, port: b.port, flags: BackendFlags.valid }]),
  );
}

async function maglevServices(dp: Dataplane) {
  const rows = await dp.dump<SvcKey, SvcValue>("services");
  return rows.filter((r) => r.values[0]!.flags & SvcFlags.maglev);
}

const ringOfRow = (v: SvcValue): Ring => ({ off: v.ring_off, size: v.ring_size });

async function writeRing(dp: Dataplane, off: number, ring: readonly number[]) {
  await dp.putMany(
    "maglev",
    ring.map((id, slot) => [{ v: off + slot }, { v: id }]),
  );
}

const maglevValue = (off: number, size: number) => ({
  ring_off: off,
  ring_size: size,
  flags: SvcFlags.maglev,
  backend_id: 0,
});

/** One load-balanced service, the others left as they are: its new ring goes to the
 * first free slots, then the service switches to it. Unhealthy backends leave the
 * ring (their existing flows stay through conntrack until they end); the ring's size
 * follows the configured count and the table is built over all of them
 * (maglevRing), so a drain moves only the drained backend's slots. */
export async function setService(dp: Dataplane, s: ServiceConfig): Promise<void> {
  checkService(s);
  await putBackends(dp, s);
  const ring = ringOf(s);
  const key = keyOf(s);
  if (ring.length === 0) {
    await dp.del("services", key).catch(() => undefined);
    return;
  }
  const used = (await maglevServices(dp)).map((r) => ringOfRow(r.values[0]!));
  const [off] = fitRings(used, [ring.length]);
  await writeRing(dp, off!, ring);
  await dp.put("services", key, maglevValue(off!, ring.length));
}

/**
 * The device's whole set of load-balanced services (what the agent applies): Maglev
 * services not in the set are removed, every ring is staged in a pool region no live
 * ring uses, then all services switch in one loader request and the old region is
 * free. Port forwards are left alone.
 */
export async function setServices(dp: Dataplane, services: readonly ServiceConfig[]) {
  const keys = new Set<string>();
  for (const s of services) {
    checkService(s);
    const id = keyId(s);
    if (keys.has(id)) throw new Error(`service ${s.vip}:${s.port}/${s.proto} appears twice`);
    keys.add(id);
  }
  const used: Ring[] = [];
  for (const row of await maglevServices(dp))
    if (keys.has(keyId(row.key))) used.push(ringOfRow(row.values[0]!));
    else await dp.del("services", row.key); // leaving: its ring must not block staging
  for (const s of services) await putBackends(dp, s);
  const rings = services.map((s) => ({ s, ring: ringOf(s) }));
  const served = rings.filter((r) => r.ring.length > 0);
  const sizes = served.map((r) => r.ring.length);
  const offsets = stageRings(used, sizes) ?? fitRings(used, sizes);
  for (const [i, r] of served.entries()) await writeRing(dp, offsets[i]!, r.ring);
  if (served.length)
    await dp.putMany(
      "services",
      served.map((r, i) => [keyOf(r.s), maglevValue(offsets[i]!, sizes[i]!)]),
    );
  for (const r of rings)
    if (!r.ring.length) await dp.del("services", keyOf(r.s)).catch(() => undefined);
}

/** Health says a backend is gone for good: out of the ring, marked invalid (so a
 * racing new flow drops instead of reaching it) and its connections purged. It stays
 * in the table's construction as an unhealthy member, so exactly its own slots move;
 * dropping it from the configuration later rebuilds the table without it. */
export async function removeBackend(
  dp: Dataplane,
  s: ServiceConfig,
  backendId: number,
): Promise<number> {
  const backends = s.backends.map((b) => (b.id === backendId ? { ...b, healthy: false } : b));
  await setService(dp, { ...s, backends });
  await dp.put("backends", { v: backendId }, { addr: "::", port: 0, flags: 0 });
  return purgeBackendFlows(dp, backendId);
}

/** Port forwarding / DNAT: vip:port -> one inner address:port. */
export async function setPortForward(
  dp: Dataplane,
  f: { vip: string; port: number; proto: number; backendId: number; to: string; toPort: number },
): Promise<void> {
  const what = `port forward ${f.vip}:${f.port}/${f.proto}`;
  checkPort(what, f.port);
  checkProto(what, f.proto);
  checkPort(what, f.toPort);
  checkBackendId(what, f.backendId);
  checkFamily(what, f.vip, f.to);
  const be = { addr: f.to, port: f.toPort, flags: BackendFlags.valid };
  await dp.put("backends", { v: f.backendId }, be);
  await dp.put("services", keyOf(f), {
    ring_off: 0,
    ring_size: 0,
    flags: SvcFlags.dnat,
    backend_id: f.backendId,
  });
}
