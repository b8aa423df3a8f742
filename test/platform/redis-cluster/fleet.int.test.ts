// The fleet's Redis uses on a three-node Redis Cluster: the latest telemetry and path
// reports of an org's devices (one MULTI over many devices' keys: before the keys carried
// the org's hash tag it was refused, since its keys spread over the cluster's slots), trust
// changes over pub/sub, the enrollment failure counter, and the series roll-up marks.
import { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { PathReport, Telemetry } from "../../../protocol";
import {
  publishTrustChanged,
  subscribeTrustChanged,
  type TrustChanged,
} from "../../../server/domains/fleet/broker/trust";
import {
  telemetryChannel,
  telemetryKey,
} from "../../../server/domains/fleet/channel/core-channels";
import { enrollHandler } from "../../../server/domains/fleet/enrollment/http";
import { pathReportKey, pathsChannel } from "../../../server/domains/overlay/ingest";
import { rollUpRecent } from "../../../server/domains/series";
import { getDb } from "../../../server/platform/db/client";
import { CLIENT_IP_HEADER } from "../../../server/platform/http/client-ip";
import { getRedis, quitRedis, redisKey } from "../../../server/platform/redis";
import { uid } from "../../../testkit/factories/identity";
import { useRedisCluster } from "../../../testkit/stack/use-redis-cluster";
import { until } from "../../../testkit/wait";

const redis = useRedisCluster();
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

/** Enough devices that their keys, without the org's tag, fall on every node of the cluster. */
const devices = Array.from({ length: 48 }, () => `dev_${uid()}`);

/** How many of the cluster's masters hold some of `keys`. */
async function nodesHolding(keys: string[]) {
  const client = redis.cluster.client();
  try {
    await until("the cluster's slot map", () => client.status === "ready");
    const slots = await Promise.all(
      keys.map((k) => client.cluster("KEYSLOT", k) as Promise<number>),
    );
    const owners = new Set(slots.map((slot) => client.slots[slot]?.[0] ?? `unknown slot ${slot}`));
    return owners.size;
  } finally {
    await quitRedis(client);
  }
}

describe("fleet on Redis Cluster", () => {
  it("connects through the cluster client", () => {
    expect(getRedis()).toBeInstanceOf(Cluster);
  });

  it("keeps the latest telemetry of many devices of an org, written in one MULTI", async () => {
    const orgId = `org_${uid()}`;
    const latest = new Map(
      devices.map((d, i) => [`${d}/agent`, { v: 1, n: i } as unknown as Telemetry]),
    );
    await telemetryChannel.afterCommit!(orgId, latest);
    const stored = await Promise.all(
      devices.map(async (d) =>
        JSON.parse((await getRedis().get(telemetryKey(orgId, d, "agent")))!),
      ),
    );
    expect(stored.map((t) => t.n)).toEqual(devices.map((_, i) => i));
    // Each key on its own would land all over the cluster: the org's tag keeps them together.
    expect(await nodesHolding(devices.map((d) => telemetryKey(orgId, d, "agent")))).toBe(1);
    expect(await nodesHolding(devices.map((d) => redisKey("telemetry", orgId, d)))).toBe(3);
  });

  it("keeps the latest path report of many devices of an org, written in one MULTI", async () => {
    const orgId = `org_${uid()}`;
    const report = (i: number) =>
      ({
        v: 1,
        at: new Date().toISOString(),
        paths: [],
        selection: [],
        i,
      }) as unknown as PathReport;
    await pathsChannel.afterCommit!(
      orgId,
      devices.map((d, i) => [d, report(i)]),
    );
    const stored = await Promise.all(
      devices.map(async (d) => JSON.parse((await getRedis().get(pathReportKey(orgId, d)))!)),
    );
    expect(stored.map((r) => r.i)).toEqual(devices.map((_, i) => i));
  });

  it("delivers trust changes to a subscriber over pub/sub, in some order", async () => {
    const seen: TrustChanged[] = [];
    const errors: Error[] = [];
    stops.push(
      await subscribeTrustChanged((c) => seen.push(c), { onError: (e) => errors.push(e) }),
    );
    const changes = Array.from({ length: 6 }, (_, i) => ({
      orgId: `org_${uid()}`,
      revokedSerials: [`0${i}`],
    }));
    // Each publish enters through some node of the cluster, which forwards it to the others:
    // all arrive, not necessarily in the order sent (the brokers do not rely on it).
    for (const change of changes) await publishTrustChanged(getRedis(), change);
    await until("every trust change to arrive", () => seen.length >= changes.length);
    const byOrg = (a: TrustChanged, b: TrustChanged) => a.orgId.localeCompare(b.orgId);
    expect(seen.sort(byOrg)).toEqual(changes.sort(byOrg));
    expect(errors).toEqual([]);
  });

  it("counts failed enrollments per address and refuses past the limit", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const attempt = async () =>
      (
        await enrollHandler(
          new Request("http://localhost/api/fleet/enroll", {
            method: "POST",
            headers: { "content-type": "application/json", [CLIENT_IP_HEADER]: ip },
            body: JSON.stringify({ token: "not-a-token" }),
          }),
        )
      ).status;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push(await attempt());
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it("keeps the series roll-up marks, so any replica rolls up from where the last stopped", async () => {
    const now = new Date();
    await rollUpRecent(getDb(), now);
    for (const rollup of ["1m", "1h"])
      expect(await getRedis().get(redisKey("series", "rolled", rollup))).toBe(
        String(now.getTime()),
      );
  });
});
