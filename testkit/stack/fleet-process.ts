// A fleet process (workers/fleet-broker.ts) running an embedded broker clustered through
// Redis (FLEET_BROKER_CLUSTER=redis) on its own loopback port: several of them, behind a
// TcpBalancer, serve one fleet. `node --import tsx`: one process, so a SIGKILL is a
// broker crash.
import { env } from "../../server/platform/env";
import { MASTER_KEY } from "../factories/pki";
import { type LoggedProcess, run, stopProcess } from "./logged-process";

export interface FleetProcess {
  proc: LoggedProcess;
  port: number;
  url: string;
  brokerId: string;
}

/** Starts one on `port` with `pkiDir`'s platform CA, and waits until it is ready. */
export async function startFleetProcess(
  port: number,
  pkiDir: string,
  overrides: Record<string, string> = {},
): Promise<FleetProcess> {
  const url = `mqtts://127.0.0.1:${port}`;
  const proc = run(process.execPath, ["--import", "tsx", "workers/fleet-broker.ts"], {
    FLEET_BROKER: "embedded",
    FLEET_BROKER_CLUSTER: "redis",
    REDIS_PREFIX: env.REDIS_PREFIX,
    REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES,
    FLEET_PKI_DIR: pkiDir,
    FLEET_MASTER_KEY: MASTER_KEY,
    FLEET_MQTT_URL: url,
    FLEET_AGENT_MQTT_URL: url,
    METRICS_PORT_FLEET: "0",
    ...overrides,
  });
  const listening = await proc.waitFor((l) => l.msg === "embedded broker listening", "listening");
  await proc.waitFor((l) => l.msg === "fleet broker process ready", "ready");
  return { proc, port, url, brokerId: listening.brokerId as string };
}

/** SIGTERM (SIGKILL after a grace period); nothing when it is gone already. */
export const stopFleetProcess = (f: FleetProcess | undefined) =>
  f ? stopProcess(f.proc.child, f.proc.exited) : undefined;
