// Shared subscriptions (`$share/<group>/<filter>`: MQTT 5's form, which Mosquitto also
// serves to MQTT 3.1.1 clients) for the embedded broker; Aedes has none. They let N ingest
// workers split the devices' reports instead of each getting all of them.
// How: Aedes subscribes the client to the plain filter, and before each delivery
// (authorizeForward) the broker asks whether this client is the member the message goes
// to. Every broker answers that question the same way for the same message, without
// talking to the others: the member is chosen by rendezvous hashing of the device's
// identity over the share's members, which a ShareDirectory lists (this process's only, or
// every broker's through Redis: share-directory.ts). So a message reaches one member of
// each share, whichever broker it entered and whichever brokers the members are on, and
// all of one device's messages go to one member, in order. Every broker hears of a member
// joining or leaving in the same order as the messages (share-directory.ts; on a Redis
// Cluster, within a second), so they agree on who gets each; while they do not, a report
// can reach two members. A report meant for a member that has just gone is lost, as with a
// member that disconnects on Mosquitto, and the device sends the next one anyway.
// Like Mosquitto, a share gets no retained messages when it subscribes.
import type { Client } from "aedes";
import { isCleanText } from "../../../../protocol/text";
import { parseTopic } from "../../../../protocol/topics";

const PREFIX = "$share/";

/** `$share/<group>/<filter>`'s parts; undefined for a plain filter, null for a bad share. */
export function parseShared(topic: string): { group: string; filter: string } | null | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const rest = topic.slice(PREFIX.length);
  const slash = rest.indexOf("/");
  const group = rest.slice(0, slash);
  const filter = rest.slice(slash + 1);
  // Clean text only (protocol/text.ts): brokers announce shares to each other as such.
  if (slash <= 0 || !filter || /[+#]/.test(group) || !isCleanText(topic)) return null;
  return { group, filter };
}

/** MQTT 3.1.1 topic matching (`+` one level, `#` the rest, `$` topics only by name). */
export function filterMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && !filter.startsWith("$")) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** U+0000 cannot occur in an MQTT topic or filter, so it separates them safely. */
export const shareKey = (group: string, filter: string) => `${group}\u0000${filter}`;

/** Where the members of each share are listed: this broker's, or every broker's. */
export interface ShareDirectory {
  /** Resolves once the member counts everywhere for what is published after. */
  join(key: string, clientId: string): Promise<void>;
  leave(key: string, clientId: string): Promise<void>;
  /** The share's members on every broker this directory knows, sorted, without repeats. */
  members(key: string): readonly string[];
}

/** One broker alone: its own clients are all the members there are. */
export class LocalShareDirectory implements ShareDirectory {
  private readonly shares = new Map<string, Set<string>>();
  private readonly sorted = new Map<string, string[]>();

  async join(key: string, clientId: string) {
    const set = this.shares.get(key) ?? new Set();
    set.add(clientId);
    this.shares.set(key, set);
    this.sorted.set(key, [...set].sort());
  }

  async leave(key: string, clientId: string) {
    const set = this.shares.get(key);
    if (!set?.delete(clientId)) return;
    if (set.size > 0) this.sorted.set(key, [...set].sort());
    else {
      this.shares.delete(key);
      this.sorted.delete(key);
    }
  }

  members(key: string) {
    return this.sorted.get(key) ?? [];
  }
}

/** FNV-1a, 32 bits: fast, and the same in every process (unlike a seeded hash). */
function fnv1a(text: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Rendezvous hashing: the member with the highest hash of (member, key). A member joining
 * or leaving moves only the keys it wins or held, so the others keep their devices.
 */
export function chosenMember(members: readonly string[], key: string): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const score = fnv1a(`${m}\u0000${key}`);
    if (score > bestScore || (score === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/** What one client subscribed to: plain filters, and the groups it shares each filter in. */
interface ClientSubscriptions {
  plain: Set<string>;
  shares: Map<string, Set<string>>;
  /** Once it shared a filter, Aedes may hold a subscription forward() must filter. */
  everShared: boolean;
}

export class SharedSubscriptions {
  private readonly clients = new WeakMap<Client, ClientSubscriptions>();

  constructor(private readonly directory: ShareDirectory) {}

  private of(client: Client) {
    let subs = this.clients.get(client);
    if (!subs) {
      subs = { plain: new Set(), shares: new Map(), everShared: false };
      this.clients.set(client, subs);
    }
    return subs;
  }

  /**
   * Records a subscription the broker accepted; resolves to the filter Aedes must subscribe
   * to (a share's plain filter) once the directory has the member: answer the SUBSCRIBE
   * then. Call it only for allowed, well-formed filters.
   */
  async subscribed(client: Client, topic: string): Promise<string> {
    const shared = parseShared(topic);
    const subs = this.of(client);
    if (!shared) {
      subs.plain.add(topic);
      return topic;
    }
    const groups = subs.shares.get(shared.filter) ?? new Set();
    groups.add(shared.group);
    subs.everShared = true;
    subs.shares.set(shared.filter, groups);
    await this.directory.join(shareKey(shared.group, shared.filter), client.id);
    return shared.filter;
  }

  /**
   * After an UNSUBSCRIBE. A share's plain filter stays subscribed in Aedes until the client
   * goes; forward() drops what it no longer wants. Aedes holds one subscription per filter:
   * a plain UNSUBSCRIBE of a filter the client also shares ends both.
   */
  unsubscribed(client: Client, topics: string[]) {
    const subs = this.clients.get(client);
    if (!subs) return;
    for (const topic of topics) {
      const shared = parseShared(topic);
      if (!shared) {
        subs.plain.delete(topic);
        continue;
      }
      const groups = subs.shares.get(shared.filter);
      if (!groups?.delete(shared.group)) continue;
      if (groups.size === 0) subs.shares.delete(shared.filter);
      void this.directory.leave(shareKey(shared.group, shared.filter), client.id);
    }
  }

  disconnected(client: Client) {
    const subs = this.clients.get(client);
    if (!subs) return;
    this.clients.delete(client);
    for (const [filter, groups] of subs.shares)
      for (const group of groups) void this.directory.leave(shareKey(group, filter), client.id);
  }

  /** Whether a message Aedes is about to deliver to `client` is this client's to get. */
  forward(client: Client, packet: { topic: string; retain?: boolean }): boolean {
    const subs = this.clients.get(client);
    if (!subs?.everShared) return true; // devices: plain subscriptions only
    for (const filter of subs.plain) if (filterMatches(filter, packet.topic)) return true;
    // Routed messages arrive with retain cleared; a set flag is a retained message sent
    // because of the SUBSCRIBE, which a share does not get.
    if (packet.retain) return false;
    const key = parseTopic(packet.topic)?.identity ?? packet.topic;
    for (const [filter, groups] of subs.shares) {
      if (!filterMatches(filter, packet.topic)) continue;
      for (const group of groups)
        if (chosenMember(this.directory.members(shareKey(group, filter)), key) === client.id)
          return true;
    }
    return false;
  }
}
