// The control plane around the agents, started the way production runs it but on one
// machine: Mosquitto as a child (two listeners: devices, control plane), the BullMQ
// workers + device-report ingest as a separate process (`workers/index.ts`, joining the
// shared subscription), the enrollment endpoint on a loopback HTTP server in this process,
// and an observer: a control-plane MQTT client that timestamps state and desired messages.
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
import { Observer } from "./observer";
import { spawnTs, type TsProcess } from "./procs";
import { waitFor } from "./stats";

const WORKERS = fileURLToPath(new URL("../../workers/index.ts", import.meta.url));

export interface ControlPlane {
  broker: MosquittoBroker;
  worker: TsProcess;
  observer: Observer;
  portalUrl: string;
  /** Makes the broker trust every org CA in the database (after an org's first site). */
  reloadTrust(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts every part; `track` receives each stoppable part as soon as it exists, so that a
 * failure halfway still stops what was started.
 */
export async function startControlPlane(
  ports: { port: number; controlPort: number },
  childEnv: Record<string, string>,
  profileDir: string | undefined,
  track: (stop: () => Promise<unknown>, pid?: number) => void,
): Promise<ControlPlane> {
  const db = getDb();
  const platform = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
  const { skipped: _s, ...trust } = await loadTrust(db, platform);
  const broker = await MosquittoBroker.start({
    platform,
    trust,
    host: "127.0.0.1",
    ...ports,
    maxFiles: 32_768,
  });
  track(() => broker.stop(), broker.pid);

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
    async reloadTrust() {
      const { skipped, ...next } = await loadTrust(db, platform);
      if (skipped.length)
        throw new Error(`org CAs left out of the trust: ${JSON.stringify(skipped)}`);
      await broker.reload(next);
    },
    async stop() {
      await observer.close().catch(() => undefined);
      http.server.closeAllConnections();
      await new Promise((r) => http.server.close(r));
      await worker.stop();
      await broker.stop();
      await closeQueues();
      await closeRedis();
      await db.$disconnect();
    },
  };
}
