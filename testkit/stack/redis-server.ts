// A Redis of a test's own, which the test may stop and start again (the machine's shared
// Redis must never be stopped: other tests use it). No persistence, as after a real crash
// of a cache-only Redis: whatever it held (queued jobs) is gone when it comes back.
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "../../server/domains/fleet/broker/mosquitto";
import { until } from "../wait";

export class TestRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> | undefined;

  private constructor(readonly port: number) {}

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start() {
    const redis = new TestRedis(await freePort());
    await redis.start();
    return redis;
  }

  /** Starts it (again, on the same port) and waits until it answers. */
  async start() {
    if (this.child) return;
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    this.child = child;
    this.exited = new Promise((r) => child.once("exit", r));
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {});
    try {
      await until(`redis-server on port ${this.port} to answer`, async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}`);
        try {
          if (probe.status !== "ready") await probe.connect();
          return (await probe.ping()) === "PONG";
        } catch {
          probe.disconnect();
          return false;
        }
      });
    } finally {
      probe.disconnect();
    }
  }

  /** Kills it (SIGKILL: an outage, not a shutdown) and waits until it is gone. */
  async stop() {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await this.exited;
  }
}
