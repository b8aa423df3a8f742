// Mosquitto as a child process (tests, benchmarks, single-machine runs); production runs
// it as a service (mosquitto-service.ts). What a reload does, found by experiment on
// Mosquitto 2.0.11 (test/fleet/broker/mosquitto.int.test.ts):
// - SIGHUP re-reads cafile and crlfile: new org CAs are trusted and revoked certificates
//   are refused from the next handshake on. CAs and CRLs are only ever added to
//   OpenSSL's store: a CA removed from the bundle stays trusted until a restart.
// - Connections already open are kept, even revoked ones: kick them (mosquitto-kick.ts).
//   Expired ones too: Mosquitto checks validity at the handshake only (expiry-sweep.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { freePort } from "../../../platform/free-port";
import type { PlatformPki } from "../pki/platform";
import {
  type MosquittoConfOptions,
  mosquittoPaths,
  writeMosquittoDir,
  writeTrustFiles,
} from "./mosquitto-config";
import { type ControlCredentials, kickMosquittoClients } from "./mosquitto-kick";
import { removedCaCount, type Trust } from "./trust";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { freePort };

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

export interface MosquittoBrokerOptions {
  platform: PlatformPki;
  trust: Trust;
  host?: string;
  /** 0 or absent: a free port. */
  port?: number;
  controlPort?: number;
  /** Raise the open-files limit (one per client) before exec'ing mosquitto. */
  maxFiles?: number;
  binary?: string;
  startTimeoutMs?: number;
}

export class MosquittoBroker {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private log: string[] = [];
  private reloads = 0;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly host: string,
    private ports: { port: number; controlPort: number },
    private trust: Trust,
    private readonly opts: MosquittoBrokerOptions,
  ) {}

  /** Starts mosquitto in a new temp directory and waits until it completes TLS handshakes. */
  static async start(opts: MosquittoBrokerOptions): Promise<MosquittoBroker> {
    const dir = await mkdtemp(join(tmpdir(), "patronus-mosquitto-"));
    const host = opts.host ?? "127.0.0.1";
    const broker = new MosquittoBroker(dir, host, { port: 0, controlPort: 0 }, opts.trust, opts);
    try {
      for (let attempt = 1; ; attempt++) {
        broker.ports = {
          port: opts.port || (await freePort(host)),
          controlPort: opts.controlPort || (await freePort(host)),
        };
        try {
          await broker.launch(true);
          return broker;
        } catch (error) {
          // A free port can be taken between our probe and mosquitto's bind.
          const raced = !opts.port && broker.logTail().includes("Address already in use");
          if (!raced || attempt >= 3) throw error;
        }
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get port() {
    return this.ports.port;
  }
  get controlPort() {
    return this.ports.controlPort;
  }
  get url() {
    return `mqtts://${urlHost(this.host)}:${this.port}`;
  }
  /** Listener of the control plane (platform CA only, client ids not forced). */
  get controlUrl() {
    return `mqtts://${urlHost(this.host)}:${this.controlPort}`;
  }
  get pid() {
    return this.child?.pid;
  }
  /** The last lines mosquitto logged, for error messages. */
  logTail(lines = 30) {
    return this.log.slice(-lines).join("\n");
  }

  get controlCredentials(): ControlCredentials {
    const { caPem, controlCertPem, controlKeyPem } = this.opts.platform;
    return { url: this.controlUrl, caPem, certPem: controlCertPem, keyPem: controlKeyPem };
  }

  private async launch(writeAll: boolean) {
    const conf: MosquittoConfOptions = { dir: this.dir, host: this.host, ...this.ports };
    if (writeAll)
      await writeMosquittoDir({ ...conf, trust: this.trust, platform: this.opts.platform });
    const binary = this.opts.binary ?? "mosquitto";
    const confPath = mosquittoPaths(this.dir).conf;
    const child = this.opts.maxFiles
      ? spawn(
          "sh",
          [
            "-c",
            'ulimit -n "$1" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$2" -c "$3"',
            "sh",
          ].concat([String(this.opts.maxFiles), binary, confPath]),
          { stdio: ["ignore", "pipe", "pipe"] },
        )
      : spawn(binary, ["-c", confPath], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // Always drain the pipes: a full pipe would block mosquitto.
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        if (line.includes("Reloading config")) this.reloads++;
        this.log.push(line);
      }
      if (this.log.length > 500) this.log.splice(0, this.log.length - 200);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    this.exited = new Promise((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", (error) => {
        this.log.push(`spawn failed: ${error.message}`);
        resolve(-1);
      });
    });
    await this.waitUntilServing(this.opts.startTimeoutMs ?? 15_000);
  }

  private async waitUntilServing(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited?.then((code) => {
      exitCode = code;
    });
    const { caPem, controlCertPem, controlKeyPem } = this.opts.platform;
    for (;;) {
      if (exitCode !== undefined)
        throw new Error(`mosquitto exited (code ${exitCode}) while starting:\n${this.logTail()}`);
      const ok = await new Promise<boolean>((resolve) => {
        const socket = tlsConnect({
          host: this.host,
          port: this.controlPort,
          ca: caPem,
          cert: controlCertPem,
          key: controlKeyPem,
          servername: "localhost",
        });
        socket.once("secureConnect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
        socket.setTimeout(2_000, () => {
          socket.destroy();
          resolve(false);
        });
      });
      if (ok) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`mosquitto did not accept TLS within ${timeoutMs} ms:\n${this.logTail()}`);
      }
      await sleep(50);
    }
  }

  /**
   * Applies new trust: SIGHUP when CAs were only added, a restart when one was removed
   * (Mosquitto never forgets a CA on reload). Resolves once mosquitto has reloaded, then
   * kicks `kick` (identities whose certificates were revoked) off the broker.
   */
  reload(trust: Trust, opts: { kick?: string[] } = {}): Promise<void> {
    // One at a time: a SIGHUP sent while a restart is under way reaches no process, and two
    // restarts at once fight over the ports.
    const run = this.reloading.then(() => this.applyTrust(trust, opts));
    this.reloading = run.catch(() => {});
    return run;
  }

  private async applyTrust(trust: Trust, opts: { kick?: string[] }) {
    const removed = removedCaCount(this.trust.caBundle, trust.caBundle);
    this.trust = trust;
    await writeTrustFiles(this.dir, trust, this.opts.platform);
    if (removed > 0) await this.restart();
    else await this.hangUp();
    if (opts.kick?.length) await this.kick(opts.kick);
  }

  /**
   * SIGHUP, and wait for the reload it starts. Mosquitto logs "Reloading config" when a
   * reload starts but clears its reload flag only when it ends: a SIGHUP that lands in
   * between is swallowed (the previous reload may still be running when this one is sent).
   * So one that no reload answers is sent again; an extra reload is harmless.
   */
  private async hangUp(timeoutMs = 30_000, resendMs = 1_000) {
    const before = this.reloads;
    const deadline = Date.now() + timeoutMs;
    let resendAt = 0;
    while (this.reloads === before) {
      if (Date.now() > deadline) throw new Error(`mosquitto did not reload within ${timeoutMs} ms`);
      if (Date.now() >= resendAt) {
        this.child?.kill("SIGHUP");
        resendAt = Date.now() + resendMs;
      }
      await sleep(20);
    }
  }

  kick(identities: string[]) {
    return kickMosquittoClients(this.controlCredentials, identities);
  }

  /** Stops and starts on the same ports and directory (retained messages persist). */
  async restart() {
    await this.down();
    await this.up();
  }

  /** Stops mosquitto, keeping its ports and directory for up(): a broker outage. */
  async down() {
    await this.kill();
  }

  /** Starts it again after down(); nothing when it runs (a second one would be orphaned). */
  async up() {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) return;
    await this.launch(false);
  }

  private async kill(timeoutMs = 5_000) {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM"); // mosquitto saves its persistence file on SIGTERM
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills mosquitto and removes its directory. */
  async stop() {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
