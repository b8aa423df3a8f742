// Embedded brokers that act as one (FLEET_BROKER_CLUSTER=redis): Aedes's own clustering,
// over Redis. mqemitter-redis carries every message to every broker (a device's report on
// broker B reaches the ingest connected to A); aedes-persistence-redis keeps retained
// messages (each device's desired state), persistent sessions, in-flight QoS 1/2 messages
// and last wills in Redis, so that a broker restart loses none of them. Aedes itself closes
// a client on one broker when its client id connects to another (duplicate identity), and
// publishes the wills of a broker that stopped beating. Shared subscriptions, kicks and
// trust are ours (share-directory.ts, kick.ts, workers/fleet-broker.ts).
// Keys: every key is under one hash tag, `{<REDIS_PREFIX>:mqtt}:`. aedes-persistence-redis
// writes several keys per command (MSET, multi-key DEL) and, given a connection, cannot know
// it is talking to a Redis Cluster; one tag puts them all in one slot, so the same code runs
// on one Redis or a Cluster (the broker's state then lives on one node of the Cluster).
// Channels: MQTT topics become Redis channels under `<REDIS_PREFIX>:mqtt/`; on a Redis
// Cluster every PUBLISH reaches every node, each broker's through one node (in order).
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { Cluster } from "ioredis";
import { log as baseLog, type Logger } from "../../../platform/log/logger";
import { connectRedis, quitRedis, type RedisClient } from "../../../platform/redis";
import { RedisShareDirectory, type ShareAnnouncer, ZShareChange } from "./share-directory";

const require = createRequire(import.meta.url);

/** The parts of mqemitter-redis and aedes-persistence-redis we use (they ship no types for these). */
type MqPacket = { topic: string; payload: Buffer };
type MqListener = (packet: MqPacket, done: () => void) => void;
interface MqEmitter {
  state: { on(event: "error", cb: (error: Error) => void): void };
  emit(packet: MqPacket, done: (error?: Error) => void): void;
  on(topic: string, listener: MqListener, done: () => void): void;
  removeListener(topic: string, listener: MqListener, done?: () => void): void;
  close(cb: () => void): void;
}
type AsyncIterableOrStream = AsyncIterable<unknown> | Iterable<unknown>;
type WillOwner = { id: string; brokerId?: string };
interface AsyncRedisPersistence {
  createRetainedStreamCombi(patterns: string[]): AsyncIterableOrStream;
  createRetainedStream(pattern: string): AsyncIterableOrStream;
  outgoingStream(client: unknown): AsyncIterableOrStream;
  streamWill(brokers: unknown): AsyncIterableOrStream;
  putWill(client: WillOwner, packet: unknown): Promise<void>;
  delWill(client: WillOwner): Promise<unknown>;
  destroy(): Promise<void>;
}

const { MQEmitterRedisPrefix } = require("mqemitter-redis") as {
  MQEmitterRedisPrefix: new (
    prefix: string,
    o: { subConn: RedisClient; pubConn: RedisClient; matchEmptyLevels: boolean },
  ) => MqEmitter;
};
const AsyncRedisPersistenceBase =
  require("aedes-persistence-redis/asyncPersistence.js") as new (o: {
    conn: RedisClient;
  }) => AsyncRedisPersistence;

const willOwnerKey = (clientId: string) => `will-owner:${encodeURIComponent(clientId)}`;

/**
 * Two fixes to aedes-persistence-redis, both found by running it with Aedes 1.x:
 * - Aedes pipes the streams a persistence returns; this one returns async generators
 *   (retained messages failed with "stream.pipe is not a function"): the same, as Readables.
 * - At CONNECT, Aedes deletes the client's previous will by a key of its *old* broker's
 *   id, which it does not know (`will:undefined:<id>`): a device that moved to another
 *   broker after a crash kept its old will, which the cluster then published ("offline")
 *   while the device was online. Each will's broker is recorded, and such a will deleted.
 */
class RedisPersistence extends AsyncRedisPersistenceBase {
  constructor(
    private readonly conn: RedisClient,
    private readonly brokerId: string,
  ) {
    super({ conn });
  }

  override async putWill(client: WillOwner, packet: unknown) {
    await super.putWill(client, packet);
    await this.conn.set(willOwnerKey(client.id), this.brokerId);
  }

  override async delWill(client: WillOwner) {
    if (client.brokerId !== undefined) return super.delWill(client);
    // A client connecting: whatever will a broker keeps for it is from a session now over.
    const owner = await this.conn.get(willOwnerKey(client.id));
    return owner ? super.delWill({ id: client.id, brokerId: owner }) : null;
  }
  override createRetainedStreamCombi(patterns: string[]) {
    return Readable.from(super.createRetainedStreamCombi(patterns));
  }
  override createRetainedStream(pattern: string) {
    return Readable.from(super.createRetainedStream(pattern));
  }
  override outgoingStream(client: unknown) {
    return Readable.from(super.outgoingStream(client));
  }
  override streamWill(brokers: unknown) {
    return Readable.from(super.streamWill(brokers));
  }
}

export interface BrokerClusterOptions {
  /** The brokers' Redis (one server); absent: the stack's (REDIS_URL or REDIS_CLUSTER_NODES). */
  redisUrl?: string;
  /** REDIS_PREFIX: brokers of one stack cluster together, other stacks' do not see them. */
  prefix: string;
  /**
   * How often each broker tells the others it is alive. A broker silent for three beats is
   * taken as gone: its devices' last wills are published (within about seven beats).
   */
  heartbeatMs?: number;
  log?: Logger;
}

export interface BrokerCluster {
  /** Options for Aedes.createBroker. */
  aedes: { id: string; mq: MqEmitter; persistence: RedisPersistence; heartbeatInterval: number };
  shares: RedisShareDirectory;
  /** After Aedes.createBroker. */
  start(): Promise<void>;
  /** After aedes.close(), which closes the emitter (and its two connections) itself. */
  close(): Promise<void>;
}

/**
 * Share changes on the emitter itself: not a topic any client can publish or subscribe to
 * ($SYS is refused to devices and the control plane alike), and in order with every
 * message, since one Redis connection carries them all to each broker.
 */
const SHARES_TOPIC = "$SYS/patronus/shares";

function emitterAnnouncer(mq: MqEmitter, log: Logger): ShareAnnouncer {
  return {
    publish: (change) =>
      new Promise<void>((resolve, reject) =>
        mq.emit({ topic: SHARES_TOPIC, payload: Buffer.from(JSON.stringify(change)) }, (error) =>
          error ? reject(error) : resolve(),
        ),
      ),
    subscribe: (cb) =>
      new Promise((resolve) => {
        const listener: MqListener = (packet, done) => {
          try {
            cb(ZShareChange.parse(JSON.parse(packet.payload.toString())));
          } catch (error) {
            log.warn("ignored a malformed share change", { error: (error as Error).message });
          }
          done();
        };
        // Unsubscribing does not wait: at close, the emitter may be gone already.
        mq.on(SHARES_TOPIC, listener, () =>
          resolve(async () => mq.removeListener(SHARES_TOPIC, listener)),
        );
      }),
  };
}

const address = (node: { options: { host?: string; port?: number } }) =>
  `${node.options.host}:${node.options.port}`;

/**
 * The emitter's publishing connection, made to keep its publishes in order. Aedes drops a
 * message from another broker whose counter is not above the last one it delivered from
 * that broker (its duplicate check), so every broker's publishes must reach the others in
 * the order sent. A Redis Cluster runs a PUBLISH (a command without a key) on any node and
 * forwards it from there: two publishes through different nodes could arrive in either
 * order, and the older one was lost (test/platform/redis-cluster/fleet-broker.int.test.ts).
 * Through one node they keep their order: the first master by address, the same while the
 * cluster's masters stay the same (a failover may reorder the few publishes in flight).
 */
function orderedPublisher(conn: RedisClient): RedisClient {
  if (!(conn instanceof Cluster)) return conn;
  const anyNode = conn.publish.bind(conn);
  const pinned = () =>
    conn
      .nodes("master")
      .sort((a, b) => address(a).localeCompare(address(b)))
      .at(0);
  conn.publish = ((channel: string | Buffer, message: string | Buffer) => {
    const node = pinned();
    return node ? node.publish(channel, message) : anyNode(channel, message);
  }) as Cluster["publish"];
  return conn;
}

export function redisCluster(o: BrokerClusterOptions): BrokerCluster {
  const log = o.log ?? baseLog.child({ component: "fleet-broker" });
  const connect = (keyPrefix?: string) => {
    const redis = connectRedis(
      { maxRetriesPerRequest: null, ...(keyPrefix ? { keyPrefix } : {}) },
      o.redisUrl,
    );
    redis.on("error", (error: Error) => log.warn("broker Redis", { error: error.message }));
    return redis;
  };
  const id = randomUUID();
  const commands = connect(`{${o.prefix}:mqtt}:`);
  const mq = new MQEmitterRedisPrefix(`${o.prefix}:mqtt/`, {
    subConn: connect(),
    pubConn: orderedPublisher(connect()),
    matchEmptyLevels: true, // as Aedes's own emitter [MQTT-4.7.1-3]
  });
  // Without a listener an emitter 'error' would end the process.
  mq.state.on("error", (error) => log.warn("broker Redis pub/sub", { error: error.message }));
  const persistence = new RedisPersistence(commands, id);
  const shares = new RedisShareDirectory({
    brokerId: id,
    redis: commands,
    announcer: emitterAnnouncer(mq, log),
    log,
  });
  return {
    aedes: { id, mq, persistence, heartbeatInterval: o.heartbeatMs ?? 5_000 },
    shares,
    start: () => shares.start(),
    async close() {
      await shares.close(); // done already when the broker closed normally
      // destroy() unsubscribes through the closed emitter and disconnects `commands`.
      await persistence.destroy().catch(() => undefined);
      await quitRedis(commands);
    },
  };
}
