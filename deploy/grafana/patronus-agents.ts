// The source of deploy/grafana/patronus-agents.json, the dashboard of the edge agents' own
// metrics endpoints (docs/observability.md, "Agent metrics"), registered in
// deploy/grafana/dashboards.ts: `npx tsx deploy/grafana/dashboards.ts` rewrites the JSON.
//
// Every query reads `${datasource}` and narrows to `$job` (the agents' scrape job, by
// default `patronus-agents`) and `$instance` (which boxes). A path's series carry only its id:
// the graphs of a path join `patronus_agent_path_info` for its local link and remote end,
// which say more to a reader than `a0~b0`.
import type { Dashboard } from "@grafana/schema";
import { dashboard, labelVariable, RATE, type Section } from "./panels";

const SEL = 'job=~"$job",instance=~"$instance"';

/** A per-path gauge with its link and remote end as labels (one path_info per path). */
const named = (metric: string) =>
  `${metric}{${SEL}} * on (job, instance, path) group_left (link, remote_site, remote_link) patronus_agent_path_info{${SEL}}`;
const PATH_LEGEND = "{{instance}} {{link}} → {{remote_site}}/{{remote_link}}";

const SECTIONS: Section[] = [
  [
    "Connection and config",
    [
      {
        title: "Connected to the control plane",
        description:
          "1 while the agent is connected to the MQTT broker (alerts: PatronusAgentDisconnected, PatronusAgentFleetDisconnected).",
        unit: "short",
        max: 1,
        queries: [[`patronus_agent_connected{${SEL}}`, "{{instance}}"]],
      },
      {
        title: "Reconnects",
        description:
          "Broker connections after the first, per interval (alert: PatronusAgentReconnectsFrequent).",
        unit: "short",
        queries: [
          [
            `sum by (instance) (increase(patronus_agent_reconnects_total{${SEL}}[${RATE}]))`,
            "{{instance}}",
          ],
        ],
      },
      {
        title: "Desired and applied revision",
        description:
          "The newest revision the control plane sent, and the one running; apart for long: PatronusAgentRevisionBehind.",
        unit: "none",
        queries: [
          [`patronus_agent_desired_revision{${SEL}}`, "{{instance}} desired"],
          [`patronus_agent_applied_revision{${SEL}}`, "{{instance}} applied"],
        ],
      },
      {
        title: "Apply outcomes by status",
        description:
          "Desired states handled per interval, by the status reported: applied, rejected, rolled_back, failed (alerts: PatronusAgentApplyRolledBack, PatronusAgentApplyFailed).",
        unit: "short",
        stack: true,
        queries: [
          [
            `sum by (instance, status) (increase(patronus_agent_apply_outcomes_total{${SEL}}[${RATE}]))`,
            "{{instance}} {{status}}",
          ],
        ],
      },
      {
        title: "Last apply duration",
        description: "Apply and verify of every subsystem, the last time (also when it failed).",
        unit: "s",
        queries: [[`patronus_agent_last_apply_duration_seconds{${SEL}}`, "{{instance}}"]],
      },
      {
        title: "Age of the running config",
        description: "Time since the running config was applied.",
        unit: "s",
        queries: [
          [`time() - patronus_agent_last_applied_timestamp_seconds{${SEL}}`, "{{instance}}"],
        ],
      },
      {
        title: "Agents by release",
        description: "How many of the selected agents run each release.",
        unit: "short",
        stack: true,
        queries: [[`count by (version) (patronus_agent_info{${SEL}})`, "{{version}}"]],
      },
    ],
  ],
  [
    "Paths",
    [
      {
        title: "Paths by state",
        description:
          "Paths up, down and unknown by their probes, per agent (alert: PatronusAgentPathDown).",
        unit: "short",
        stack: true,
        queries: [
          [
            `sum by (instance, state) (patronus_agent_path_state{${SEL}})`,
            "{{instance}} {{state}}",
          ],
        ],
      },
      {
        title: "Latency",
        description: "Round-trip time of each path over its probe window.",
        unit: "s",
        queries: [[named("patronus_agent_path_latency_seconds"), PATH_LEGEND]],
      },
      {
        title: "Jitter",
        description: "Jitter of each path over its probe window.",
        unit: "s",
        queries: [[named("patronus_agent_path_jitter_seconds"), PATH_LEGEND]],
      },
      {
        title: "Loss",
        description:
          "Share of probes lost over the window (alert: PatronusAgentPathLossHigh over 5%).",
        unit: "percentunit",
        max: 1,
        queries: [[named("patronus_agent_path_loss_ratio"), PATH_LEGEND]],
      },
      {
        title: "MOS",
        description: "Estimated voice quality of each path (1 to 5; under 3.6 many users notice).",
        unit: "none",
        max: 5,
        queries: [[named("patronus_agent_path_mos"), PATH_LEGEND]],
      },
      {
        title: "Path events by kind",
        description:
          "Failovers, failbacks, paths down and up, SLA violations per interval (alert: PatronusAgentFailoverFlapping).",
        unit: "short",
        stack: true,
        queries: [
          [
            `sum by (instance, kind) (increase(patronus_agent_path_events_total{${SEL},kind!="initial"}[${RATE}]))`,
            "{{instance}} {{kind}}",
          ],
        ],
      },
    ],
  ],
  [
    "WAN links",
    [
      {
        title: "Links up",
        description:
          "1 while at least one path over the WAN link answers its probes (alerts: PatronusAgentLinkDown, PatronusAgentAllLinksDown).",
        unit: "short",
        max: 1,
        queries: [[`patronus_agent_link_up{${SEL}}`, "{{instance}} {{link}}"]],
      },
      {
        title: "Links down per agent",
        description: "WAN links of each agent with no path answering.",
        unit: "short",
        queries: [[`sum by (instance) (1 - patronus_agent_link_up{${SEL}})`, "{{instance}}"]],
      },
      {
        title: "Tunnel traffic by link",
        description:
          "Bytes per second through the tunnels of each WAN link's paths (WireGuard's peer counters).",
        unit: "Bps",
        queries: [
          [
            `sum by (instance, link, direction) (rate(patronus_agent_path_tunnel_bytes_total{${SEL}}[${RATE}]) * on (job, instance, path) group_left (link) patronus_agent_path_info{${SEL}})`,
            "{{instance}} {{link}} {{direction}}",
          ],
        ],
      },
    ],
  ],
  [
    "Data plane",
    [
      {
        title: "WAN packets by verdict",
        description: "Packets of the WAN interface per second, passed or dropped.",
        unit: "pps",
        stack: true,
        queries: [
          [
            `sum by (instance, verdict) (rate(patronus_agent_dataplane_packets_total{${SEL}}[${RATE}]))`,
            "{{instance}} {{verdict}}",
          ],
        ],
      },
      {
        title: "Drops by reason",
        description:
          "Dropped packets per second by the reason of the verdict (policy_deny, default_deny, rate_limit_drop, …).",
        unit: "pps",
        stack: true,
        queries: [
          [
            `sum by (instance, reason) (rate(patronus_agent_dataplane_packets_total{${SEL},verdict="drop"}[${RATE}]))`,
            "{{instance}} {{reason}}",
          ],
        ],
      },
      {
        title: "Drop ratio",
        description:
          "The share of the WAN interface's packets dropped (alert: PatronusAgentDropRatioHigh over 10%).",
        unit: "percentunit",
        max: 1,
        queries: [
          [
            `sum by (instance) (rate(patronus_agent_dataplane_packets_total{${SEL},verdict="drop"}[${RATE}])) / sum by (instance) (rate(patronus_agent_dataplane_packets_total{${SEL}}[${RATE}]))`,
            "{{instance}}",
          ],
        ],
      },
      {
        title: "Packets by reason",
        description: "Every verdict's reason, passed or dropped, per second.",
        unit: "pps",
        queries: [
          [
            `sum by (instance, reason, verdict) (rate(patronus_agent_dataplane_packets_total{${SEL}}[${RATE}]))`,
            "{{instance}} {{reason}} ({{verdict}})",
          ],
        ],
      },
      {
        title: "Traffic by application class (top 10)",
        description: "WAN bytes per second of each application class of the running config.",
        unit: "Bps",
        queries: [
          [
            `topk(10, sum by (instance, class, direction) (rate(patronus_agent_dataplane_class_bytes_total{${SEL}}[${RATE}])))`,
            "{{instance}} {{class}} {{direction}}",
          ],
        ],
      },
    ],
  ],
  [
    "Process",
    [
      {
        title: "Targets up",
        description: "1 when Prometheus scraped the agent (alert: PatronusAgentTargetDown).",
        unit: "short",
        max: 1,
        queries: [[`up{${SEL}}`, "{{instance}}"]],
      },
      {
        title: "Metrics sources answering",
        description:
          "1 when the overlay's report or the data plane's counters answered the scrape in time; 0: their series are missing (alert: PatronusAgentMetricsSourceDown).",
        unit: "short",
        max: 1,
        queries: [[`patronus_agent_metrics_source_up{${SEL}}`, "{{instance}} {{source}}"]],
      },
      {
        title: "CPU",
        description: "CPU time used per second (user and system).",
        unit: "percentunit",
        queries: [
          [
            `sum by (instance) (rate(patronus_process_cpu_seconds_total{${SEL}}[${RATE}]))`,
            "{{instance}}",
          ],
        ],
      },
      {
        title: "Resident memory",
        description:
          "Resident set size (alerts: PatronusAgentMemoryHigh over 512 MiB, PatronusAgentMemoryGrowing).",
        unit: "bytes",
        queries: [[`patronus_process_resident_memory_bytes{${SEL}}`, "{{instance}}"]],
      },
      {
        title: "JavaScript heap",
        description: "V8 heap used, and its size.",
        unit: "bytes",
        queries: [
          [`patronus_nodejs_heap_size_used_bytes{${SEL}}`, "{{instance}} used"],
          [`patronus_nodejs_heap_size_total_bytes{${SEL}}`, "{{instance}} size"],
        ],
      },
      {
        title: "Uptime",
        description:
          "Time since the agent process started; drops to 0 at each restart (alert: PatronusAgentRestarting).",
        unit: "s",
        queries: [[`time() - patronus_process_start_time_seconds{${SEL}}`, "{{instance}}"]],
      },
    ],
  ],
];

export const agentsDashboard: Dashboard = dashboard({
  uid: "patronus-agents",
  title: "Patronus edge agents",
  description:
    "The edge agents' own endpoints: control-plane connection and config applies, paths, WAN links, the data plane, and the agent process (docs/observability.md).",
  variables: [
    labelVariable("job", "Job", "label_values(patronus_agent_info, job)"),
    labelVariable("instance", "Agent", 'label_values(patronus_agent_info{job=~"$job"}, instance)'),
  ],
  sections: SECTIONS,
});
