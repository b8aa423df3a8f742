// The whole fleet control plane inside one test process, on real parts: the test's
// PostgreSQL database, Redis (a key prefix of its own, so test files running at once never
// take each other's jobs), a Mosquitto (or embedded) broker with the platform PKI, the
// BullMQ workers, the device-report ingest, and the enrollment endpoints on a loopback
// HTTP server. stop() ends all of it.

import { afterAll, afterEach, beforeAll } from "vitest";
import {
  identitiesOfSerials,
  type LoadTrustOptions,
  loadTrust,
  subscribeTrustChanged,
} from "../../server/domains/fleet/broker/trust";
import {
  ControlChannel,
  closeControlChannel,
  setControlChannel,
} from "../../server/domains/fleet/channel/control-channel";
import { FleetIngest } from "../../server/domains/fleet/channel/ingest";
import { serveEnrollmentOnLoopback } from "../../server/domains/fleet/enrollment/serve-loopback";
import { ensurePlatformPki, type PlatformPki } from "../../server/domains/fleet/pki/platform";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { runWorkers } from "../../workers/run-workers";
import { uid } from "../factories/identity";
import { type BrokerKind, startBroker, type TestBroker } from "./brokers";

export interface FleetStack {
  broker: TestBroker;
  platform: PlatformPki;
  /** Base URL of the enrollment endpoints (what `patronus-agent enroll --url` takes). */
  portalUrl: string;
  channel: ControlChannel;
  ingest: FleetIngest;
  /** Stops and starts the BullMQ workers (a "worker crash"). */
  stopWorkers(): Promise<void>;
  startWorkers(): void;
  stop(): Promise<void>;
}

/** Test-only: the configuration object is plain data; point it at this stack's parts. */
function configure(values: Partial<typeof env>) {
  Object.assign(env as Record<string, unknown>, values);
}

/**
 * A test file's fleet stack: started before its tests, stopped after all of them (after the
 * file's own afterAll hooks, which may still need it), with the file's clean-ups run after
 * each test. The returned object stands for the stack once it runs: use it inside tests
 * and hooks, not at the top of the file.
 */
export function useFleetStack(
  o: { kind?: BrokerKind; cleanups?: { run(): Promise<void> }; timeoutMs?: number } = {},
): FleetStack {
  let stack: FleetStack | undefined;
  beforeAll(async () => {
    stack = await startFleetStack(o.kind ?? "mosquitto");
  }, o.timeoutMs ?? 60_000);
  if (o.cleanups) afterEach(() => o.cleanups?.run());
  afterAll(async () => {
    await stack?.stop();
  });
  return new Proxy({} as FleetStack, {
    get(_, key) {
      if (!stack)
        throw new Error("the fleet stack is not running yet: use it inside tests and hooks");
      return stack[key as keyof FleetStack];
    },
  });
}

export async function startFleetStack(kind: BrokerKind = "mosquitto"): Promise<FleetStack> {
  configure({ REDIS_PREFIX: `${env.REDIS_PREFIX}-${uid()}` });
  const db = getDb();
  const platform = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
  const opts = { everyCrl: kind === "mosquitto" };
  const { skipped: _s, ...trust } = await loadTrust(db, platform, opts);
  const broker = await startBroker(kind, platform, trust);
  try {
    return await startOn(broker, platform, opts);
  } catch (error) {
    // Nothing of a stack that failed to start outlives it (a Mosquitto would).
    await closeControlChannel().catch(() => undefined);
    await broker.stop().catch(() => undefined);
    throw error;
  }
}

async function startOn(
  broker: FleetStack["broker"],
  platform: FleetStack["platform"],
  opts: LoadTrustOptions,
): Promise<FleetStack> {
  const db = getDb();
  configure({ FLEET_MQTT_URL: broker.controlUrl, FLEET_AGENT_MQTT_URL: broker.url });

  // What workers/fleet-broker.ts does on a trust change: reload, and drop revoked devices.
  const unsubscribe = await subscribeTrustChanged(async (change) => {
    const { skipped: _k, ...next } = await loadTrust(db, platform, opts);
    const revoked = await identitiesOfSerials(db, change.orgId, change.revokedSerials ?? []);
    await broker.setTrust(next, revoked);
  });

  const channel = await ControlChannel.connect({
    url: broker.controlUrl,
    ca: platform.caPem,
    cert: platform.controlCertPem,
    key: platform.controlKeyPem,
  });
  setControlChannel(channel);
  const ingest = new FleetIngest(db, channel, { shared: true, log: () => {} });
  await ingest.start();
  let stopWorkers = runWorkers(db, () => {});
  const http = await serveEnrollmentOnLoopback();

  return {
    broker,
    platform,
    portalUrl: http.url,
    channel,
    ingest,
    stopWorkers: () => stopWorkers(),
    startWorkers() {
      stopWorkers = runWorkers(db, () => {});
    },
    async stop() {
      await new Promise((r) => http.server.close(r));
      await stopWorkers().catch(() => undefined);
      await ingest.stop();
      await unsubscribe();
      await closeControlChannel();
      await broker.stop();
      await closeQueues();
      await closeRedis();
    },
  };
}
