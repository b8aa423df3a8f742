// The platform PKI, kept as files in FLEET_PKI_DIR: a platform CA (key sealed under the
// master key), which is also the root of every org CA (pki/intermediate.ts), the broker's
// server certificate and the control plane's client certificate (CN =
// CONTROL_PLANE_IDENTITY), plus the CA's CRL (it would revoke an org CA). Idempotent: creates what is missing, re-issues leaf
// certificates and the CRL when they near expiry; a lock file serializes processes.
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { certMatchesKey } from "../../../../protocol/crypto/device-key";
import { x509 } from "../../../../protocol/crypto/x509";
import { CONTROL_PLANE_IDENTITY } from "../../../../protocol/topics";
import { PkiError } from "./errors";
import { writeFileAtomic } from "./files";
import { ROOT_PATH_LENGTH, widenRoot } from "./intermediate";
import { exportKeyPem, issueLeaf, loadSigner, newCa, newKeyPair, signCrl } from "./issue";

export const PLATFORM_CA_NAME = "Patronus platform CA";

const DAY = 86_400_000;
const RENEW_BEFORE = 30 * DAY;
const LEAF_DAYS = 397;
const CRL_HOURS = 365 * 24;
const LOCK_STALE_MS = 15_000;
const LOCK_WAIT_MS = 30_000;

export interface PlatformPki {
  caPem: string;
  crlPem: string;
  brokerCertPem: string;
  brokerKeyPem: string;
  controlCertPem: string;
  controlKeyPem: string;
  paths: Record<
    "ca" | "caKey" | "crl" | "brokerCert" | "brokerKey" | "controlCert" | "controlKey",
    string
  >;
}

const readIfExists = (path: string) =>
  readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });

/** A lock left by a process that died: its pid is gone, or it is older than any real run. */
async function isStale(path: string) {
  const [pidText, age] = await Promise.all([
    readFile(path, "utf8").catch(() => ""),
    stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    ),
  ]);
  const pid = Number(pidText);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") return true;
    }
  }
  return age > LOCK_STALE_MS;
}

/** Waits for the lock file (taking over a stale one), runs fn, releases it. */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (await isStale(path)) await rm(path, { force: true });
      else if (Date.now() > deadline) throw new PkiError(`timed out waiting for the lock ${path}`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

/** Whether a leaf pair can stay: readable, matching, signed by the CA, far from expiry. */
async function leafIsGood(
  certPem: string | undefined,
  keyPem: string | undefined,
  ca: x509.X509Certificate,
  wantNames: string[],
) {
  if (!certPem || !keyPem) return false;
  try {
    if (!certMatchesKey(certPem, keyPem)) return false;
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() - Date.now() < RENEW_BEFORE) return false;
    if (!(await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }))) return false;
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    const names = san?.names.items.map((n) => n.value) ?? [];
    return wantNames.every((n) => names.includes(n));
  } catch {
    return false; // unreadable: issue a new one
  }
}

const crlIsFresh = (pem: string | undefined) => {
  try {
    const next = pem ? new x509.X509Crl(pem).nextUpdate : undefined;
    return !!next && next.getTime() - Date.now() >= RENEW_BEFORE;
  } catch {
    return false;
  }
};

const isIp = (h: string) => /^[0-9.]+$/.test(h) || h.includes(":");

export async function ensurePlatformPki(
  dir: string,
  masterKeyHex: string,
  opts: { hosts?: string[] } = {},
): Promise<PlatformPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = {
    ca: join(dir, "ca.pem"),
    caKey: join(dir, "ca.key.sealed"),
    crl: join(dir, "crl.pem"),
    brokerCert: join(dir, "broker.pem"),
    brokerKey: join(dir, "broker.key"),
    controlCert: join(dir, "control.pem"),
    controlKey: join(dir, "control.key"),
  };
  const hosts = [...new Set(["127.0.0.1", "::1", "localhost", ...(opts.hosts ?? [])])];
  const ips = hosts.filter(isIp);
  const dns = hosts.filter((h) => !isIp(h));

  return withLock(join(dir, ".lock"), async () => {
    let caPem = await readIfExists(paths.ca);
    let caKeyEnc = await readIfExists(paths.caKey);
    if (!caPem || !caKeyEnc) {
      const made = await newCa([{ CN: [PLATFORM_CA_NAME] }], masterKeyHex, 10, ROOT_PATH_LENGTH);
      ({ certPem: caPem, keyEnc: caKeyEnc } = made);
      await writeFileAtomic(paths.caKey, caKeyEnc, 0o600);
      await writeFileAtomic(paths.crl, made.crlPem);
      await writeFileAtomic(paths.ca, caPem);
    }
    let signer = await loadSigner(caPem, caKeyEnc, masterKeyHex).catch((e: Error) => {
      throw new PkiError(`platform CA in ${dir}: ${e.message}`);
    });
    const widened = await widenRoot(signer);
    if (widened) {
      await writeFileAtomic(paths.ca, widened);
      signer = await loadSigner(widened, caKeyEnc, masterKeyHex);
    }

    if (!crlIsFresh(await readIfExists(paths.crl))) {
      const crlNumber = Math.floor(Date.now() / 1000); // grows without stored state
      await writeFileAtomic(
        paths.crl,
        await signCrl(signer, { revoked: [], crlNumber, nextUpdateHours: CRL_HOURS }),
      );
    }

    const leaves = [
      {
        cert: paths.brokerCert,
        key: paths.brokerKey,
        cn: "Patronus broker",
        usage: "server" as const,
      },
      {
        cert: paths.controlCert,
        key: paths.controlKey,
        cn: CONTROL_PLANE_IDENTITY,
        usage: "client" as const,
      },
    ];
    for (const leaf of leaves) {
      const server = leaf.usage === "server";
      const good = await leafIsGood(
        await readIfExists(leaf.cert),
        await readIfExists(leaf.key),
        signer.cert,
        server ? hosts : [],
      );
      if (good) continue;
      const keys = await newKeyPair();
      const cert = await issueLeaf(signer, {
        publicKey: keys.publicKey,
        subject: [{ CN: [leaf.cn] }],
        notBefore: new Date(Date.now() - 5 * 60_000),
        notAfter: new Date(Date.now() + LEAF_DAYS * DAY),
        usage: leaf.usage,
        ...(server ? { ips, dns } : {}),
      });
      await writeFileAtomic(leaf.key, await exportKeyPem(keys.privateKey), 0o600);
      await writeFileAtomic(leaf.cert, cert.toString("pem"));
    }

    // Read inside the lock, so that another process's renewal is never seen half done.
    const read = (p: string) => readFile(p, "utf8");
    return {
      caPem: await read(paths.ca),
      crlPem: await read(paths.crl),
      brokerCertPem: await read(paths.brokerCert),
      brokerKeyPem: await read(paths.brokerKey),
      controlCertPem: await read(paths.controlCert),
      controlKeyPem: await read(paths.controlKey),
      paths,
    };
  });
}
