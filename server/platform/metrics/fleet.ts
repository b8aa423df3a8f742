// Metrics of the fleet: the embedded broker's connections and refusals, and the ingest of
// device reports (messages in by channel, refused and quarantined ones, entries written),
// and how long a compile takes. Channel labels are ingest channels of the registry.
import { counter, DURATION_BUCKETS, gauge, histogram } from "./registry";

export const brokerConnections = () =>
  gauge({
    name: "patronus_fleet_broker_connections",
    help: "MQTT clients connected to the embedded broker",
  });
export const brokerConnects = () =>
  counter({
    name: "patronus_fleet_broker_connects_total",
    help: "MQTT clients the embedded broker accepted",
  });
export const brokerRejections = () =>
  counter({
    name: "patronus_fleet_broker_rejections_total",
    help: "MQTT connections, publishes and subscriptions the embedded broker refused, by reason",
    labelNames: ["reason"] as const,
  });
export const brokerMessages = () =>
  counter({
    name: "patronus_fleet_broker_messages_total",
    help: "MQTT messages the embedded broker accepted from clients",
  });

export const ingestMessages = () =>
  counter({
    name: "patronus_ingest_messages_total",
    help: "Device messages the ingest accepted into a batch, by channel",
    labelNames: ["channel"] as const,
  });
export const ingestRefused = () =>
  counter({
    name: "patronus_ingest_refused_total",
    help: "Device messages the ingest refused (schema or size), by channel",
    labelNames: ["channel"] as const,
  });
export const ingestQuarantined = () =>
  counter({
    name: "patronus_ingest_quarantined_total",
    help: "Device messages recorded as dead letters, by channel and reason",
    labelNames: ["channel", "reason"] as const,
  });
export const ingestWritten = () =>
  counter({
    name: "patronus_ingest_entries_written_total",
    help: "Batch entries (a device's report on a channel) the ingest committed, by channel",
    labelNames: ["channel"] as const,
  });

export const compileDuration = () =>
  histogram({
    name: "patronus_fleet_compile_duration_seconds",
    help: "Time to compile an org's newest revision (stage its devices, decide the rollout), by result",
    labelNames: ["result"] as const,
    buckets: DURATION_BUCKETS,
  });

const rolloutDuration = () =>
  histogram({
    name: "patronus_fleet_rollout_duration_seconds",
    help: "Time from a rollout's start to its end, by how it ended (completed or halted)",
    labelNames: ["result"] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 12 * 3600],
  });

/**
 * Records a rollout's end as its transaction writes it: a transaction that then rolls back
 * and is retried counts it again (rare; the rollout's row stays the truth).
 */
export function observeRolloutEnd(
  result: "completed" | "halted",
  r: { startedAt: Date; finishedAt: Date | null },
) {
  const end = r.finishedAt ?? new Date();
  rolloutDuration().observe(
    { result },
    Math.max(0, (end.getTime() - r.startedAt.getTime()) / 1000),
  );
}
