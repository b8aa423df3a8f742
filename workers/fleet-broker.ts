// The fleet process (`tsx workers/fleet-broker.ts`): keeps the MQTT broker's trust (the
// platform root and the org CAs' revocations, from fleet_trust) in step with the database,
// through a BrokerAdapter (server/domains/fleet/broker/adapter.ts).
// FLEET_BROKER=embedded runs the broker here (Aedes), alone or, with
// FLEET_BROKER_CLUSTER=redis, as one of several fleet processes sharing messages, retained
// state and shared subscriptions through Redis; =mosquitto keeps the files of a Mosquitto
// service in FLEET_MOSQUITTO_DIR and signals it. Trust changes arrive on Redis pub/sub; a
// periodic re-read covers a missed message. Kicks arrive there too, and every fleet process
// applies them to its own broker. Logs are JSON lines; keys never.
import { isIP } from "node:net";
import { type BrokerAdapter, embeddedAdapter } from "../server/domains/fleet/broker/adapter";
import { startEmbeddedBroker } from "../server/domains/fleet/broker/embedded";
import { subscribeKick } from "../server/domains/fleet/broker/kick";
import { mosquittoServiceAdapter } from "../server/domains/fleet/broker/mosquitto-service";
import {
  loadTrust,
  subscribeTrustChanged,
  type TrustChanged,
} from "../server/domains/fleet/broker/trust";
import { TrustReader, trustChanges } from "../server/domains/fleet/broker/trust-state";
import { ensurePlatformPki } from "../server/domains/fleet/pki/platform";
import { getDb } from "../server/platform/db/client";
import { env } from "../server/platform/env";
import { log as baseLog } from "../server/platform/log/logger";
import { startProcessMetrics } from "../server/platform/metrics/start";
import { startTracing } from "../server/platform/tracing/start";

const RESYNC_MS = 5 * 60_000;

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

/** Serials per org: what the CRLs' difference found and what the announcements named. */
function revokedPerOrg(
  found: { orgId?: string; serials: string[] }[],
  announced: TrustChanged[],
): { orgId: string; serials: string[] }[] {
  const byOrg = new Map<string, Set<string>>();
  const add = (orgId: string, serials: string[]) => {
    const set = byOrg.get(orgId) ?? new Set();
    for (const s of serials) set.add(s);
    byOrg.set(orgId, set);
  };
  for (const r of found) if (r.orgId) add(r.orgId, r.serials);
  for (const c of announced) if (c.revokedSerials?.length) add(c.orgId, c.revokedSerials);
  return [...byOrg].map(([orgId, serials]) => ({ orgId, serials: [...serials] }));
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
    const { skipped, ...trust } = await loadTrust(db, pki, {
      everyCrl: env.FLEET_BROKER === "mosquitto",
    });
    for (const s of skipped) log("warn", "org CA or CRL left out of the trust", s);
    return trust;
  };
  let trust = await readTrust();

  let adapter: BrokerAdapter;
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
      ...(env.FLEET_BROKER_CLUSTER === "redis"
        ? {
            cluster: {
              prefix: env.REDIS_PREFIX,
              ...(env.FLEET_BROKER_REDIS_URL ? { redisUrl: env.FLEET_BROKER_REDIS_URL } : {}),
            },
          }
        : {}),
    });
    log("info", "embedded broker listening", {
      url: broker.url,
      cluster: env.FLEET_BROKER_CLUSTER,
      brokerId: broker.id,
    });
    adapter = embeddedAdapter(broker);
  } else {
    if (agents.port === control.port)
      throw new Error(
        "FLEET_BROKER=mosquitto needs FLEET_AGENT_MQTT_URL on another port than FLEET_MQTT_URL: devices use one listener (client id forced to their identity), the control plane the other",
      );
    adapter = await mosquittoServiceAdapter({
      dir: env.FLEET_MOSQUITTO_DIR,
      host: bindAddress(agents.host),
      port: agents.port,
      controlPort: control.port,
      controlUrl: env.FLEET_MQTT_URL,
      platform: pki,
      trust,
      db,
      log: brokerLog,
    });
  }

  // One apply at a time; changes that arrive meanwhile are folded into the next one. Each
  // apply is judged against the previous one (trust-state.ts), so a missed announcement
  // is made up for by the next resync.
  const reader = new TrustReader();
  let state = reader.read(trust);
  let running: Promise<void> = Promise.resolve();
  const pending: TrustChanged[] = [];
  const resync = (change?: TrustChanged) => {
    if (change) pending.push(change);
    running = running.then(async () => {
      const changes = pending.splice(0);
      try {
        const next = await readTrust();
        const nextState = reader.read(next);
        const revoked = revokedPerOrg(trustChanges(state, nextState).revoked, changes);
        if (
          next.caBundle === trust.caBundle &&
          next.crlBundle === trust.crlBundle &&
          revoked.length === 0
        )
          return;
        const applied = await adapter.applyTrust({ trust: next, revoked });
        trust = next;
        state = nextState;
        log("info", "trust updated", {
          orgs: changes.map((c) => c.orgId),
          revoked: revoked.reduce((n, r) => n + r.serials.length, 0),
          ...applied,
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
  const unsubscribeKicks = await subscribeKick(
    ({ identities }) =>
      void adapter.kick(identities).then(
        (closed) => log("info", "kicked", { identities: identities.length, closed }),
        (error: Error) => log("error", "kick failed", { error: error.message }),
      ),
    { onError: (error) => log("warn", error.message) },
  );
  const timer = setInterval(() => resync(), RESYNC_MS);
  log("info", "fleet broker process ready", { broker: env.FLEET_BROKER });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      log("info", "shutting down", { signal });
      clearInterval(timer);
      await unsubscribe();
      await unsubscribeKicks();
      await running;
      await adapter.close();
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
