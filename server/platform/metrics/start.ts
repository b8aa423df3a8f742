// What a process's entry point calls: its metrics, and the endpoint when its port is set.
import { env } from "../env";
import { log } from "../log/logger";
import { registerDbPool } from "./db";
import { initProcessMetrics, type MetricsProcess } from "./registry";
import { type MetricsServer, startMetricsServer } from "./server";

const PORT_OF = {
  portal: () => env.METRICS_PORT_PORTAL,
  worker: () => env.METRICS_PORT_WORKER,
  "fleet-broker": () => env.METRICS_PORT_FLEET,
  test: () => 0,
} satisfies Record<MetricsProcess, () => number>;

/**
 * Starts counting for `process`, and serves /metrics on its port (METRICS_PORT_*) when that
 * is set; 0 (the default) serves nothing. A port that cannot be bound fails the start.
 */
export async function startProcessMetrics(
  process: MetricsProcess,
): Promise<MetricsServer | undefined> {
  initProcessMetrics(process);
  registerDbPool();
  const port = PORT_OF[process]();
  if (!port) return undefined;
  const server = await startMetricsServer({
    host: env.METRICS_HOST,
    port,
    token: env.METRICS_TOKEN,
  });
  log.info("metrics served", { url: server.url, token: env.METRICS_TOKEN !== "" });
  return server;
}
