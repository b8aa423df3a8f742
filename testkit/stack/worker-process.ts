// The production worker entry point (workers/index.ts) as a process of its own, pointed at
// a test stack's database, Redis prefix and broker: a worker that can be SIGKILLed.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { env } from "../../server/platform/env";
import type { Cleanups } from "../cleanups";
import type { FleetStack } from "./fleet-stack";

const ROOT = join(import.meta.dirname, "..", "..");

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<NodeJS.Signals | number | null>;
}

/** A compile-only worker beside `stack`, whose own ingest stays the only one. */
export function startWorkerProcess(stack: FleetStack, cleanups: Cleanups) {
  return spawnWorkerProcess(
    {
      REDIS_PREFIX: env.REDIS_PREFIX, // the stack's own prefix, set at start-up
      REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES, // a test's own cluster (useRedisCluster)
      FLEET_PKI_DIR: env.FLEET_PKI_DIR,
      FLEET_MQTT_URL: stack.broker.controlUrl,
      FLEET_BROKER: "mosquitto",
      FLEET_INGEST: "false",
    },
    cleanups,
  );
}

/** workers/index.ts with this process's environment plus `overrides`, once it runs. */
export async function spawnWorkerProcess(
  overrides: Record<string, string>,
  cleanups: Cleanups,
): Promise<WorkerProcess> {
  // node --import tsx (not the tsx CLI): one process, so SIGKILL hits the worker itself.
  const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...overrides },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  cleanups.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes("workers running on queues")) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker did not start in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output, exited };
}
