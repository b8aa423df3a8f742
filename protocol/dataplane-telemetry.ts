// Data-plane rates on `telemetry/dataplane` (docs/observability.md, "Tenant time series"):
// a plain Telemetry message (ZTelemetry: name → number) whose metrics are rates the agent
// computed over its last heartbeat interval, from the data plane's per-CPU counters:
//   rx_packets_per_second, tx_packets_per_second, drops_per_second.<reason>
// where <reason> is a drop reason of the data plane (lower case, digits, underscores).
// Other names are ignored, so an agent may send more than a control plane reads.

/** The telemetry kind: topics.telemetry(identity, DATAPLANE_TELEMETRY_KIND). */
export const DATAPLANE_TELEMETRY_KIND = "dataplane";

export const DROPS_PREFIX = "drops_per_second.";
export const DROP_REASON = /^[a-z0-9_]{1,40}$/;
