// The whole fleet control plane inside one test process, on real parts: the test's
// PostgreSQL database, Redis (a key prefix of its own, so test files running at once never
// take each other's jobs), a Mosquitto (or embedded) broker with the platform PKI, the
// BullMQ workers, the device-report ingest, and the enrollment endpoints on a loopback
// HTTP server. stop() ends all of it.
import { createServer, type Server } from "node:http";
import { getDb } from "../../../server/db/client";
import { env } from "../../../server/env";
import {
  identitiesOfSerials,
  loadTrust,
  subscribeTrustChanged,
} from "../../../server/fleet/broker/trust";
import {
  ControlChannel,
  closeControlChannel,
  setControlChannel,
} from "../../../server/fleet/channel/control-channel";
import { FleetIngest } from "../../../server/fleet/channel/ingest";
import { enrollHandler, pollHandler } from "../../../server/fleet/enroll/http";
import { ensurePlatformPki, type PlatformPki } from "../../../server/fleet/pki/platform";
import { closeQueues } from "../../../server/jobs/queues";
import { closeRedis } from "../../../server/redis";
import { runWorkers } from "../../../workers/run-workers";
import { uid } from "../../factories";
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

async function serveEnrollment(): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const handler =
      req.url === "/api/fleet/enroll"
        ? enrollHandler
        : req.url === "/api/fleet/enroll/poll"
          ? pollHandler
          : undefined;
    if (!handler || req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const response = await handler(
      new Request(`http://127.0.0.1${req.url}`, {
        method: "POST",
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

export async function startFleetStack(kind: BrokerKind = "mosquitto"): Promise<FleetStack> {
  configure({ REDIS_PREFIX: `${env.REDIS_PREFIX}-${uid()}` });
  const db = getDb();
  const platform = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
  const { skipped: _s, ...trust } = await loadTrust(db, platform);
  const broker = await startBroker(kind, platform, trust);
  configure({ FLEET_MQTT_URL: broker.controlUrl, FLEET_AGENT_MQTT_URL: broker.url });

  // What workers/fleet-broker.ts does on a trust change: reload, and drop revoked devices.
  const unsubscribe = await subscribeTrustChanged(async (change) => {
    const { skipped: _k, ...next } = await loadTrust(db, platform);
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
  const ingest = new FleetIngest(db, channel, { shared: kind === "mosquitto", log: () => {} });
  await ingest.start();
  let stopWorkers = runWorkers(db, () => {});
  const http = await serveEnrollment();

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
