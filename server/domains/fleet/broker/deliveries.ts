// Each message at most once per client, without assuming that messages arrive in order.
// Aedes's own duplicate check delivers a message from broker X to a client only when its
// counter is above the last one from X that the client got. The counters do not arrive in
// order: a broker numbers a message when it takes it and hands it on only after persisting
// it, so a retained report (which waits for its Redis write) numbered before a heartbeat is
// handed on after it, and Aedes then dropped the report for every subscriber; on a Redis
// Cluster, publishes through different nodes could overtake each other too. Lost reports
// were lost acks (test/platform/redis-cluster/fleet-broker.int.test.ts, the chaos test).
import type { Client } from "aedes";

/** Deliveries remembered per client: far more than can be in flight to one at a time. */
const WINDOW = 10_000;

interface Numbered {
  brokerId?: string;
  brokerCounter?: number;
}

/** Turns off Aedes's ordered check for `client` (call at CONNECT, before it subscribes). */
export function withoutOrderedDedupe(client: Client) {
  // Aedes reads `duplicates[brokerId] || 0` and stores the counter it delivered: a map that
  // keeps nothing makes every counter look new.
  (client as unknown as { duplicates: object }).duplicates = new Proxy(
    {},
    { get: () => undefined, set: () => true },
  );
}

export class Deliveries {
  private readonly seen = new WeakMap<Client, Set<string>>();

  /** True the first time `packet` goes to `client`; false for the same message again. */
  first(client: Client, packet: Numbered) {
    if (!packet.brokerId) return true;
    const key = `${packet.brokerId}:${packet.brokerCounter}`;
    let seen = this.seen.get(client);
    if (!seen) {
      seen = new Set();
      this.seen.set(client, seen);
    }
    if (seen.has(key)) return false;
    seen.add(key);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (seen.size > WINDOW) seen.delete(seen.values().next().value as string);
    return true;
  }
}
