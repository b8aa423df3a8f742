// The metrics of the tenant time series: what each feed writes, how series combine when a
// read covers several (a site's devices: throughputs add up, latencies average), and their
// names on the org's Prometheus endpoint (base units: seconds, bytes per second, ratios).
import type { SeriesKind } from "./write";

export interface MetricDef {
  kind: SeriesKind;
  unit: string;
  /** How several series of the metric combine in one bucket: rates add, gauges average. */
  combine: "sum" | "avg";
  help: string;
  /** Name on the Prometheus endpoint (patronus_<kind>_…) and the factor to its unit. */
  prom: string;
  scale?: number;
}

export const METRICS = {
  rx_bits_per_second: {
    kind: "device",
    unit: "bit/s",
    combine: "sum",
    help: "WAN bits received per second (from the usage counters)",
    prom: "patronus_device_rx_bytes_per_second",
    scale: 0.125,
  },
  tx_bits_per_second: {
    kind: "device",
    unit: "bit/s",
    combine: "sum",
    help: "WAN bits sent per second (from the usage counters)",
    prom: "patronus_device_tx_bytes_per_second",
    scale: 0.125,
  },
  rx_packets_per_second: {
    kind: "device",
    unit: "packet/s",
    combine: "sum",
    help: "Packets received per second by the data plane",
    prom: "patronus_device_rx_packets_per_second",
  },
  tx_packets_per_second: {
    kind: "device",
    unit: "packet/s",
    combine: "sum",
    help: "Packets sent per second by the data plane",
    prom: "patronus_device_tx_packets_per_second",
  },
  drops_per_second: {
    kind: "device",
    unit: "packet/s",
    combine: "sum",
    help: "Packets dropped per second by the data plane, by reason",
    prom: "patronus_device_drops_per_second",
  },
  latency_ms: {
    kind: "path",
    unit: "ms",
    combine: "avg",
    help: "Round-trip latency of the path's probes",
    prom: "patronus_path_latency_seconds",
    scale: 0.001,
  },
  jitter_ms: {
    kind: "path",
    unit: "ms",
    combine: "avg",
    help: "Jitter of the path's probes",
    prom: "patronus_path_jitter_seconds",
    scale: 0.001,
  },
  loss_percent: {
    kind: "path",
    unit: "%",
    combine: "avg",
    help: "Share of the path's probes lost",
    prom: "patronus_path_loss_ratio",
    scale: 0.01,
  },
  mos: {
    kind: "path",
    unit: "MOS",
    combine: "avg",
    help: "Mean opinion score of the path (1 to 5)",
    prom: "patronus_path_mos",
  },
  up: {
    kind: "path",
    unit: "1",
    combine: "avg",
    help: "1 when the path is up, 0 when down",
    prom: "patronus_path_up",
  },
  class_rx_bits_per_second: {
    kind: "class",
    unit: "bit/s",
    combine: "sum",
    help: "WAN bits received per second by application class",
    prom: "patronus_class_rx_bytes_per_second",
    scale: 0.125,
  },
  class_tx_bits_per_second: {
    kind: "class",
    unit: "bit/s",
    combine: "sum",
    help: "WAN bits sent per second by application class",
    prom: "patronus_class_tx_bytes_per_second",
    scale: 0.125,
  },
  placement: {
    kind: "class",
    unit: "1",
    combine: "sum",
    help: "1 for the path a steering unit (class or policy) uses towards a remote site",
    prom: "patronus_class_placement",
  },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as [MetricName, ...MetricName[]];
