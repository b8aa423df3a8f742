// Pure: what the agent's Prometheus endpoint says (docs/observability.md, "Agent metrics"),
// from plain readings. Labels are bounded by the config's own limits: path ids (≤ 1,024),
// link names (≤ 16), class names (≤ 250), and fixed lists (statuses, states, event kinds,
// data-plane reasons). Never an org, device or address.
import type { ApplyStatus, MetricFamily, PathReport, Sample } from "../../../../protocol";
import { UNCLASSIFIED_CLASS, ZPathEventKind } from "../../../../protocol";
import type { AgentSnapshot } from "../agent";
import { isDropReason } from "../dataplane-rates";
import type { DataplaneCounters } from "../drivers/driver";
import type { OverlayConfig } from "../overlay/types";

export const PATH_EVENT_KINDS = ZPathEventKind.options;
export type PathEventKind = (typeof PATH_EVENT_KINDS)[number];

const APPLY_STATUSES: readonly ApplyStatus[] = ["applied", "rejected", "rolled_back", "failed"];
const PATH_STATES = ["up", "down", "unknown"] as const;

export interface ProcessReading {
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  residentBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  startTimeSeconds: number;
}

export interface MetricsReading {
  version: string;
  capabilityVersion: number;
  agent: AgentSnapshot;
  process: ProcessReading;
  /** Absent: this agent runs no overlay. */
  overlay?: {
    config: OverlayConfig | null;
    /** Null: it could not be read in time (its source is then down). */
    report: PathReport | null;
    events: Readonly<Record<PathEventKind, number>>;
  };
  /** Absent: the driver counts nothing; null: not read (not loaded yet, or not in time). */
  dataplane?: DataplaneCounters | null;
  /** The running config's app id → class name. */
  classNames: ReadonlyMap<number, string>;
}

const family = (
  name: string,
  type: MetricFamily["type"],
  help: string,
  samples: Sample[],
): MetricFamily => ({ name, type, help, samples });

const one = (value: number | bigint, labels?: Sample["labels"]): Sample[] => [{ value, labels }];

function agentFamilies(r: MetricsReading): MetricFamily[] {
  const a = r.agent;
  const out = [
    family(
      "patronus_agent_info",
      "gauge",
      "The agent's release and the protocol capability version it declares",
      one(1, { version: r.version, capability_version: String(r.capabilityVersion) }),
    ),
    family(
      "patronus_agent_connected",
      "gauge",
      "1 while connected to the broker",
      one(+a.connected),
    ),
    family(
      "patronus_agent_reconnects_total",
      "counter",
      "Broker connections after the first",
      one(a.reconnectsTotal),
    ),
    family(
      "patronus_agent_desired_revision",
      "gauge",
      "Newest revision the control plane sent since the start (0: none yet)",
      one(a.desiredRevision),
    ),
    family(
      "patronus_agent_applied_revision",
      "gauge",
      "Revision of the last good config, the one running",
      one(a.revision),
    ),
    family(
      "patronus_agent_apply_outcomes_total",
      "counter",
      "Desired states handled, by the status reported",
      APPLY_STATUSES.map((status) => ({ labels: { status }, value: a.outcomes[status] })),
    ),
    family("patronus_agent_applies_total", "counter", "Successful applies", one(a.appliesTotal)),
    family(
      "patronus_agent_apply_failures_total",
      "counter",
      "Applies that failed (rolled back or not)",
      one(a.applyFailuresTotal),
    ),
    family(
      "patronus_agent_last_apply_duration_seconds",
      "gauge",
      "How long the last apply took (apply and verify of every subsystem)",
      a.lastApplySeconds === null ? [] : one(a.lastApplySeconds),
    ),
    family(
      "patronus_agent_last_applied_timestamp_seconds",
      "gauge",
      "When the running config was applied",
      a.appliedAt === null ? [] : one(Date.parse(a.appliedAt) / 1000),
    ),
  ];
  return out;
}

function overlayFamilies(o: NonNullable<MetricsReading["overlay"]>): MetricFamily[] {
  const paths = o.config?.paths ?? [];
  const links = new Map((o.config?.links ?? []).map((l) => [l.id, l.name]));
  const measured = new Map((o.report?.paths ?? []).map((p) => [p.id, p]));
  const gauge = (pick: (m: PathReport["paths"][number]) => number | null) =>
    paths.flatMap((p) => {
      const m = measured.get(p.id);
      const v = m ? pick(m) : null;
      return v === null ? [] : [{ labels: { path: p.id }, value: v }];
    });
  const linkUp = new Map<string, number>();
  if (o.report)
    for (const p of paths) {
      const name = links.get(p.localLink) ?? p.localLink;
      const up = measured.get(p.id)?.state === "up" ? 1 : 0;
      linkUp.set(name, Math.max(linkUp.get(name) ?? 0, up));
    }
  return [
    family(
      "patronus_agent_path_info",
      "gauge",
      "Each path of the overlay: its local link, remote site and remote link",
      paths.map((p) => ({
        labels: {
          path: p.id,
          link: links.get(p.localLink) ?? p.localLink,
          remote_site: p.remote.siteName,
          remote_link: p.remote.linkName,
        },
        value: 1,
      })),
    ),
    family(
      "patronus_agent_path_state",
      "gauge",
      "1 for the path's state by its probes (up, down, unknown), 0 for the others",
      o.report
        ? paths.flatMap((p) => {
            const state = measured.get(p.id)?.state ?? "unknown";
            return PATH_STATES.map((s) => ({
              labels: { path: p.id, state: s },
              value: +(s === state),
            }));
          })
        : [],
    ),
    family(
      "patronus_agent_path_latency_seconds",
      "gauge",
      "Round-trip time over the probe window",
      gauge((m) => (m.latencyMs === null ? null : m.latencyMs / 1000)),
    ),
    family(
      "patronus_agent_path_jitter_seconds",
      "gauge",
      "Jitter over the probe window",
      gauge((m) => (m.jitterMs === null ? null : m.jitterMs / 1000)),
    ),
    family(
      "patronus_agent_path_loss_ratio",
      "gauge",
      "Share of probes lost over the window (0 to 1)",
      gauge((m) => (m.lossPct === null ? null : m.lossPct / 100)),
    ),
    family(
      "patronus_agent_path_mos",
      "gauge",
      "Estimated voice quality (MOS, 1 to 5)",
      gauge((m) => m.mos),
    ),
    family(
      "patronus_agent_path_tunnel_bytes_total",
      "counter",
      "Bytes through the path's tunnel (WireGuard's peer counters)",
      paths.flatMap((p) => {
        const m = measured.get(p.id);
        if (m?.rxBytes === undefined || m.txBytes === undefined) return [];
        return [
          { labels: { path: p.id, direction: "rx" }, value: m.rxBytes },
          { labels: { path: p.id, direction: "tx" }, value: m.txBytes },
        ];
      }),
    ),
    family(
      "patronus_agent_path_events_total",
      "counter",
      'Path events since the start, by kind (kind="failover": failovers)',
      PATH_EVENT_KINDS.map((kind) => ({ labels: { kind }, value: o.events[kind] })),
    ),
    family(
      "patronus_agent_link_up",
      "gauge",
      "1 while at least one path over the WAN link answers its probes",
      [...linkUp].map(([link, value]) => ({ labels: { link }, value })),
    ),
  ];
}

function dataplaneFamilies(d: DataplaneCounters | null, names: ReadonlyMap<number, string>) {
  const classes = new Map<string, { rx: bigint; tx: bigint }>();
  for (const [id, c] of d?.apps ?? []) {
    const name = names.get(id) ?? UNCLASSIFIED_CLASS;
    const t = classes.get(name) ?? { rx: 0n, tx: 0n };
    classes.set(name, { rx: t.rx + c.rx, tx: t.tx + c.tx });
  }
  return [
    family(
      "patronus_agent_dataplane_packets_total",
      "counter",
      'Packets of the WAN interface by the reason of their verdict (verdict="drop": drops)',
      Object.entries(d?.reasons ?? {}).map(([reason, value]) => ({
        labels: { reason, verdict: isDropReason(reason) ? "drop" : "pass" },
        value,
      })),
    ),
    family(
      "patronus_agent_dataplane_class_bytes_total",
      "counter",
      "WAN bytes per application class of the running config",
      [...classes].flatMap(([name, c]) => [
        { labels: { class: name, direction: "rx" }, value: c.rx },
        { labels: { class: name, direction: "tx" }, value: c.tx },
      ]),
    ),
  ];
}

function processFamilies(p: ProcessReading): MetricFamily[] {
  return [
    family(
      "patronus_process_cpu_user_seconds_total",
      "counter",
      "User CPU time",
      one(p.cpuUserSeconds),
    ),
    family(
      "patronus_process_cpu_system_seconds_total",
      "counter",
      "System CPU time",
      one(p.cpuSystemSeconds),
    ),
    family(
      "patronus_process_cpu_seconds_total",
      "counter",
      "User and system CPU time",
      one(p.cpuUserSeconds + p.cpuSystemSeconds),
    ),
    family(
      "patronus_process_resident_memory_bytes",
      "gauge",
      "Resident memory size",
      one(p.residentBytes),
    ),
    family(
      "patronus_process_start_time_seconds",
      "gauge",
      "When the process started (Unix time)",
      one(p.startTimeSeconds),
    ),
    family("patronus_nodejs_heap_size_used_bytes", "gauge", "V8 heap in use", one(p.heapUsedBytes)),
    family("patronus_nodejs_heap_size_total_bytes", "gauge", "V8 heap size", one(p.heapTotalBytes)),
  ];
}

/** Every family of the endpoint, in a stable order. */
export function metricFamilies(r: MetricsReading): MetricFamily[] {
  const sources: Sample[] = [];
  if (r.overlay)
    sources.push({ labels: { source: "overlay" }, value: +(r.overlay.report !== null) });
  if (r.dataplane !== undefined)
    sources.push({ labels: { source: "dataplane" }, value: +(r.dataplane !== null) });
  return [
    ...agentFamilies(r),
    ...(r.overlay ? overlayFamilies(r.overlay) : []),
    ...(r.dataplane !== undefined ? dataplaneFamilies(r.dataplane, r.classNames) : []),
    family(
      "patronus_agent_metrics_source_up",
      "gauge",
      "1 when a source answered this scrape in time (its series are left out otherwise)",
      sources,
    ),
    ...processFamilies(r.process),
  ];
}
