// The metrics endpoint of a process: GET /metrics in Prometheus' text format, on its own
// port (never the portal's public one), bound to loopback unless told otherwise, and behind
// a bearer token when METRICS_TOKEN is set. The HTTP side (token in constant time, never
// logged) is the one the agent serves too: protocol/metrics-endpoint.ts.
import { type ScrapeEndpoint, startScrapeEndpoint } from "../../../protocol";
import { log } from "../log/logger";
import { metricsRegistry } from "./registry";

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Empty: no token asked for. */
  token?: string;
}

export type MetricsServer = ScrapeEndpoint;

export function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const registry = metricsRegistry();
  return startScrapeEndpoint(
    {
      ...o,
      tokenName: "METRICS_TOKEN",
      onError: (error) => log.error("metrics: collecting failed", { error }),
    },
    async () => ({ body: await registry.metrics(), contentType: registry.contentType }),
  );
}
