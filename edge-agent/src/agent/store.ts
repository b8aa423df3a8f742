// What an agent keeps between runs. FileStore is the state directory of a real device:
//   key.pem (0600)  cert.pem  ca.pem (org CA chain, presented)  broker-ca.pem  identity.json
//   last-good.json (the last DesiredState applied successfully)  enroll-pending.json
// Every write is atomic (fs-atomic.ts). MemoryStore serves simulated fleets and tests.
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { type DesiredState, ZDesiredState } from "../../../protocol";
import { certMatchesKey } from "../../../protocol/crypto/device-key";
import { zText } from "../../../protocol/text";
import { syncDir, writeFileAtomic } from "./fs-atomic";

export const ZDeviceIdentity = z.strictObject({
  deviceId: zText().min(1),
  /** `<orgId>.<deviceId>`: certificate CN, MQTT client id, topic key. */
  identity: zText().min(3),
  mqttUrl: zText().min(1),
});
export type DeviceIdentity = z.infer<typeof ZDeviceIdentity>;

export interface Credentials {
  keyPem: string;
  certPem: string;
  /** The org CA chain that signed the device certificate. */
  caPem: string;
  /** The CA that signed the broker's server certificate. */
  brokerCaPem: string;
}

export const ZPendingEnrollment = z.strictObject({
  deviceId: zText(),
  pollToken: zText(),
  portalUrl: zText(),
  retryAfterSeconds: z.number().int().min(1),
});
export type PendingEnrollment = z.infer<typeof ZPendingEnrollment>;

/** The part of a store an Agent needs while it runs. */
export interface AgentStore {
  loadLastGood(): Promise<DesiredState | null>;
  saveLastGood(state: DesiredState): Promise<void>;
  saveCredentials(c: Credentials): Promise<void>;
}

export class MemoryStore implements AgentStore {
  constructor(
    public lastGood: DesiredState | null = null,
    public credentials: Credentials | null = null,
  ) {}
  async loadLastGood() {
    return this.lastGood;
  }
  async saveLastGood(state: DesiredState) {
    this.lastGood = state;
  }
  async saveCredentials(c: Credentials) {
    this.credentials = c;
  }
}

const F = {
  key: "key.pem",
  cert: "cert.pem",
  ca: "ca.pem",
  brokerCa: "broker-ca.pem",
  identity: "identity.json",
  lastGood: "last-good.json",
  pending: "enroll-pending.json",
} as const;
const NEXT = ".next";

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

export class StoreError extends Error {
  override name = "StoreError";
}

export class FileStore implements AgentStore {
  constructor(readonly dir: string) {}

  path(name: keyof typeof F): string {
    return join(this.dir, F[name]);
  }

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  private async readJson<T>(name: keyof typeof F, schema: z.ZodType<T>): Promise<T | null> {
    const text = await readText(this.path(name));
    if (text === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new StoreError(`${this.path(name)} is not valid JSON`);
    }
    const r = schema.safeParse(json);
    if (!r.success) throw new StoreError(`${this.path(name)} is not valid: ${r.error.message}`);
    // As written, fields this agent does not know included: the last good config's hash is
    // over the config as the control plane sent it (no stored schema transforms a value).
    return json as T;
  }

  private writeJson(name: keyof typeof F, value: unknown, mode = 0o644) {
    return writeFileAtomic(this.path(name), `${JSON.stringify(value, null, 2)}\n`, mode);
  }

  loadIdentity() {
    return this.readJson("identity", ZDeviceIdentity);
  }
  saveIdentity(id: DeviceIdentity) {
    return this.writeJson("identity", id);
  }

  loadPending() {
    return this.readJson("pending", ZPendingEnrollment);
  }
  savePending(p: PendingEnrollment) {
    return this.writeJson("pending", p, 0o600); // the poll token is a credential
  }
  clearPending() {
    return rm(this.path("pending"), { force: true });
  }

  loadLastGood() {
    return this.readJson("lastGood", ZDesiredState);
  }
  saveLastGood(state: DesiredState) {
    return this.writeJson("lastGood", state);
  }

  readKey() {
    return readText(this.path("key"));
  }
  saveKey(keyPem: string) {
    return writeFileAtomic(this.path("key"), keyPem, 0o600);
  }

  /** Enrollment: the key is already on disk (saveKey); the rest arrives with the answer. */
  async saveEnrollment(c: Omit<Credentials, "keyPem">, id: DeviceIdentity): Promise<void> {
    await writeFileAtomic(this.path("cert"), c.certPem);
    await writeFileAtomic(this.path("ca"), c.caPem);
    await writeFileAtomic(this.path("brokerCa"), c.brokerCaPem);
    await this.saveIdentity(id);
  }

  /**
   * Renewal: the new pair is staged as key.pem.next / cert.pem.next, then each is renamed
   * over the old one. A crash in between leaves a pair loadCredentials() can finish.
   */
  async saveCredentials(c: Credentials): Promise<void> {
    await writeFileAtomic(this.path("key") + NEXT, c.keyPem, 0o600);
    await writeFileAtomic(this.path("cert") + NEXT, c.certPem);
    await writeFileAtomic(this.path("ca"), c.caPem);
    await writeFileAtomic(this.path("brokerCa"), c.brokerCaPem);
    await rename(this.path("key") + NEXT, this.path("key"));
    await rename(this.path("cert") + NEXT, this.path("cert"));
    await syncDir(this.dir);
  }

  async loadCredentials(): Promise<Credentials | null> {
    await this.finishRenewal();
    const [keyPem, certPem, caPem, brokerCaPem] = await Promise.all(
      (["key", "cert", "ca", "brokerCa"] as const).map((n) => readText(this.path(n))),
    );
    if (!keyPem || !certPem || !caPem || !brokerCaPem) return null;
    if (!certMatchesKey(certPem, keyPem))
      throw new StoreError(`${this.path("cert")} does not belong to ${this.path("key")}`);
    return { keyPem, certPem, caPem, brokerCaPem };
  }

  /** Completes a renewal interrupted between its renames, or drops a half-written one. */
  private async finishRenewal(): Promise<void> {
    const keyNext = await readText(this.path("key") + NEXT);
    const certNext = await readText(this.path("cert") + NEXT);
    if (keyNext === null && certNext === null) return;
    const key = keyNext ?? (await readText(this.path("key")));
    if (certNext && key && certMatchesKey(certNext, key)) {
      if (keyNext) await rename(this.path("key") + NEXT, this.path("key"));
      await rename(this.path("cert") + NEXT, this.path("cert"));
      await syncDir(this.dir);
      return;
    }
    await rm(this.path("key") + NEXT, { force: true });
    await rm(this.path("cert") + NEXT, { force: true });
  }
}
