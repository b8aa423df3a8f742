// The control plane around the agents, started the way production runs it but on one
// machine. The broker is either the default, embedded one (Aedes in the fleet process,
// `workers/fleet-broker.ts`; with --brokers 2+, several fleet processes clustered through
// Redis behind a TCP balancer, as the Helm chart's Service spreads devices) or Mosquitto
// as a child (two listeners: devices, control plane). Then the BullMQ workers +
// device-report ingest as a separate process (`workers/index.ts`, joining the shared
// subscription), the enrollment endpoint and the REST API on loopback HTTP servers in this
// process, and an observer: a control-plane MQTT client that timestamps state messages.
// Imported only after bench-env.ts has set process.env.
import { fileURLToPath } from "node:url";
import { MosquittoBroker } from "../../server/domains/fleet/broker/mosquitto";
import { loadTrust } from "../../server/domains/fleet/broker/trust";
import { serveEnrollmentOnLoopback } from "../../server/domains/fleet/enrollment/serve-loopback";
import { ensurePlatformPki } from "../../server/domains/fleet/pki/platform";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { closeRedis } from "../../server/platform/redis";
import { startApiServer } from "../../testkit/api-server";
import type { TcpBalancer } from "../../testkit/stack/tcp-balancer";
import type { BrokerPorts } from "./broker-ports";
import { Observer } from "./observer";
import { spawnTs, type TsProcess } from "./procs";
import { waitFor } from "./stats";

const WORKERS = fileURLToPath(new URL("../../workers/index.ts", import.meta.url));
const FLEET = fileURLToPath(new URL("../../workers/fleet-broker.ts", import.meta.url));

/** The broker side, whichever it is. */
export interface BenchBroker {
  /** "mosquitto", "embedded" or "embedded ×2 (Redis)". */
  label: string;
  pids: number[];
  /** Where devices connect (the balancer in front of several embedded brokers). */
  url: string;
  /** Where the control plane connects. */
  controlUrl: string;
  logTail(lines: number): string;
  /** Waits until every broker can take the org's devices (its CA is made with its first site). */
  trustOrg(orgId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlPlane {
  broker: BenchBroker;
  worker: TsProcess;
  observer: Observer;
  portalUrl: string;
  /** The REST API (/api/v1) the measured change goes through, with an API key. */
  apiUrl: string;
  stop(): Promise<void>;
}

async function startMosquitto(
  ports: Extract<BrokerPorts, { kind: "mosquitto" }>,
  track: (stop: () => Promise<unknown>, pid?: number) => void,
): Promise<BenchBroker> {
  const db = getDb();
  const platform = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
  const { skipped: _s, ...trust } = await loadTrust(db, platform, { everyCrl: true }); // Mosquitto
  const broker = await MosquittoBroker.start({
    platform,
    trust,
    host: "127.0.0.1",
    port: ports.port,
    controlPort: ports.controlPort,
    maxFiles: 32_768,
  });
  track(() => broker.stop(), broker.pid);
  return {
    label: "mosquitto",
    pids: [broker.pid!],
    url: broker.url,
    controlUrl: broker.controlUrl,
    logTail: (lines) => broker.logTail(lines),
    async trustOrg() {
      // Mosquitto needs every org's CRL in its file: a new org rewrites it (docs/fleet.md).
      const { skipped, ...next } = await loadTrust(db, platform, { everyCrl: true });
      if (skipped.length)
        throw new Error(`org CAs left out of the trust: ${JSON.stringify(skipped)}`);
      await broker.reload(next);
    },
    stop: () => broker.stop(),
  };
}

/**
 * The default broker: one fleet process per port (`workers/fleet-broker.ts`, the process
 * production runs), clustered through Redis when there are several, behind a balancer.
 */
async function startEmbedded(
  ports: Extract<BrokerPorts, { kind: "embedded" }>,
  balancer: TcpBalancer | undefined,
  childEnv: Record<string, string>,
  track: (stop: () => Promise<unknown>, pid?: number) => void,
): Promise<BenchBroker> {
  const clustered = ports.ports.length > 1;
  let stopping = false;
  const fleets = ports.ports.map((port, i) => {
    const url = `mqtts://127.0.0.1:${port}`;
    const p = spawnTs(`fleet-${i + 1}`, FLEET, {
      env: {
        ...childEnv,
        FLEET_BROKER: "embedded",
        FLEET_BROKER_CLUSTER: clustered ? "redis" : "off",
        FLEET_MQTT_URL: url,
        FLEET_AGENT_MQTT_URL: url,
      },
      maxFiles: 65_536,
      // One process holds every session at the largest sizes (~120 KiB each).
      nodeArgs: ["--max-old-space-size=8192"],
    });
    track(() => {
      stopping = true;
      return p.stop();
    }, p.pid);
    // A broker that dies mid-run says why at once: its log lives only in this process, and
    // the waits would otherwise run to their deadline first (the 50,000-agent run lost it).
    void p.exited.then((code) => {
      if (!stopping) console.error(`\n${p.name} exited (${code}) during the run:\n${p.tail(60)}\n`);
    });
    return p;
  });
  for (const p of fleets)
    await waitFor(
      `${p.name} to listen`,
      () => {
        if (p.child.exitCode !== null) throw new Error(`${p.name} exited:\n${p.tail()}`);
        return p.tail(200).includes("fleet broker process ready");
      },
      60_000,
      { detail: () => p.tail(5) },
    );
  const url = balancer?.url ?? `mqtts://127.0.0.1:${ports.ports[0]}`;
  return {
    label: clustered ? `embedded ×${fleets.length} (Redis)` : "embedded",
    pids: fleets.map((p) => p.pid),
    url,
    controlUrl: url,
    logTail: (lines) => fleets.map((p) => p.tail(lines)).join("\n"),
    // Org CAs are intermediates of the root the brokers trust: a new org changes nothing.
    trustOrg: async () => {},
    async stop() {
      stopping = true;
      await Promise.all(fleets.map((p) => p.stop()));
      await balancer?.close();
    },
  };
}

/**
 * Starts every part; `track` receives each stoppable part as soon as it exists, so that a
 * failure halfway still stops what was started.
 */
export async function startControlPlane(
  ports: BrokerPorts,
  balancer: TcpBalancer | undefined,
  childEnv: Record<string, string>,
  profileDir: string | undefined,
  track: (stop: () => Promise<unknown>, pid?: number) => void,
): Promise<ControlPlane> {
  const db = getDb();
  const platform = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
  const broker =
    ports.kind === "mosquitto"
      ? await startMosquitto(ports, track)
      : await startEmbedded(ports, balancer, childEnv, track);

  const worker = spawnTs("workers", WORKERS, { env: childEnv, profileDir });
  track(() => worker.stop(), worker.pid);
  let exited: number | null | undefined;
  void worker.exited.then((code) => {
    exited = code;
  });
  await waitFor(
    "the worker process's ingest to subscribe",
    () => {
      if (exited !== undefined)
        throw new Error(`worker process exited (${exited}):\n${worker.tail()}`);
      return worker.tail(200).includes("fleet ingest subscribed");
    },
    60_000,
    { detail: () => worker.tail(5) },
  );

  const http = await serveEnrollmentOnLoopback();
  track(() => new Promise((r) => http.server.close(r)));
  const api = await startApiServer();
  track(() => api.close());

  const observer = await Observer.connect({
    url: broker.controlUrl,
    ca: platform.caPem,
    cert: platform.controlCertPem,
    key: platform.controlKeyPem,
  });
  track(() => observer.close());

  return {
    broker,
    worker,
    observer,
    portalUrl: http.url,
    apiUrl: api.url,
    async stop() {
      await observer.close().catch(() => undefined);
      http.server.closeAllConnections();
      await new Promise((r) => http.server.close(r));
      await api.close();
      await worker.stop();
      await broker.stop();
      await closeQueues();
      await closeRedis();
      await db.$disconnect();
    },
  };
}
