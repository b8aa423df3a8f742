// No single point of failure (docs/architecture.md, "Chaos test"): the whole control plane
// on loopback, two of everything, and one of each killed in the middle of a rollout.
//   two portals (portal-main.ts: the portal's route handlers) behind a TCP balancer,
//   two workers (workers/index.ts, both ingesting through the shared subscription),
//   two embedded brokers clustered through Redis behind another balancer,
//   a Redis Cluster of three masters with a replica each,
//   a PostgreSQL primary with a streaming replica (the portals read their lists there),
//   1,000 simulated agents (the real agent code) in two processes, enrolled through the
//   portals' HTTP endpoint.
// One change through the REST API with an API key; while it rolls out: SIGKILL a portal, a
// worker, a broker (restarted: its agents reconnect) and the Redis master holding the job
// queues (its replica takes over), and stop the database replica (the primary answers).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../server/domains/fleet/broker/mosquitto";
import { ensureAppRole } from "../../../server/platform/db/app-role";
import { closeDb, getDb } from "../../../server/platform/db/client";
import { migrate } from "../../../server/platform/db/migrate";
import { withScope } from "../../../server/platform/db/with-tenant";
import { env } from "../../../server/platform/env";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { closeRedis } from "../../../server/platform/redis";
import { apiKeyFor } from "../../../testkit/api-server";
import { Cleanups } from "../../../testkit/cleanups";
import { callerFor, createOrgWithOwner, uid } from "../../../testkit/factories/identity";
import { HttpPoller, type Poll, pollOk } from "../../../testkit/http-poller";
import { PgCluster, pgClusterSkipReason } from "../../../testkit/postgres-cluster";
import { AgentPool } from "../../../testkit/sim-agents/pool";
import {
  type FleetProcess,
  startFleetProcess,
  stopFleetProcess,
} from "../../../testkit/stack/fleet-process";
import {
  type PortalProcess,
  startPortalProcess,
  stopPortalProcess,
} from "../../../testkit/stack/portal-process";
import { TestRedisCluster } from "../../../testkit/stack/redis-cluster";
import { TcpBalancer } from "../../../testkit/stack/tcp-balancer";
import { spawnWorkerProcess, type WorkerProcess } from "../../../testkit/stack/worker-process";
import { until } from "../../../testkit/wait";

const AGENTS = 1_000;
const SITES = 20;
const skipReason = await pgClusterSkipReason();

const cleanups = new Cleanups();
const phases: [string, number][] = [];
let phaseStart = Date.now();
/** Ends the current phase under `name` and prints how long it took. */
function phase(name: string) {
  const now = Date.now();
  phases.push([name, now - phaseStart]);
  console.log(`chaos: ${name} in ${((now - phaseStart) / 1000).toFixed(1)} s`);
  phaseStart = now;
}

/** Test-only: the configuration object is plain data; point this process at the stack. */
function configure(values: Partial<typeof env>) {
  Object.assign(env as Record<string, unknown>, values);
}

interface Stack {
  primary: PgCluster;
  standby: PgCluster;
  redis: TestRedisCluster;
  brokers: [FleetProcess, FleetProcess];
  workers: WorkerProcess[];
  portals: PortalProcess[];
  mqtt: TcpBalancer;
  http: TcpBalancer;
  /** What a fleet process needs besides its port and the PKI (startFleetProcess). */
  brokerEnv: Record<string, string>;
  pkiDir: string;
}
let s: Stack;

async function tempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startStack(): Promise<Stack> {
  const [primary, redis] = await Promise.all([
    PgCluster.primary(),
    TestRedisCluster.start({ masters: 3, replicas: 1, nodeTimeoutMs: 2_000 }),
  ]);
  cleanups.add(() => primary.destroy());
  cleanups.add(() => redis.stop());
  await primary.sql("CREATE DATABASE patronus");
  const ownerUrl = primary.url("patronus");
  const appUrl = primary.url("patronus", "patronus_app");
  await migrate(ownerUrl);
  await ensureAppRole(ownerUrl, appUrl);
  const standby = await primary.replica();
  cleanups.add(() => standby.destroy());

  const pkiDir = await tempDir("patronus-chaos-pki-");
  const [portA, portB] = [await freePort(), await freePort()];
  const mqtt = await TcpBalancer.start([portA, portB]);
  cleanups.add(() => mqtt.close());
  // This process makes the org (its CA, sealed with FLEET_MASTER_KEY) and reads the
  // database: it uses the stack's parts like every other process. Modules imported already
  // (better-auth's) may have connected elsewhere: start afresh.
  await closeQueues();
  await closeRedis();
  await closeDb();
  configure({
    DATABASE_URL: ownerUrl,
    APP_DATABASE_URL: appUrl,
    REDIS_CLUSTER_NODES: redis.nodes,
    REDIS_PREFIX: `${env.REDIS_PREFIX}-chaos${uid()}`,
    FLEET_PKI_DIR: pkiDir,
    FLEET_MQTT_URL: mqtt.url,
    FLEET_AGENT_MQTT_URL: mqtt.url,
  });
  cleanups.add(async () => {
    await closeQueues();
    await closeRedis();
    await closeDb();
  });
  const childEnv = {
    DATABASE_URL: ownerUrl,
    APP_DATABASE_URL: appUrl,
    REDIS_CLUSTER_NODES: redis.nodes,
    REDIS_PREFIX: env.REDIS_PREFIX,
    FLEET_PKI_DIR: pkiDir,
    FLEET_MASTER_KEY: env.FLEET_MASTER_KEY,
    FLEET_BROKER: "embedded",
    FLEET_MQTT_URL: mqtt.url,
    FLEET_AGENT_MQTT_URL: mqtt.url,
  };

  const brokerEnv = {
    FLEET_MASTER_KEY: env.FLEET_MASTER_KEY,
    DATABASE_URL: ownerUrl,
    APP_DATABASE_URL: appUrl,
  };
  const brokers = await Promise.all(
    [portA, portB].map(async (port) => {
      const f = await startFleetProcess(port, pkiDir, brokerEnv);
      cleanups.add(() => stopFleetProcess(f));
      return f;
    }),
  );
  const workers = await Promise.all(
    [0, 1].map(() => spawnWorkerProcess({ ...childEnv, FLEET_INGEST: "true" }, cleanups)),
  );
  const portals = await Promise.all(
    [0, 1].map(async () => {
      const p = await startPortalProcess({
        ...childEnv,
        DATABASE_REPLICA_URL: standby.url("patronus", "patronus_app"),
        LOG_LEVEL: "warn",
      });
      cleanups.add(() => stopPortalProcess(p));
      return p;
    }),
  );
  const http = await TcpBalancer.start(portals.map((p) => p.port));
  cleanups.add(() => http.close());
  return {
    primary,
    standby,
    redis,
    brokers: brokers as [FleetProcess, FleetProcess],
    workers,
    portals,
    mqtt,
    http,
    brokerEnv,
    pkiDir,
  };
}

/** `work`, failing with the last lines of every control-plane process's output. */
async function withLogs<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    // Warnings and errors first: what went wrong is rarely in the last lines.
    const tail = (name: string, out: string) => {
      const lines = out.split("\n");
      const bad = lines.filter((l) => /"level":"(warn|error)"|Error/.test(l)).slice(-20);
      return `--- ${name}\n${[...bad, "...", ...lines.slice(-10)].join("\n")}`;
    };
    const logs = [
      ...s.portals.map((p, i) => tail(`portal ${i}`, p.proc.output())),
      ...s.workers.map((w, i) => tail(`worker ${i}`, w.output())),
      ...s.brokers.map((b, i) => tail(`broker ${i}`, b.proc.output())),
    ];
    throw new Error(`${(error as Error).message}\n${logs.join("\n")}`);
  }
}

const httpUrl = () => `http://127.0.0.1:${s.http.port}`;

function rest(token: string, method: string, path: string, body?: unknown) {
  return fetch(`${httpUrl()}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** The org the fleet belongs to: sites, one enrollment token per site, an API key. */
async function createFleetOrg() {
  const { owner, org, slug } = await createOrgWithOwner();
  const api = callerFor(owner);
  const tokens: string[] = [];
  const perSite = AGENTS / SITES;
  for (let i = 0; i < SITES; i++) {
    const site = await api.site.create({ orgSlug: slug, name: `site-${i}` });
    const t = await api.site.createToken({ orgSlug: slug, siteId: site.id, maxUses: perSite });
    for (let k = 0; k < perSite; k++) tokens.push(t.token);
  }
  return { orgId: org.id, slug, tokens, apiKey: await apiKeyFor(owner, slug) };
}

const scoped = <T>(orgId: string, fn: Parameters<typeof withScope<T>>[2]) =>
  withScope(getDb(), { orgId }, fn);

async function fleetRow(orgId: string) {
  return scoped(orgId, (tx) => tx.fleetRevision.findUniqueOrThrow({ where: { orgId } }));
}

/** Devices whose database row records `revision` applied (the acks the ingest wrote). */
async function dbApplied(orgId: string, revision: number) {
  return scoped(orgId, (tx) =>
    tx.device.count({
      where: { orgId, reportedRevision: revision, applyStatus: "applied", status: "active" },
    }),
  );
}

/**
 * What a client of the balancer saw: at most one failed request, the one in flight on a
 * connection to the killed portal (the balancer cannot move a request it has already
 * passed on); every request after it succeeded.
 */
function assertKeptAnswering(name: string, polls: Poll[], killedAt: number) {
  const failed = polls.filter((p) => !pollOk(p));
  const after = polls.filter((p) => p.startedAt > killedAt);
  console.log(
    `chaos: ${name}: ${polls.length} requests, ${after.length} after the kills, failed: ${JSON.stringify(failed)}`,
  );
  expect(failed.length, `${name}: failed requests`).toBeLessThanOrEqual(1);
  for (const f of failed) {
    expect(f.startedAt, `${name}: a failure must be a request in flight at the kill`).toBeLessThan(
      killedAt + 1_000,
    );
    expect(polls.filter((p) => p.startedAt > f.startedAt).every(pollOk)).toBe(true);
  }
  expect(after.filter(pollOk).length, `${name}: answers after the kills`).toBeGreaterThan(5);
}

if (skipReason) {
  describe.skip(`fleet chaos (skipped: ${skipReason})`, () => {
    it("needs its own PostgreSQL clusters", () => {});
  });
} else {
  describe("no single point of failure", () => {
    beforeAll(async () => {
      phaseStart = Date.now();
      s = await startStack();
      phase(
        `stack started (2 portals, 2 workers, 2 brokers, 6 Redis nodes, PostgreSQL + replica; MQTT at ${s.mqtt.url}, HTTP at ${httpUrl()})`,
      );
    }, 240_000);

    afterAll(async () => {
      await cleanups.run();
      console.log(
        `chaos: phases (s): ${phases.map(([n, ms]) => `${n.split(" (")[0]} ${(ms / 1000).toFixed(1)}`).join("; ")}`,
      );
    }, 180_000);

    it("rolls a change out to 1,000 agents while one of each part is killed", {
      timeout: 600_000,
    }, async () => {
      const org = await createFleetOrg();
      const stateDir = await tempDir("patronus-chaos-agents-");
      const pool = AgentPool.start(2, AGENTS);
      cleanups.add(() => pool.stop());
      const enrolled = await withLogs(
        pool.enroll(
          { url: httpUrl(), tokens: org.tokens, concurrency: 16, dir: stateDir },
          300_000,
        ),
      );
      expect(enrolled.identities).toHaveLength(AGENTS);
      phase(
        `${AGENTS} agents enrolled through the portals (${(AGENTS / (enrolled.ms / 1000)).toFixed(1)}/s)`,
      );

      // Connections through the MQTT balancer so far are the control plane's.
      const controlOnA = s.mqtt.handed.get(s.brokers[0].port) ?? 0;
      // A slow data plane (a second per apply) keeps the rollout going while parts die.
      await pool.startAgents(
        { batchSize: 100, applyDelayMs: 1_000, backoff: { baseMs: 200, capMs: 2_000 } },
        300_000,
      );
      const before = await fleetRow(org.orgId);
      await withLogs(
        until(
          "every agent connected with the current revision, recorded in the database",
          async () => {
            const st = await pool.status(before.revision);
            return (
              st.connected === AGENTS &&
              st.applied === AGENTS &&
              (await dbApplied(org.orgId, before.revision)) === AGENTS
            );
          },
          { timeoutMs: 240_000, everyMs: 500, seen: () => pool.status(before.revision) },
        ),
      );
      const onBrokerA = (s.mqtt.handed.get(s.brokers[0].port) ?? 0) - controlOnA;
      phase(`agents connected on revision ${before.revision} (${onBrokerA} on broker A)`);

      const polls = {
        "site list (replica read)": new HttpPoller(
          `${httpUrl()}/api/v1/orgs/${org.slug}/sites?limit=5`,
          {
            authorization: `Bearer ${org.apiKey}`,
          },
        ),
        "rollout list (primary read)": new HttpPoller(
          `${httpUrl()}/api/v1/orgs/${org.slug}/rollouts?limit=5`,
          { authorization: `Bearer ${org.apiKey}` },
        ),
      };
      cleanups.add(() => Promise.all(Object.values(polls).map((p) => p.stop())));

      const res = await rest(org.apiKey, "POST", `/orgs/${org.slug}/policy-rules`, {
        siteId: null,
        priority: 1000,
        action: "deny",
        src: "192.168.0.0/16",
        dst: "10.9.8.0/24",
        proto: "tcp",
        ports: { lo: 10_000, hi: 10_000 },
        description: "chaos change",
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const { revision } = (await res.json()) as { revision: number };
      expect(revision).toBe(before.revision + 1);
      // Mid-rollout: the canaries have begun to answer.
      await until(
        "the first canary's ack",
        async () =>
          (await scoped(org.orgId, (tx) =>
            tx.rollout.findFirst({ where: { orgId: org.orgId, revision } }),
          )) && (await dbApplied(org.orgId, revision)) > 0,
        { timeoutMs: 120_000 },
      );

      // The kills, all at once, in the middle of the rollout.
      const appliedAtKill = await dbApplied(org.orgId, revision);
      const jobsMaster = await s.redis.masterOf(`{${env.REDIS_PREFIX}}:fleet`);
      const [portalA, workerA, brokerA] = [s.portals[0]!, s.workers[0]!, s.brokers[0]];
      const killedAt = Date.now();
      portalA.proc.child.kill("SIGKILL");
      workerA.child.kill("SIGKILL");
      brokerA.proc.child.kill("SIGKILL");
      await Promise.all([
        portalA.proc.exited,
        workerA.exited,
        brokerA.proc.exited,
        s.redis.killNode(jobsMaster),
        s.standby.stop("immediate"),
      ]);
      expect(appliedAtKill, "the kills came before the rollout finished").toBeLessThan(AGENTS);
      phase(
        `killed portal A, worker A, broker A, Redis master :${jobsMaster} and the replica (${appliedAtKill}/${AGENTS} acks in)`,
      );

      // The broker comes back on its port; the Redis node once its replica has taken over.
      s.brokers[0] = await startFleetProcess(brokerA.port, s.pkiDir, s.brokerEnv);
      cleanups.add(() => stopFleetProcess(s.brokers[0]));
      await until(
        "the Redis replica to take over",
        async () => !(await s.redis.masters()).includes(jobsMaster) && s.redis.healthy(),
        { timeoutMs: 60_000, everyMs: 200 },
      );
      await s.redis.restartNode(jobsMaster);
      phase("broker A restarted, Redis failed over (old master back as a replica)");

      // The portal kept answering through the other instance (checked before convergence,
      // so that a rollout that never finishes still says how the portal did).
      await until("each client to get answers after the kills", () =>
        Object.values(polls).every((p) => p.since(killedAt).filter(pollOk).length > 5),
      );
      for (const p of Object.values(polls)) await p.stop();
      for (const [name, p] of Object.entries(polls)) assertKeptAnswering(name, p.polls, killedAt);

      let last: unknown;
      await withLogs(
        until(
          "every agent on the new revision, every ack in the database, the rollout completed",
          async () => {
            const [st, applied, rollout] = await Promise.all([
              pool.status(revision),
              dbApplied(org.orgId, revision),
              scoped(org.orgId, (tx) =>
                tx.rollout.findFirst({ where: { orgId: org.orgId, revision } }),
              ),
            ]);
            last = {
              agents: st,
              dbApplied: applied,
              rollout: rollout && {
                status: rollout.status,
                succeeded: rollout.succeeded,
                failed: rollout.failed,
                halt: rollout.haltReason,
              },
            };
            return st.applied === AGENTS && applied === AGENTS && rollout?.status === "completed";
          },
          { timeoutMs: 180_000, everyMs: 500, seen: () => last },
        ),
      );
      phase(`converged on revision ${revision}`);

      // Every agent is connected again; those of broker A reconnected.
      const st = await pool.status(revision);
      expect(st.connected).toBe(AGENTS);
      expect(st.reconnected).toBeGreaterThanOrEqual(onBrokerA);

      // No ack lost: the database records every device's applied revision.
      const devices = await scoped(org.orgId, (tx) =>
        tx.device.findMany({ where: { orgId: org.orgId } }),
      );
      expect(devices).toHaveLength(AGENTS);
      for (const d of devices) {
        expect(d.desiredRevision).toBe(revision);
        expect(d.reportedRevision).toBe(revision);
        expect(d.reportedHash).toBe(d.desiredHash);
      }

      // No job ran twice with effect: one revision for the one change, compiled once into
      // one rollout whose counts are each device once.
      const fr = await fleetRow(org.orgId);
      expect([fr.revision, fr.compiled]).toEqual([revision, revision]);
      const rollouts = await scoped(org.orgId, (tx) =>
        tx.rollout.findMany({ where: { orgId: org.orgId, revision } }),
      );
      expect(rollouts).toHaveLength(1);
      const [rollout] = rollouts;
      expect(rollout?.status).toBe("completed");
      expect(rollout?.deviceIds).toHaveLength(AGENTS);
      expect(new Set(rollout?.deviceIds).size).toBe(AGENTS);
      expect([rollout?.succeeded, rollout?.failed]).toEqual([AGENTS, 0]);
      const rules = await scoped(org.orgId, (tx) =>
        tx.policyRule.count({ where: { orgId: org.orgId, description: "chaos change" } }),
      );
      expect(rules).toBe(1);
      const snapshots = await scoped(org.orgId, (tx) =>
        tx.intentSnapshot.count({ where: { orgId: org.orgId, revision } }),
      );
      expect(snapshots).toBe(1);
    });
  });
}
