// Retained messages of the embedded broker when it runs alone, looked up by topic.
// Aedes' memory persistence answers every SUBSCRIBE by testing each filter against every
// retained message it holds. A fleet keeps a few retained messages per device (desired
// state, reports, presence), and each connecting agent subscribes to its own topics, so
// every connect scanned the whole fleet: 10,000 agents meant 40,000 tests per connect and
// the connect rate fell as the fleet grew. Devices may subscribe only to exact topics
// (protocol/acl.ts), so those are a map lookup here; only a filter with wildcards (the
// control plane's, once per connection) still scans. The Redis persistence of a cluster
// already looks exact topics up by key.
import memoryPersistence, { type AedesPersistence } from "aedes-persistence";
import { filterMatches } from "./shared-subscriptions";

/** What Aedes stores: a PUBLISH packet (with more fields, kept as they are). */
export interface Packet {
  topic: string;
  payload: Buffer;
}

const hasWildcard = (filter: string) => filter.includes("+") || filter.includes("#");

export class RetainedMessages {
  private readonly byTopic = new Map<string, Packet>();

  get size() {
    return this.byTopic.size;
  }

  /** An empty payload removes the topic's retained message, as MQTT says. */
  store(packet: Packet) {
    if (packet.payload.length === 0) this.byTopic.delete(packet.topic);
    else this.byTopic.set(packet.topic, { ...packet });
  }

  /** The retained messages matching any of the filters, each once. */
  *match(filters: readonly string[]): Generator<Packet> {
    const sent = new Set<string>();
    const wildcards: string[] = [];
    for (const filter of filters) {
      if (hasWildcard(filter)) {
        wildcards.push(filter);
        continue;
      }
      const packet = this.byTopic.get(filter);
      if (packet && !sent.has(filter)) {
        sent.add(filter);
        yield packet;
      }
    }
    if (wildcards.length === 0) return;
    for (const [topic, packet] of this.byTopic)
      if (!sent.has(topic) && wildcards.some((f) => filterMatches(f, topic))) yield packet;
  }
}

/** The persistence Aedes would make by default, with retained messages in RetainedMessages. */
export function indexedMemoryPersistence(): AedesPersistence {
  const persistence = memoryPersistence() as unknown as AedesPersistence & {
    asyncPersistence: {
      storeRetained(packet: Packet): Promise<void>;
      createRetainedStream(filter: string): Iterable<Packet>;
      createRetainedStreamCombi(filters: string[]): Iterable<Packet>;
    };
  };
  const retained = new RetainedMessages();
  // The callback layer hands these three to its async core and streams what they yield.
  const core = persistence.asyncPersistence;
  core.storeRetained = async (packet) => retained.store(packet);
  core.createRetainedStream = (filter) => retained.match([filter]);
  core.createRetainedStreamCombi = (filters) => retained.match(filters);
  return persistence;
}
