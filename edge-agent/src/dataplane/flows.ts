// Flow table export and the conntrack reaper.
import { CtDir, ctTimeout, Nat } from "./constants";
import type { Dataplane } from "./dataplane";

export interface FlowKey {
  saddr: string;
  daddr: string;
  sport: number;
  dport: number;
  proto: number;
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
 * The data plane never reads the clock on established packets, so idleness is
 * judged here: a half whose packet count moved since the previous sweep was active
 * at that sweep. A half is idle once now passes both its `expires` (set at creation
 * and state changes) and its last activity + its state's timeout; a pair is deleted
 * when both halves are idle. The memory is only an optimisation of liveness: after an
 * agent restart every flow counts as active once, so nothing live is ever cut.
 */
export class ConntrackReaper {
  private seen = new Map<string, { packets: bigint; active: bigint }>();

  async sweep(dp: Dataplane, now?: bigint): Promise<number> {
    const t = now ?? (await dp.now());
    const rows = await dumpConntrack(dp);
    const next = new Map<string, { packets: bigint; active: bigint }>();
    const idle = new Map<string, boolean>();
    for (const r of rows) {
      const k = id(r.key);
      const prev = this.seen.get(k);
      const active = prev && prev.packets === r.entry.packets ? prev.active : t;
      next.set(k, { packets: r.entry.packets, active });
      const deadline = active + ctTimeout(r.key.proto, r.entry.state);
      idle.set(k, t > r.entry.expires && t > deadline);
    }
    this.seen = next;
    let reaped = 0;
    for (const r of rows) {
      const k = id(r.key);
      if (!idle.get(k) || idle.get(id(peerKey(r.key, r.entry))) === false) continue;
      await dp.del("conntrack", r.key).catch(() => undefined);
      this.seen.delete(k);
      reaped++;
    }
    return reaped;
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
