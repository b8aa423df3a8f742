// BullMQ on a three-node Redis Cluster: queues, workers and job schedulers through the
// product's own connection factory (REDIS_CLUSTER_NODES) and hash-tagged prefix, the real
// workers with every sweep, and, as the control, the CROSSSLOT refusal an untagged prefix
// meets (every BullMQ script touches several keys of a queue at once).
import { Queue, Worker } from "bullmq";
import { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { defineJob, defineSchedule, SWEEPS_QUEUE } from "../../../server/platform/jobs/define-job";
import { enqueue, ensureEnqueued, getQueue } from "../../../server/platform/jobs/queues";
import { upsertSchedules } from "../../../server/platform/jobs/schedules";
import {
  createProducerRedis,
  createRedis,
  getRedis,
  queuePrefix,
  quitRedis,
} from "../../../server/platform/redis";
import { uid } from "../../../testkit/factories/identity";
import { useRedisCluster } from "../../../testkit/stack/use-redis-cluster";
import { until } from "../../../testkit/wait";
import { runWorkers } from "../../../workers/run-workers";
import { SWEEPS } from "../../../workers/sweeps";

const redis = useRedisCluster();
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

const QUEUE = `cluster-${uid()}`;
const ZEcho = z.object({ orgId: z.string(), n: z.number() });
const echo = defineJob({
  queue: QUEUE,
  name: "echo",
  version: 1,
  payload: ZEcho,
  attempts: 1,
  backoffMs: 0,
  jobId: (p) => `echo-${p.orgId}-${p.n}`,
});

/**
 * A Worker on `queue` as run-workers.ts makes one (its own connection, the tagged prefix).
 * Returns its stop function, also run after the file's tests.
 */
function worker(queue: string, handle: (name: string, data: unknown) => unknown) {
  const connection = createRedis();
  const w = new Worker(queue, async (job) => handle(job.name, job.data), {
    connection,
    prefix: queuePrefix(),
  });
  w.on("error", () => {});
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= w.close().then(() => quitRedis(connection));
    return stopped;
  };
  stops.push(stop);
  return stop;
}

describe("BullMQ on Redis Cluster", () => {
  it("connects through the cluster client", () => {
    expect(getRedis()).toBeInstanceOf(Cluster);
    const worker = createRedis();
    stops.push(() => quitRedis(worker));
    expect(worker).toBeInstanceOf(Cluster);
  });

  it("runs enqueued jobs on a worker, and ensureEnqueued runs a finished one again", async () => {
    const seen: number[] = [];
    worker(QUEUE, (_name, data) => seen.push(ZEcho.parse(data).n));
    const orgId = uid();
    await enqueue(echo, { orgId, n: 1 });
    await enqueue(echo, { orgId, n: 2 });
    // Same deterministic id: deduplicated by BullMQ's script, on the cluster too.
    await enqueue(echo, { orgId, n: 2 });
    await until("both jobs to run", () => seen.length >= 2);
    await until(
      "job 2 to be completed",
      async () =>
        (await (await getQueue(QUEUE).getJob(`echo-${orgId}-2`))?.getState()) === "completed",
    );
    expect(await ensureEnqueued(echo, { orgId, n: 2 })).toBe("retried");
    await until("the retried job to run", () => seen.filter((n) => n === 2).length === 2);
    expect(seen.sort()).toEqual([1, 2, 2]);
  });

  it("runs a job scheduler's jobs once per period", async () => {
    const tick = defineSchedule({ name: `tick-${uid()}`, everyMs: 300 });
    let runs = 0;
    const stop = worker(SWEEPS_QUEUE, (name) => {
      if (name === tick.name) runs++;
    });
    await upsertSchedules([tick]);
    await upsertSchedules([tick]); // a second replica: still one scheduler
    await until("three runs of the schedule", () => runs >= 3);
    const schedulers = await getQueue(SWEEPS_QUEUE).getJobSchedulers();
    expect(schedulers.filter((s) => s.key === tick.name)).toHaveLength(1);
    await getQueue(SWEEPS_QUEUE).removeJobScheduler(tick.name);
    // The real workers below run the sweeps queue: this one must not take their jobs.
    await stop();
  });

  it("keeps every key of the queues in one slot (the prefix's hash tag)", async () => {
    const client = redis.cluster.client();
    stops.push(() => quitRedis(client));
    await until("the cluster's slot map", () => client.status === "ready");
    const keys: string[] = [];
    for (const node of client.nodes("master")) {
      let cursor = "0";
      do {
        const [next, found] = await node.scan(cursor, "MATCH", `${queuePrefix()}*`, "COUNT", 500);
        cursor = next;
        keys.push(...found);
      } while (cursor !== "0");
    }
    expect(keys.length).toBeGreaterThan(3);
    const slots = new Set(await Promise.all(keys.map((k) => client.cluster("KEYSLOT", k))));
    expect(slots.size).toBe(1);
  });

  it("refuses an untagged prefix with CROSSSLOT (why the prefix is a hash tag)", async () => {
    const connection = createProducerRedis();
    const queue = new Queue(QUEUE, { connection, prefix: env.REDIS_PREFIX });
    queue.on("error", () => {});
    stops.push(async () => {
      await queue.close();
      await quitRedis(connection);
    });
    await expect(queue.add("echo", { n: 0 })).rejects.toThrow(/CROSSSLOT/);
  });

  it("runs the real workers' sweeps, each from its scheduler", { timeout: 180_000 }, async () => {
    const defs = SWEEPS.map((s) => s.def);
    await upsertSchedules(defs);
    const lines: string[] = [];
    stops.push(runWorkers(getDb(), (line) => lines.push(line)));
    const queue = getQueue(SWEEPS_QUEUE);
    // Workers load every area before their first run: slow on a busy machine.
    const done = await until(
      "every sweep to have run",
      async () => {
        const names = (await queue.getJobs(["completed"])).map((j) => j.name);
        return defs.every((d) => names.includes(d.name)) && names;
      },
      { timeoutMs: 150_000, everyMs: 200, seen: () => lines },
    );
    expect(done.length).toBeGreaterThanOrEqual(defs.length);
    expect((await queue.getJobs(["failed"])).map((j) => `${j.name}: ${j.failedReason}`)).toEqual(
      [],
    );
  });
});
