// The members of every shared subscription across brokers that cluster through Redis
// (cluster.ts), so that each broker chooses a message's member the same way
// (shared-subscriptions.ts).
// Changes travel with the messages: a broker announces a member joining or leaving through
// the cluster's own emitter (the Redis connection that carries every MQTT publish), and
// only then answers the SUBSCRIBE. Redis hands one connection its messages in the order it
// processed them, so every broker applies the change before any publish that Redis took
// after it: a report a device sends once a worker has its SUBACK is judged, on every
// broker, with that worker among the members. A Redis Cluster keeps no such order between
// channels published through different nodes: there the brokers agree within a beat.
// Behind the changes, a hash of every broker's members and a key per broker kept alive
// every second, re-read every second: a broker that stops answering drops out of everyone's
// view within ALIVE_MS (its members' connections went with it and come back through
// another broker), and its entries are removed. A broker's own members come from its memory.
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { log as baseLog, type Logger } from "../../../platform/log/logger";
import type { RedisClient } from "../../../platform/redis";
import { type ShareDirectory, shareKey } from "./shared-subscriptions";

const BEAT_MS = 1_000;
const ALIVE_MS = 3_000;
const HASH = "shares";
const aliveKey = (brokerId: string) => `broker:${brokerId}`;
/** Fields: broker, share key (group, filter) and client id, joined by U+0000. */
const SEP = "\u0000";

/** A member joining or leaving one share, as announced between brokers. */
export const ZShareChange = z.object({
  brokerId: zText().min(1).max(100),
  group: zText().min(1).max(65_535),
  filter: zText().min(1).max(65_535),
  clientId: zText().min(1).max(65_535),
  joined: z.boolean(),
});
export type ShareChange = z.infer<typeof ZShareChange>;
type Change = { key: string; clientId: string; joined: boolean };

/** The share key (shared-subscriptions.ts) is its group and filter joined by U+0000. */
const changeOf = (c: ShareChange): Change => ({
  key: shareKey(c.group, c.filter),
  clientId: c.clientId,
  joined: c.joined,
});

/** The cluster's ordered channel between brokers (cluster.ts: the MQTT emitter). */
export interface ShareAnnouncer {
  publish(change: ShareChange): Promise<void>;
  subscribe(cb: (change: ShareChange) => void): Promise<() => Promise<void>>;
}

export interface RedisShareDirectoryOptions {
  brokerId: string;
  /** Commands, with the cluster's hash-tagged keyPrefix (cluster.ts). */
  redis: RedisClient;
  announcer: ShareAnnouncer;
  log?: Logger;
}

function apply(remote: Map<string, Set<string>>, change: Change) {
  const set = remote.get(change.key) ?? new Set<string>();
  if (change.joined) set.add(change.clientId);
  else set.delete(change.clientId);
  if (set.size > 0) remote.set(change.key, set);
  else remote.delete(change.key);
}

export class RedisShareDirectory implements ShareDirectory {
  private readonly local = new Map<string, Set<string>>();
  /** Other brokers' live members per share. */
  private remote = new Map<string, Set<string>>();
  private readonly view = new Map<string, string[]>();
  /** Changes heard while a read is under way: applied again on top of what it read. */
  private heardDuringRead?: Change[];
  private unsubscribe?: () => Promise<void>;
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private closed = false;
  private readonly writes = new Set<Promise<void>>();
  private readonly log: Logger;

  constructor(private readonly o: RedisShareDirectoryOptions) {
    this.log = o.log ?? baseLog.child({ component: "fleet-broker" });
  }

  async start() {
    await this.o.redis.set(aliveKey(this.o.brokerId), "1", "PX", ALIVE_MS);
    this.unsubscribe = await this.o.announcer.subscribe((announced) => {
      if (announced.brokerId === this.o.brokerId) return;
      const change = changeOf(announced);
      this.heardDuringRead?.push(change);
      apply(this.remote, change);
      this.recompute(change.key);
    });
    await this.read();
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
  }

  members(key: string) {
    return this.view.get(key) ?? [];
  }

  /** Resolves once every broker will have heard of it before any later publish. */
  join(key: string, clientId: string) {
    const set = this.local.get(key) ?? new Set();
    set.add(clientId);
    this.local.set(key, set);
    this.recompute(key);
    return this.write(key, clientId, true);
  }

  leave(key: string, clientId: string) {
    const set = this.local.get(key);
    if (!set?.delete(clientId)) return Promise.resolve();
    if (set.size === 0) this.local.delete(key);
    this.recompute(key);
    return this.write(key, clientId, false);
  }

  /**
   * Hands this broker's members over before its clients go: each leave is announced (the
   * emitter still runs), so the other brokers stop choosing them in order, with nothing
   * lost in between. Idempotent; leaves after it change nothing.
   */
  async close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.reading;
    const leaving = [...this.local].flatMap(([key, ids]) => [...ids].map((id) => ({ key, id })));
    this.local.clear();
    for (const key of new Set(leaving.map((l) => l.key))) this.recompute(key);
    await Promise.all(leaving.map((l) => this.write(l.key, l.id, false)));
    await Promise.all(this.writes);
    await this.o.redis.del(aliveKey(this.o.brokerId)).catch(() => undefined);
    await this.unsubscribe?.();
  }

  private field(key: string, clientId: string) {
    return [this.o.brokerId, key, clientId].join(SEP);
  }

  /**
   * Recorded in the hash first, then announced: a broker that reads the hash after hearing
   * the change finds it there. A failure is logged, not thrown: the next beat writes the
   * hash again and the others read it.
   */
  private write(key: string, clientId: string, joined: boolean) {
    const field = this.field(key, clientId);
    const [group, filter] = key.split(SEP) as [string, string];
    const change = { brokerId: this.o.brokerId, group, filter, clientId, joined };
    const done = (joined ? this.o.redis.hset(HASH, field, "1") : this.o.redis.hdel(HASH, field))
      .then(() => this.o.announcer.publish(change))
      .catch((error: Error) =>
        this.log.warn("shared subscription change not announced; the next beat writes it", {
          error: error.message,
        }),
      )
      .finally(() => this.writes.delete(done));
    this.writes.add(done);
    return done;
  }

  /** Keeps this broker alive, re-asserts its members (a beat may have found it dead), reads. */
  private async beat() {
    if (this.closed || this.reading) return;
    this.reading = (async () => {
      const pipeline = this.o.redis.pipeline();
      pipeline.set(aliveKey(this.o.brokerId), "1", "PX", ALIVE_MS);
      for (const [key, ids] of this.local)
        for (const id of ids) pipeline.hset(HASH, this.field(key, id), "1");
      await pipeline.exec();
      await this.read();
    })()
      .catch((error: Error) =>
        this.log.warn("shared subscriptions: beat failed", { error: error.message }),
      )
      .finally(() => {
        this.reading = undefined;
      });
  }

  private async read() {
    this.heardDuringRead = [];
    try {
      const entries = Object.keys(await this.o.redis.hgetall(HASH)).map((f) => f.split(SEP));
      const brokers = [...new Set(entries.map((e) => e[0] as string))].filter(
        (b) => b !== this.o.brokerId,
      );
      const alive = new Set<string>();
      if (brokers.length > 0) {
        const flags = await this.o.redis.mget(...brokers.map(aliveKey));
        for (const [i, b] of brokers.entries()) if (flags[i]) alive.add(b);
      }
      const remote = new Map<string, Set<string>>();
      const stale: string[] = [];
      for (const e of entries) {
        if (e.length !== 4) continue;
        const [broker, group, filter, clientId] = e as [string, string, string, string];
        const key = shareKey(group, filter);
        if (broker === this.o.brokerId) {
          // One of ours whose removal failed: removed now.
          if (!this.local.get(key)?.has(clientId)) stale.push(e.join(SEP));
          continue;
        }
        if (!alive.has(broker)) {
          stale.push(e.join(SEP));
          continue;
        }
        apply(remote, { key, clientId, joined: true });
      }
      // What was heard meanwhile may be newer than what was read: it goes on top, in order.
      for (const change of this.heardDuringRead) apply(remote, change);
      const keys = new Set([...this.remote.keys(), ...remote.keys()]);
      this.remote = remote;
      for (const key of keys) this.recompute(key);
      if (stale.length > 0) await this.o.redis.hdel(HASH, ...stale);
    } finally {
      this.heardDuringRead = undefined;
    }
  }

  private recompute(key: string) {
    const all = new Set([...(this.local.get(key) ?? []), ...(this.remote.get(key) ?? [])]);
    if (all.size > 0) this.view.set(key, [...all].sort());
    else this.view.delete(key);
  }
}
