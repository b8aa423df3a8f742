// REDIS_CLUSTER_NODES: what it accepts, how it fails, and the connections made from it (each
// role's options on every node, as on a single Redis).
import { Cluster, Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { env, parseEnv } from "../../server/platform/env";
import {
  connectRedis,
  createProducerRedis,
  createRedis,
  orgSlot,
  type RedisClient,
  redisKey,
} from "../../server/platform/redis";
import { parseRedisClusterNodes } from "../../server/platform/redis-nodes";

describe("parseRedisClusterNodes", () => {
  it("is no cluster when empty", () => {
    expect(parseRedisClusterNodes("")).toBeNull();
    expect(parseRedisClusterNodes(" , ")).toBeNull();
    expect(parseRedisClusterNodes(undefined)).toBeNull();
  });

  it("takes host:port, [ipv6]:port and redis[s]:// URLs", () => {
    expect(parseRedisClusterNodes("10.0.0.1:7000, redis-a.internal:7001,[::1]:7002")).toEqual({
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "redis-a.internal", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      tls: false,
    });
    expect(
      parseRedisClusterNodes("rediss://app:p%40ss@a.example:6380,rediss://app:p%40ss@b.example"),
    ).toEqual({
      nodes: [
        { host: "a.example", port: 6380 },
        { host: "b.example", port: 6379 },
      ],
      username: "app",
      password: "p@ss",
      tls: true,
    });
    // Bare entries are reached as the URL entries say.
    expect(parseRedisClusterNodes("redis://:secret@a:7000,b:7001")).toMatchObject({
      nodes: [
        { host: "a", port: 7000 },
        { host: "b", port: 7001 },
      ],
      password: "secret",
    });
  });

  it("names the entry it refuses", () => {
    const bad = [
      ["10.0.0.1", /"10.0.0.1" is not host:port/],
      ["10.0.0.1:0", /no valid port/],
      ["10.0.0.1:70000", /no valid port/],
      ["bad_host!:7000", /no valid host/],
      ["[10.0.0.1]:7000", /no valid host/],
      ["http://a:7000", /not a redis:\/\/ or rediss:\/\/ URL/],
      ["redis://a:7000/2", /database 0 only/],
      ["redis://:one@a:7000,redis://:two@b:7000", /other credentials/],
      ["redis://a:7000,rediss://b:7000", /another scheme/],
    ] as const;
    for (const [spec, message] of bad)
      expect(() => parseRedisClusterNodes(spec), spec).toThrow(message);
  });

  it("is checked with the rest of the configuration", () => {
    expect(() => parseEnv({ REDIS_CLUSTER_NODES: "localhost" })).toThrow(
      /REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES: "localhost" is not host:port/,
    );
    expect(parseEnv({ REDIS_CLUSTER_NODES: "a:7000,b:7001" }).REDIS_CLUSTER_NODES).toBe(
      "a:7000,b:7001",
    );
    expect(() => parseEnv({ REDIS_PREFIX: "{patronus}" })).toThrow(/REDIS_PREFIX/);
  });
});

describe("connections", () => {
  const made: RedisClient[] = [];
  afterEach(() => {
    for (const c of made.splice(0)) c.disconnect();
    Object.assign(env as Record<string, unknown>, { REDIS_CLUSTER_NODES: "" });
  });
  const keep = <T extends RedisClient>(c: T) => {
    made.push(c);
    c.on("error", () => {});
    return c;
  };
  // Port 1: nothing answers; these tests only look at the options.
  const clusterMode = () =>
    Object.assign(env as Record<string, unknown>, {
      REDIS_CLUSTER_NODES: "redis://:pw@127.0.0.1:1,127.0.0.1:2",
    });

  it("are single-server clients without REDIS_CLUSTER_NODES", () => {
    expect(keep(createRedis())).toBeInstanceOf(Redis);
    expect(keep(connectRedis({ lazyConnect: true }))).toBeInstanceOf(Redis);
  });

  it("are cluster clients with each role's options on every node", () => {
    clusterMode();
    const worker = keep(createRedis()) as Cluster;
    expect(worker).toBeInstanceOf(Cluster);
    // BullMQ refuses a blocking connection whose nodes retry a bounded number of times.
    expect(worker.options.redisOptions).toMatchObject({
      maxRetriesPerRequest: null,
      password: "pw",
    });
    const producer = keep(createProducerRedis()) as Cluster;
    expect(producer.options.enableOfflineQueue).toBe(false);
    expect(producer.options.redisOptions).toMatchObject({
      maxRetriesPerRequest: 1,
      commandTimeout: 5_000,
    });
    // A URL given by the caller (a test's own server) is one server, whatever the setting.
    expect(keep(createRedis("redis://127.0.0.1:1"))).toBeInstanceOf(Redis);
  });

  it("tag an org's keys, after the prefix and before anything a client sends", () => {
    const key = redisKey("fleet", "telemetry", orgSlot("org_1"), "dev_{x}", "agent");
    expect(key).toBe(`${env.REDIS_PREFIX}:fleet:telemetry:{org:org_1}:dev_{x}:agent`);
  });
});
