// The fleet process (`tsx workers/fleet-broker.ts`): keeps the MQTT broker's trust (the
// platform CA and every org CA with its CRL, from fleet_trust) in step with the database.
// FLEET_BROKER=embedded runs the broker here (Aedes); =mosquitto keeps the files of a
// Mosquitto service in FLEET_MOSQUITTO_DIR and signals it. Trust changes arrive on Redis
// pub/sub; a periodic re-read covers a missed message. With Mosquitto it also kicks devices
// whose certificate expired while connected (expiry-sweep.ts; the embedded broker drops
// them itself). Logs are JSON lines; keys never.
import { isIP } from "node:net";
import { startEmbeddedBroker } from "../server/domains/fleet/broker/embedded";
import { expiredCertSweep } from "../server/domains/fleet/broker/expiry-sweep";
import { kickMosquittoClients } from "../server/domains/fleet/broker/mosquitto-kick";
import { syncMosquittoDir } from "../server/domains/fleet/broker/mosquitto-service";
import {
  identitiesOfSerials,
  loadTrust,
  subscribeTrustChanged,
  type Trust,
  type TrustChanged,
} from "../server/domains/fleet/broker/trust";
import { ensurePlatformPki } from "../server/domains/fleet/pki/platform";
import { getDb } from "../server/platform/db/client";
import { env } from "../server/platform/env";
import { log as baseLog } from "../server/platform/log/logger";
import { startProcessMetrics } from "../server/platform/metrics/start";
import { startTracing } from "../server/platform/tracing/start";

const RESYNC_MS = 5 * 60_000;
/** Mosquitto keeps a connection past its certificate's expiry by at most this much. */
const EXPIRY_SWEEP_MS = 30_000;

const brokerLog = baseLog.child({ component: "fleet-broker" });
const log = (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) =>
  brokerLog[level](msg, fields);

function endpoint(url: string) {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return { host, port: Number(u.port) || 8883 };
}

/** A URL naming an address or localhost binds there; a DNS name must be reachable: all interfaces. */
const bindAddress = (host: string) =>
  host === "localhost" ? "127.0.0.1" : isIP(host) ? host : "0.0.0.0";

interface Applier {
  apply(trust: Trust, revokedIdentities: string[]): Promise<void>;
  close(): Promise<void>;
}

async function main() {
  const metrics = await startProcessMetrics("fleet-broker");
  const tracing = await startTracing("fleet-broker");
  const control = endpoint(env.FLEET_MQTT_URL);
  const agents = endpoint(env.FLEET_AGENT_MQTT_URL ?? env.FLEET_MQTT_URL);
  const pki = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY, {
    hosts: [...new Set([control.host, agents.host])],
  });
  const db = getDb();
  const readTrust = async () => {
    const { skipped, ...trust } = await loadTrust(db, pki);
    for (const s of skipped) log("warn", "org CA left out of the trust bundle", s);
    return trust;
  };
  let trust = await readTrust();

  let applier: Applier;
  if (env.FLEET_BROKER === "embedded") {
    if (agents.port !== control.port)
      log("warn", "the embedded broker listens on FLEET_MQTT_URL's port only", {
        port: control.port,
      });
    const broker = await startEmbeddedBroker({
      ...trust,
      host: bindAddress(agents.host),
      port: control.port,
      serverCertPem: pki.brokerCertPem,
      serverKeyPem: pki.brokerKeyPem,
    });
    log("info", "embedded broker listening", { url: broker.url });
    applier = {
      apply: async (t) => log("info", "trust applied", await broker.updateTrust(t)),
      close: () => broker.close(),
    };
  } else {
    if (agents.port === control.port)
      throw new Error(
        "FLEET_BROKER=mosquitto needs FLEET_AGENT_MQTT_URL on another port than FLEET_MQTT_URL: devices use one listener (client id forced to their identity), the control plane the other",
      );
    const dir = env.FLEET_MOSQUITTO_DIR;
    const sync = async (t: Trust) => {
      const r = await syncMosquittoDir({
        dir,
        host: bindAddress(agents.host),
        port: agents.port,
        controlPort: control.port,
        trust: t,
        platform: pki,
      });
      if (r.removedCas > 0)
        log("warn", "CAs were removed: restart mosquitto to stop trusting them", r);
      if (r.signalled) log("info", "mosquitto signalled to reload", { pid: r.signalled });
      else log("info", "mosquitto files written; no mosquitto.pid to signal", { dir });
      return r;
    };
    await sync(trust);
    log("info", "mosquitto directory ready", { dir, conf: `${dir}/mosquitto.conf` });
    const creds = {
      url: env.FLEET_MQTT_URL,
      caPem: pki.caPem,
      certPem: pki.controlCertPem,
      keyPem: pki.controlKeyPem,
    };
    const sweep = expiredCertSweep(db, (ids) => kickMosquittoClients(creds, ids));
    let sweeping = false;
    const sweepTimer = setInterval(async () => {
      if (sweeping) return;
      sweeping = true;
      try {
        const kicked = await sweep();
        if (kicked.length > 0) log("warn", "clients with expired certificates kicked", { kicked });
      } catch (error) {
        log("error", "expired-certificate sweep failed", { error: (error as Error).message });
      } finally {
        sweeping = false;
      }
    }, EXPIRY_SWEEP_MS);
    applier = {
      async apply(t, revoked) {
        const { signalled } = await sync(t);
        if (!signalled || revoked.length === 0) return;
        await kickMosquittoClients(creds, revoked);
        log("info", "revoked clients kicked", { identities: revoked });
      },
      close: async () => clearInterval(sweepTimer),
    };
  }

  // One apply at a time; changes that arrive meanwhile are folded into the next one.
  let running: Promise<void> = Promise.resolve();
  const pending: TrustChanged[] = [];
  const resync = (change?: TrustChanged) => {
    if (change) pending.push(change);
    running = running.then(async () => {
      const changes = pending.splice(0);
      try {
        const next = await readTrust();
        const revoked: string[] = [];
        for (const c of changes)
          if (c.revokedSerials?.length)
            revoked.push(...(await identitiesOfSerials(db, c.orgId, c.revokedSerials)));
        if (
          next.caBundle === trust.caBundle &&
          next.crlBundle === trust.crlBundle &&
          revoked.length === 0
        )
          return;
        await applier.apply(next, revoked);
        trust = next;
        log("info", "trust updated", {
          orgs: changes.map((c) => c.orgId),
          revoked: revoked.length,
        });
      } catch (error) {
        pending.unshift(...changes); // retried at the next change or resync
        log("error", "trust update failed", { error: (error as Error).message });
      }
    });
  };
  const unsubscribe = await subscribeTrustChanged(resync, {
    onError: (error) => log("warn", error.message),
  });
  const timer = setInterval(() => resync(), RESYNC_MS);
  log("info", "fleet broker process ready", { broker: env.FLEET_BROKER });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      log("info", "shutting down", { signal });
      clearInterval(timer);
      await unsubscribe();
      await running;
      await applier.close();
      await metrics?.close();
      await db.$disconnect();
      await tracing?.shutdown();
      process.exit(0);
    });
  }
}

main().catch((error: Error) => {
  log("error", "fleet broker process failed", { error: error.message });
  process.exit(1);
});
