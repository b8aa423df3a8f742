// Production: Mosquitto runs as a system service reading FLEET_MOSQUITTO_DIR (its config
// there, written once; an operator may edit it). The fleet process keeps the trust files
// of that directory current and signals the service to reload them; it kicks revoked
// devices (Mosquitto keeps their open connections) and those whose certificate expired
// while connected (Mosquitto checks validity at the handshake only: expiry-sweep.ts).
import { readFile } from "node:fs/promises";
import type { Db } from "../../../platform/db/client";
import type { Logger } from "../../../platform/log/logger";
import type { PlatformPki } from "../pki/platform";
import type { BrokerAdapter } from "./adapter";
import { expiredCertSweep } from "./expiry-sweep";
import { type MosquittoConfOptions, mosquittoPaths, writeMosquittoDir } from "./mosquitto-config";
import { kickMosquittoClients } from "./mosquitto-kick";
import { identitiesOfSerials, removedCaCount, type Trust } from "./trust";

/** Mosquitto keeps a connection past its certificate's expiry by at most this much. */
const EXPIRY_SWEEP_MS = 30_000;

/**
 * Writes the trust files (and any missing file of the directory), then SIGHUPs the pid in
 * mosquitto.pid when there is one. The reload is asynchronous. Mosquitto never forgets a
 * CA on reload: a removed one needs a restart of the service, and removedCas says so.
 */
export async function syncMosquittoDir(
  o: MosquittoConfOptions & { trust: Trust; platform: PlatformPki },
): Promise<{ signalled?: number; removedCas: number }> {
  const paths = mosquittoPaths(o.dir);
  const before = await readFile(paths.caBundle, "utf8").catch(() => "");
  await writeMosquittoDir({ ...o, pidFile: true, keepConf: true });
  const removedCas = removedCaCount(before, o.trust.caBundle);
  const pid = Number((await readFile(paths.pid, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return { removedCas };
  try {
    process.kill(pid, "SIGHUP");
    return { signalled: pid, removedCas };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return { removedCas }; // stale pid file
    throw error;
  }
}

export interface MosquittoServiceOptions extends MosquittoConfOptions {
  platform: PlatformPki;
  /** The control listener, where kicks go (dynamic-security plugin). */
  controlUrl: string;
  db: Db;
  log: Logger;
}

/** The Mosquitto service as a BrokerAdapter; its files are written at once. */
export async function mosquittoServiceAdapter(
  o: MosquittoServiceOptions & { trust: Trust },
): Promise<BrokerAdapter> {
  const { db, log, platform, controlUrl, trust: _initial, ...conf } = o;
  const sync = async (trust: Trust) => {
    const r = await syncMosquittoDir({ ...conf, trust, platform });
    if (r.removedCas > 0) log.warn("CAs were removed: restart mosquitto to stop trusting them", r);
    if (r.signalled) log.info("mosquitto signalled to reload", { pid: r.signalled });
    else log.info("mosquitto files written; no mosquitto.pid to signal", { dir: conf.dir });
    return r;
  };
  await sync(o.trust);
  log.info("mosquitto directory ready", { dir: conf.dir, conf: `${conf.dir}/mosquitto.conf` });
  const creds = {
    url: controlUrl,
    caPem: platform.caPem,
    certPem: platform.controlCertPem,
    keyPem: platform.controlKeyPem,
  };
  const kick = async (identities: string[]) => {
    await kickMosquittoClients(creds, identities);
    return undefined; // dynsec does not say how many connections it closed
  };

  const sweep = expiredCertSweep(db, kick);
  let sweeping = false;
  const sweepTimer = setInterval(async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      const kicked = await sweep();
      if (kicked.length > 0) log.warn("clients with expired certificates kicked", { kicked });
    } catch (error) {
      log.error("expired-certificate sweep failed", { error: (error as Error).message });
    } finally {
      sweeping = false;
    }
  }, EXPIRY_SWEEP_MS);

  return {
    kind: "mosquitto",
    async applyTrust({ trust, revoked }) {
      const { signalled } = await sync(trust);
      const identities: string[] = [];
      for (const { orgId, serials } of revoked)
        identities.push(...(await identitiesOfSerials(db, orgId, serials)));
      // Without a running service there is nobody to kick; its restart reads the CRLs.
      if (signalled && identities.length > 0) {
        await kick(identities);
        log.info("revoked clients kicked", { identities });
      }
      return { signalled, kicked: signalled ? identities.length : 0 };
    },
    kick,
    close: async () => clearInterval(sweepTimer),
  };
}
