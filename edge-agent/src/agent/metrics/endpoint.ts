// The agent's Prometheus endpoint (config `metrics`), off unless a port is given. Bound to
// loopback unless a bearer token is set, as the server's METRICS_HOST/METRICS_TOKEN: the
// metrics name the site's paths, links and classes. The HTTP side is the one every Patronus
// process serves (protocol/metrics-endpoint.ts).
import {
  EXPOSITION_CONTENT_TYPE,
  type ScrapeEndpoint,
  startScrapeEndpoint,
} from "../../../../protocol";
import { isLoopback } from "../config";
import { type Logger, silentLogger } from "../log";

export type MetricsEndpoint = ScrapeEndpoint;

export interface MetricsEndpointOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  token?: string;
  log?: Logger;
}

/** Serves `collect()`'s text; refuses an address off loopback without a token. */
export async function startMetricsEndpoint(
  o: MetricsEndpointOptions,
  collect: () => Promise<string>,
): Promise<MetricsEndpoint> {
  if (!isLoopback(o.host) && !o.token)
    throw new Error(`metrics: ${o.host} is not loopback; set metrics.token to serve it there`);
  const log = o.log ?? silentLogger;
  return startScrapeEndpoint(
    {
      host: o.host,
      port: o.port,
      token: o.token,
      tokenName: "metrics.token",
      onError: (error) => log.error("metrics: collecting failed", { error }),
    },
    async () => ({ body: await collect(), contentType: EXPOSITION_CONTENT_TYPE }),
  );
}
