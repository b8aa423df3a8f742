// The broker cluster's settings, validated at start-up: clustering is for the embedded
// broker only, and the brokers' own Redis must be a redis:// URL.
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../server/platform/env";

describe("broker cluster settings", () => {
  it("default to one embedded broker on the stack's Redis", () => {
    const env = parseEnv({});
    expect([env.FLEET_BROKER, env.FLEET_BROKER_CLUSTER, env.FLEET_BROKER_REDIS_URL]).toEqual([
      "embedded",
      "off",
      "",
    ]);
    expect(parseEnv({ FLEET_BROKER_CLUSTER: "redis" }).FLEET_BROKER_CLUSTER).toBe("redis");
  });

  it("refuse a cluster of Mosquitto, an unknown mode and a Redis URL that is not one", () => {
    expect(() => parseEnv({ FLEET_BROKER: "mosquitto", FLEET_BROKER_CLUSTER: "redis" })).toThrow(
      /FLEET_BROKER_CLUSTER: redis clusters the embedded broker/,
    );
    expect(() => parseEnv({ FLEET_BROKER_CLUSTER: "emqx" })).toThrow(/FLEET_BROKER_CLUSTER/);
    expect(() => parseEnv({ FLEET_BROKER_REDIS_URL: "http://redis:6379" })).toThrow(
      /FLEET_BROKER_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(
      parseEnv({ FLEET_BROKER_REDIS_URL: "rediss://u:p@redis:6380" }).FLEET_BROKER_REDIS_URL,
    ).toBe("rediss://u:p@redis:6380");
  });
});
