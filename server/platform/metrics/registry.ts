// The process's one Prometheus registry (prom-client). It lives on globalThis: the portal
// loads this module twice (once through tsx for its HTTP server, once inside Next's server
// bundle for the routes), and both copies must count into the same metrics. Metrics are
// got-or-created by name for the same reason.
import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from "prom-client";

/** Every metric name starts with this. */
export const METRIC_PREFIX = "patronus_";

/** The processes that expose metrics (the `process` label of every series). */
export type MetricsProcess = "portal" | "worker" | "fleet-broker" | "test";

const g = globalThis as unknown as { patronusMetrics?: { registry: Registry; process?: string } };

export function metricsRegistry(): Registry {
  g.patronusMetrics ??= { registry: new Registry() };
  return g.patronusMetrics.registry;
}

/**
 * Labels every series with the process and collects the default process metrics
 * (CPU, memory, event loop lag, GC, handles), prefixed `patronus_`. Once per process.
 */
export function initProcessMetrics(process: MetricsProcess) {
  const registry = metricsRegistry();
  const state = g.patronusMetrics as { process?: string };
  if (state.process) return registry;
  state.process = process;
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

function getOrCreate<T>(name: string, create: (registry: Registry) => T): T {
  const registry = metricsRegistry();
  return (registry.getSingleMetric(name) as T | undefined) ?? create(registry);
}

export const counter = <L extends string>(config: CounterConfiguration<L>) =>
  getOrCreate(config.name, (r) => new Counter<L>({ ...config, registers: [r] }));

export const gauge = <L extends string>(config: GaugeConfiguration<L>) =>
  getOrCreate(config.name, (r) => new Gauge<L>({ ...config, registers: [r] }));

export const histogram = <L extends string>(config: HistogramConfiguration<L>) =>
  getOrCreate(config.name, (r) => new Histogram<L>({ ...config, registers: [r] }));

/** Seconds buckets for requests and jobs: 5 ms to 60 s. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Seconds since `start` (a process.hrtime.bigint()). */
export const secondsSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
