// Production: Mosquitto runs as a system service reading FLEET_MOSQUITTO_DIR (its config
// there, written once; an operator may edit it). The fleet process keeps the trust files
// of that directory current and signals the service to reload them.
import { readFile } from "node:fs/promises";
import type { PlatformPki } from "../pki/platform";
import { type MosquittoConfOptions, mosquittoPaths, writeMosquittoDir } from "./mosquitto-config";
import { removedCaCount, type Trust } from "./trust";

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
