// The measured step: ONE REST call (the org's API key) adds a policy rule for every site;
// from just before that call (t0) to each device's ack (its state message saying the new
// revision is applied, timestamped by the observer) and to the rollout being recorded as
// completed in the database (every ack written by the ingest). Also CPU time per process
// over the run, and when each stage happened, from the compile job's and the rollout's
// own timestamps and the moments the agents started applying (agent-side).
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { getQueue } from "../../server/platform/jobs/queues";
import type { ControlPlane } from "./control-plane";
import type { BenchOrg } from "./org";
import { dbApplied, fleetRevision } from "./org";
import type { PgWaits } from "./pg-waits";
import { cpuMs, cpuMsByName } from "./procs";
import { percentile, sleep, waitFor } from "./stats";

export type Mode = "canary" | "no-canary";

/** Milliseconds since t0; NaN when the stage did not happen (no canary). */
export interface Timeline {
  api: number;
  jobStart: number;
  rolloutCreated: number;
  jobEnd: number;
  /** First and last device to start applying the revision (agent-side). */
  stage1ApplyFirst: number;
  stage1ApplyLast: number;
  stage1AckLast: number;
  stage2ApplyFirst: number;
  stage2ApplyLast: number;
  stage2AckLast: number;
  rolloutFinished: number;
  dbDone: number;
}

export interface RunResult {
  mode: Mode;
  revision: number;
  canary: number;
  p50: number;
  p99: number;
  max: number;
  timeline: Timeline;
  /** CPU ms per process over t0 → dbDone. */
  cpu: Record<string, number>;
  /** --pg-waits: what PostgreSQL's busy backends were doing, sampled. */
  pgWaits?: string;
}

export interface Pids {
  agents: number[];
  workers: number;
  brokers: number[];
}

export async function cpuSnapshot(pids: Pids): Promise<Record<string, number>> {
  const self = process.cpuUsage();
  const [agents, workers, broker, postgres, redis] = await Promise.all([
    Promise.all(pids.agents.map((pid) => cpuMs(pid))).then((c) => c.reduce((a, b) => a + b, 0)),
    cpuMs(pids.workers),
    Promise.all(pids.brokers.map((pid) => cpuMs(pid))).then((c) => c.reduce((a, b) => a + b, 0)),
    cpuMsByName("postgres"),
    cpuMsByName("redis-server"),
  ]);
  return {
    agents,
    workers,
    broker,
    postgres,
    redis,
    bench: (self.user + self.system) / 1000,
  };
}

export const cpuDelta = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.keys(b).map((k) => [k, b[k]! - (a[k] ?? 0)]));

const epochToRel = (epochMs: number | null | undefined, t0: number) =>
  epochMs == null ? Number.NaN : epochMs - performance.timeOrigin - t0;

function span(times: Map<string, number>, ids: readonly string[], t0: number) {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const id of ids) {
    const t = times.get(id);
    if (t === undefined) continue;
    first = Math.min(first, t - t0);
    last = Math.max(last, t - t0);
  }
  return Number.isFinite(first) ? { first, last } : { first: Number.NaN, last: Number.NaN };
}

export async function setCanary(org: BenchOrg, mode: Mode) {
  const status = await org.caller.rollout.status({ orgSlug: org.orgSlug });
  const canaryPercent = mode === "canary" ? 10 : 0;
  if (status.canaryPercent === canaryPercent) return;
  await org.caller.rollout.updateSettings({
    orgSlug: org.orgSlug,
    canaryPercent,
    failureThreshold: status.failureThreshold,
  });
}

export interface MeasureContext {
  cp: ControlPlane;
  org: BenchOrg;
  identities: readonly string[];
  pids: Pids;
  /** Processes that run profile-hook.ts: profiled from just before t0 to dbDone. */
  profiled: readonly number[];
  /** When each agent last started an apply (epoch ms), from the agents processes. */
  applyTimes: () => Promise<Map<string, number>>;
  /** What the agents and the database say, for a timeout's message. */
  diagnose: (revision: number) => Promise<string>;
  waits?: PgWaits;
}

export async function measureChange(
  ctx: MeasureContext,
  mode: Mode,
  change: number,
): Promise<RunResult> {
  const { cp, org, identities, pids, profiled, diagnose, waits } = ctx;
  const n = identities.length;
  const { orgId, orgSlug } = org;
  const expected = (await fleetRevision(orgId)).revision + 1;
  const watch = cp.observer.start(orgId, expected);
  const cpu0 = await cpuSnapshot(pids);
  for (const pid of profiled) process.kill(pid, "SIGUSR2");
  waits?.start();

  const t0 = performance.now();
  // Through the public REST API with the org's API key, as an operator's script would.
  const res = await fetch(`${cp.apiUrl}/api/v1/orgs/${orgSlug}/policy-rules`, {
    method: "POST",
    headers: { authorization: `Bearer ${org.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      siteId: null,
      priority: 1000 + change,
      action: "deny",
      src: "192.168.0.0/16",
      dst: `10.${change % 250}.${Math.floor(change / 250)}.0/24`,
      proto: "tcp",
      ports: { lo: 10_000 + change, hi: 10_000 + change },
      description: `bench change ${change}`,
    }),
  });
  const body = (await res.json()) as { revision?: number };
  if (res.status !== 201 || typeof body.revision !== "number")
    throw new Error(`the REST change answered ${res.status}: ${JSON.stringify(body)}`);
  const { revision } = body;
  const api = performance.now() - t0;
  if (revision !== expected)
    throw new Error(
      `the change made revision ${revision}, expected ${expected}: something else changed the org`,
    );

  await waitFor(
    "every device's ack",
    () => watch.acks.size + watch.failures.size >= n,
    60_000 + n * 5,
    {
      everyMs: 10,
      detail: async () =>
        `observer: ${watch.acks.size}/${n} acks, ${watch.failures.size} failed; ${await diagnose(revision)}`,
    },
  );
  if (watch.failures.size)
    throw new Error(`${watch.failures.size} device(s) failed: ${[...watch.failures.values()][0]}`);

  let rolloutStatus = "";
  await waitFor(
    "the rollout to be recorded as completed",
    async () => {
      const r = await withScope(getDb(), { orgId }, (tx) =>
        tx.rollout.findFirst({ where: { orgId, revision }, select: { status: true } }),
      );
      rolloutStatus = r?.status ?? "no rollout";
      if (rolloutStatus === "halted") throw new Error(`rollout of revision ${revision} halted`);
      return rolloutStatus === "completed";
    },
    60_000,
    { everyMs: 10, detail: async () => `${rolloutStatus}; ${await diagnose(revision)}` },
  );
  const dbDone = performance.now() - t0;
  for (const pid of profiled) process.kill(pid, "SIGUSR2");
  const pgWaits = waits?.stop();
  const cpu = cpuDelta(cpu0, await cpuSnapshot(pids));
  cp.observer.stopWatching();

  // Correctness, not just speed: every ack is in the database.
  const db = await dbApplied(orgId, revision);
  if (db.applied !== n) throw new Error(`only ${db.applied}/${n} acks are in the database`);

  const rollout = await withScope(getDb(), { orgId }, (tx) =>
    tx.rollout.findFirstOrThrow({ where: { orgId, revision } }),
  );
  if (rollout.deviceIds.length !== n)
    throw new Error(`the rollout covers ${rollout.deviceIds.length} devices, not ${n}`);
  const job = await getQueue("fleet").getJob(`fleet-compile-${orgId}-${revision}`);
  const ids = (deviceIds: string[]) => deviceIds.map((d) => `${orgId}.${d}`);
  const canary = ids(rollout.canaryIds);
  const canarySet = new Set(canary);
  const stage1 = canary.length ? canary : [...identities];
  const stage2 = canary.length ? identities.filter((i) => !canarySet.has(i)) : [];
  // Agent clocks are this machine's clock: epoch ms, made relative to t0 like the rest.
  const applying = new Map(
    [...(await ctx.applyTimes())].map(([id, at]) => [id, at - performance.timeOrigin]),
  );
  const d1 = span(applying, stage1, t0);
  const a1 = span(watch.acks, stage1, t0);
  const d2 = span(applying, stage2, t0);
  const a2 = span(watch.acks, stage2, t0);

  const latencies = [...watch.acks.values()].map((t) => t - t0);
  await sleep(500); // let the ingest's trailing writes settle before the next change
  return {
    mode,
    revision,
    canary: canary.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    cpu,
    pgWaits,
    timeline: {
      api,
      jobStart: epochToRel(job?.processedOn, t0),
      rolloutCreated: epochToRel(rollout.startedAt.getTime(), t0),
      jobEnd: epochToRel(job?.finishedOn, t0),
      stage1ApplyFirst: d1.first,
      stage1ApplyLast: d1.last,
      stage1AckLast: a1.last,
      stage2ApplyFirst: d2.first,
      stage2ApplyLast: d2.last,
      stage2AckLast: a2.last,
      rolloutFinished: epochToRel(rollout.finishedAt?.getTime(), t0),
      dbDone,
    },
  };
}
