// A throwaway Mosquitto for agent tests: plain, anonymous MQTT on a free 127.0.0.1 port, no
// persistence, config in a temp dir. stop()/start() keep the port, so a test can take the
// broker away and bring it back.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ port, host: "127.0.0.1" });
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

export class Mosquitto {
  private proc: ChildProcess | null = null;
  readonly log: string[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Plain and anonymous: the agent's channel logic without TLS (the fleet stack's
   * broker covers mutual TLS, see run.int.test.ts). */
  static async create(): Promise<Mosquitto> {
    const dir = await mkdtemp(join(tmpdir(), "patronus-mosq-"));
    const m = new Mosquitto(dir, await freePort());
    await writeFile(
      join(dir, "mosquitto.conf"),
      [
        `listener ${m.port} 127.0.0.1`,
        "allow_anonymous true",
        "persistence false",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "max_queued_messages 10000",
        "",
      ].join("\n"),
    );
    await m.start();
    return m;
  }

  async start(): Promise<void> {
    if (this.proc) return;
    const proc = spawn("mosquitto", ["-c", join(this.dir, "mosquitto.conf")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    proc.stderr!.on("data", (d: Buffer) => this.log.push(d.toString()));
    this.proc = proc;
    const started = Date.now();
    while (!(await canConnect(this.port))) {
      if (proc.exitCode !== null)
        throw new Error(`mosquitto exited ${proc.exitCode}: ${this.log.join("")}`);
      if (Date.now() - started > 10_000) throw new Error("mosquitto did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    if (proc.exitCode === null) {
      const gone = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await gone;
    }
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
