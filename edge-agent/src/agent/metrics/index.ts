// The agent's Prometheus endpoint, as `patronus-agent run` starts it from the config file's
// `metrics` section (docs/observability.md, "Agent metrics").
import type { AgentConfig } from "../config";
import type { Logger } from "../log";
import { AgentMetrics, type MetricsSources } from "./collector";
import { type MetricsEndpoint, startMetricsEndpoint } from "./endpoint";

export { AgentMetrics, type MetricsSources } from "./collector";
export { type MetricsEndpoint, startMetricsEndpoint } from "./endpoint";

export interface RunningMetrics {
  endpoint: MetricsEndpoint;
  close(): Promise<void>;
}

/**
 * Null when `metrics.port` is 0 (the default). Counting path events starts here: call it
 * before the agent starts, so the restored config's events count too.
 */
export async function startAgentMetrics(
  config: AgentConfig["metrics"],
  sources: MetricsSources,
  log: Logger,
): Promise<RunningMetrics | null> {
  if (config.port === 0) return null;
  const metrics = new AgentMetrics(sources);
  try {
    const endpoint = await startMetricsEndpoint({ ...config, log }, () => metrics.text());
    log.info("metrics served", { url: endpoint.url, token: config.token !== undefined });
    return {
      endpoint,
      close: async () => {
        metrics.close();
        await endpoint.close();
      },
    };
  } catch (e) {
    metrics.close();
    throw e;
  }
}
