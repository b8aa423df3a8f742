// Flow table export and the conntrack reaper.
import { CtDir, Nat } from "./constants";
import type { Dataplane } from "./dataplane";

export interface FlowKey {
  saddr: string;
  daddr: string;
  sport: number;
  dport: number;
  proto: number;
  /** 4 or 6 (enum family); taken from the addresses when left out. */
  family?: number;
}

export interface CtEntry {
  expires: bigint;
  packets: bigint;
  bytes: bigint;
  nat_addr: string;
  nat_port: number;
  nat: number;
  state: number;
  dir: number;
  flags: number;
  app_id: number;
  mark: number;
  rule_id: number;
  dscp: number;
  backend_id: number;
}

export async function dumpConntrack(dp: Dataplane): Promise<{ key: FlowKey; entry: CtEntry }[]> {
  const rows = await dp.dump<FlowKey, CtEntry>("conntrack");
  return rows.map((r) => ({ key: r.key, entry: r.values[0]! }));
}

/** The tuple the other direction arrives with: reverse of this one after its NAT. */
export function peerKey(key: FlowKey, e: CtEntry): FlowKey {
  const t = { ...key };
  if (e.nat === Nat.src) Object.assign(t, { saddr: e.nat_addr, sport: e.nat_port });
  if (e.nat === Nat.dst) Object.assign(t, { daddr: e.nat_addr, dport: e.nat_port });
  return { saddr: t.daddr, daddr: t.saddr, sport: t.dport, dport: t.sport, proto: t.proto };
}

const id = (k: FlowKey) => `${k.proto}|${k.saddr}|${k.sport}|${k.daddr}|${k.dport}`;

/**
 * Deletes conntrack halves past their expiry. The data path already ignores them
 * (it compares `expires` with its clock on every hit) and keeps both halves of a live
 * flow renewed, whichever direction carries the traffic; this only gives the memory
 * back before LRU would. The walk runs inside the loader in bounded batches
 * (`expire`), so a full table never crosses the pipe.
 */
export class ConntrackReaper {
  async sweep(dp: Dataplane, now?: bigint): Promise<number> {
    const t = now ?? (await dp.now());
    return (await dp.expire("conntrack", "expires", t)).deleted;
  }
}

export interface FlowRecord {
  key: FlowKey;
  packets: bigint;
  bytes: bigint;
  replyPackets: bigint;
  replyBytes: bigint;
  appId: number;
  ruleId: number;
  backendId: number;
  state: number;
}

/** One record per connection (keyed by its originating tuple), for telemetry. */
export async function exportFlows(dp: Dataplane): Promise<FlowRecord[]> {
  const rows = await dumpConntrack(dp);
  const byId = new Map(rows.map((r) => [id(r.key), r]));
  return rows
    .filter((r) => r.entry.dir === CtDir.orig)
    .map((r) => {
      const reply = byId.get(id(peerKey(r.key, r.entry)))?.entry;
      return {
        key: r.key,
        packets: r.entry.packets,
        bytes: r.entry.bytes,
        replyPackets: reply?.packets ?? 0n,
        replyBytes: reply?.bytes ?? 0n,
        appId: r.entry.app_id,
        ruleId: r.entry.rule_id,
        backendId: r.entry.backend_id,
        state: r.entry.state,
      };
    });
}

/** A backend removed for good (not just drained): its connections are cut so that
 * clients reconnect and land on a live backend. Backend id 0 is reserved (it is the
 * "no backend" value of plain and SNAT flows). */
export async function purgeBackendFlows(dp: Dataplane, backendId: number): Promise<number> {
  if (backendId === 0) throw new Error("backend id 0 is reserved");
  let n = 0;
  for (const r of await dumpConntrack(dp)) {
    if (r.entry.backend_id !== backendId) continue;
    await dp.del("conntrack", r.key).catch(() => undefined);
    n++;
  }
  return n;
}
