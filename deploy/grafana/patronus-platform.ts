// The source of deploy/grafana/patronus-platform.json, the platform's Grafana dashboard
// (portal, workers, fleet process). It is registered in deploy/grafana/dashboards.ts: after a
// change, `npx tsx deploy/grafana/dashboards.ts` rewrites the JSON
// (test/platform/metrics/dashboards.test.ts fails while the two differ).
//
// Every query reads the `${datasource}` variable (a Prometheus data source picked on
// import) and narrows to the `$job` variable (the scrape job(s) of the Patronus processes).
import type { Dashboard } from "@grafana/schema";
import { dashboard, labelVariable, RATE, type Section } from "./panels";

const JOB = 'job=~"$job"';

const SECTIONS: Section[] = [
  [
    "Portal",
    [
      {
        title: "Requests by route",
        description: "Answers per second of the route helper, by route's spec name.",
        unit: "reqps",
        queries: [
          [
            `sum by (route) (rate(patronus_http_request_duration_seconds_count{${JOB}}[${RATE}]))`,
            "{{route}}",
          ],
        ],
      },
      {
        title: "Errors by route and status",
        description: "Answers with a status of 400 or more, per second.",
        unit: "reqps",
        stack: true,
        queries: [
          [
            `sum by (route, status) (rate(patronus_http_request_errors_total{${JOB}}[${RATE}]))`,
            "{{route}} {{status}}",
          ],
        ],
      },
      {
        title: "p95 latency by route",
        description:
          "95th percentile of the time to the answer's head (alert: PatronusHttpLatencyHigh over 2 s).",
        unit: "s",
        queries: [
          [
            `histogram_quantile(0.95, sum by (route, le) (rate(patronus_http_request_duration_seconds_bucket{${JOB}}[${RATE}])))`,
            "{{route}}",
          ],
        ],
      },
      {
        title: "tRPC calls (top 10 procedures)",
        description:
          "Procedure calls per second, whoever called them (portal, REST API, server components).",
        unit: "reqps",
        queries: [
          [
            `topk(10, sum by (procedure) (rate(patronus_trpc_procedure_duration_seconds_count{${JOB}}[${RATE}])))`,
            "{{procedure}}",
          ],
        ],
      },
      {
        title: "tRPC errors by procedure and code",
        description:
          "Failed calls per second; 5xx-like codes (INTERNAL_SERVER_ERROR, …) are the platform's, the others the caller's.",
        unit: "reqps",
        stack: true,
        queries: [
          [
            `sum by (procedure, code) (rate(patronus_trpc_procedure_errors_total{${JOB}}[${RATE}]))`,
            "{{procedure}} {{code}}",
          ],
        ],
      },
      {
        title: "tRPC p95 latency (top 10 procedures)",
        description:
          "95th percentile of a procedure's duration (alert: PatronusTrpcLatencyHigh over 2 s).",
        unit: "s",
        queries: [
          [
            `topk(10, histogram_quantile(0.95, sum by (procedure, le) (rate(patronus_trpc_procedure_duration_seconds_bucket{${JOB}}[${RATE}]))))`,
            "{{procedure}}",
          ],
        ],
      },
    ],
  ],
  [
    "Jobs and queues",
    [
      {
        title: "Job attempts by queue and result",
        description: "Job handler attempts per second, completed or failed.",
        unit: "ops",
        stack: true,
        queries: [
          [
            `sum by (queue, result) (rate(patronus_job_duration_seconds_count{${JOB}}[${RATE}]))`,
            "{{queue}} {{result}}",
          ],
        ],
      },
      {
        title: "Job failures by job",
        description: "Failed attempts per second (alert: PatronusJobFailureRatioHigh over 10%).",
        unit: "ops",
        queries: [
          [
            `sum by (queue, job) (rate(patronus_job_failures_total{${JOB}}[${RATE}]))`,
            "{{queue}} {{job}}",
          ],
        ],
      },
      {
        title: "p95 job duration by queue",
        description: "95th percentile of a job attempt's duration.",
        unit: "s",
        queries: [
          [
            `histogram_quantile(0.95, sum by (queue, le) (rate(patronus_job_duration_seconds_bucket{${JOB}}[${RATE}])))`,
            "{{queue}}",
          ],
        ],
      },
      {
        title: "Queue depth",
        description:
          "Jobs per queue and state, read from Redis at each scrape (the max over worker replicas; alert: PatronusQueueBacklogGrowing).",
        unit: "short",
        queries: [[`max by (queue, state) (patronus_queue_jobs{${JOB}})`, "{{queue}} {{state}}"]],
      },
      {
        title: "Queue depth readable",
        description:
          "1 when every worker read the queue's depth from Redis in time, 0 when one could not (alert: PatronusQueueDepthUnreadable).",
        unit: "short",
        queries: [[`min by (queue) (patronus_queue_depth_up{${JOB}})`, "{{queue}}"]],
      },
      {
        title: "Fleet compiles and rollouts",
        description:
          "Compiles of an org's newest revision per second by result, and rollouts ended per second by result.",
        unit: "ops",
        queries: [
          [
            `sum by (result) (rate(patronus_fleet_compile_duration_seconds_count{${JOB}}[${RATE}]))`,
            "compile {{result}}",
          ],
          [
            `sum by (result) (rate(patronus_fleet_rollout_duration_seconds_count{${JOB}}[${RATE}]))`,
            "rollout {{result}}",
          ],
        ],
      },
    ],
  ],
  [
    "Ingest of device reports",
    [
      {
        title: "Messages accepted by channel",
        description: "Device messages accepted into a batch, per second.",
        unit: "ops",
        stack: true,
        queries: [
          [
            `sum by (channel) (rate(patronus_ingest_messages_total{${JOB}}[${RATE}]))`,
            "{{channel}}",
          ],
        ],
      },
      {
        title: "Entries written by channel",
        description: "Batch entries committed (one device's report on a channel), per second.",
        unit: "ops",
        stack: true,
        queries: [
          [
            `sum by (channel) (rate(patronus_ingest_entries_written_total{${JOB}}[${RATE}]))`,
            "{{channel}}",
          ],
        ],
      },
      {
        title: "Refused and quarantined by channel",
        description:
          "Messages refused (schema, size) and dead letters by reason, per second (alerts: PatronusIngestWriteFailures, PatronusIngestRefusedHigh).",
        unit: "ops",
        queries: [
          [
            `sum by (channel) (rate(patronus_ingest_refused_total{${JOB}}[${RATE}]))`,
            "refused {{channel}}",
          ],
          [
            `sum by (channel, reason) (rate(patronus_ingest_quarantined_total{${JOB}}[${RATE}]))`,
            "quarantined {{channel}} {{reason}}",
          ],
        ],
      },
    ],
  ],
  [
    "Embedded MQTT broker",
    [
      {
        title: "Connected clients",
        description: "MQTT clients connected to the embedded broker now.",
        unit: "short",
        queries: [[`sum(patronus_fleet_broker_connections{${JOB}})`, "connected"]],
      },
      {
        title: "Connects and publishes",
        description: "TLS connections accepted and publishes accepted, per second.",
        unit: "ops",
        queries: [
          [`sum(rate(patronus_fleet_broker_connects_total{${JOB}}[${RATE}]))`, "connects"],
          [`sum(rate(patronus_fleet_broker_messages_total{${JOB}}[${RATE}]))`, "publishes"],
        ],
      },
      {
        title: "Rejections by reason",
        description:
          "Handshakes, connects, publishes and subscribes refused, per second (alert: PatronusBrokerRejectionsSpike).",
        unit: "ops",
        stack: true,
        queries: [
          [
            `sum by (reason) (rate(patronus_fleet_broker_rejections_total{${JOB}}[${RATE}]))`,
            "{{reason}}",
          ],
        ],
      },
    ],
  ],
  [
    "Database pool",
    [
      {
        title: "Pool connections by process",
        description:
          "Busy and idle connections of each process's pool, against its DATABASE_POOL_MAX.",
        unit: "short",
        queries: [
          [
            `sum by (instance, process, state) (patronus_db_pool_clients{${JOB}})`,
            "{{process}} {{instance}} {{state}}",
          ],
          [
            `max by (instance, process) (patronus_db_pool_max{${JOB}})`,
            "{{process}} {{instance}} max",
          ],
        ],
      },
      {
        title: "Queries waiting for a connection",
        description:
          "Queries waiting for a free connection (alert: PatronusDbPoolSaturated when above 0 for 5 minutes).",
        unit: "short",
        queries: [
          [
            `max by (instance, process) (patronus_db_pool_waiting{${JOB}})`,
            "{{process}} {{instance}}",
          ],
        ],
      },
    ],
  ],
  [
    "Processes",
    [
      {
        title: "Targets up",
        description: "1 when Prometheus scraped the endpoint (alert: PatronusTargetDown).",
        unit: "short",
        queries: [[`up{${JOB}}`, "{{instance}}"]],
      },
      {
        title: "CPU",
        description: "CPU time used per second (user and system), per process.",
        unit: "percentunit",
        queries: [
          [
            `sum by (instance, process) (rate(patronus_process_cpu_seconds_total{${JOB}}[${RATE}]))`,
            "{{process}} {{instance}}",
          ],
        ],
      },
      {
        title: "Resident memory",
        description: "Resident set size per process.",
        unit: "bytes",
        queries: [
          [
            `sum by (instance, process) (patronus_process_resident_memory_bytes{${JOB}})`,
            "{{process}} {{instance}}",
          ],
        ],
      },
      {
        title: "JavaScript heap used",
        description: "V8 heap used per process.",
        unit: "bytes",
        queries: [
          [
            `sum by (instance, process) (patronus_nodejs_heap_size_used_bytes{${JOB}})`,
            "{{process}} {{instance}}",
          ],
        ],
      },
      {
        title: "Event loop lag p99",
        description:
          "99th percentile of the event loop's lag per process: a busy loop delays every request and job.",
        unit: "s",
        queries: [
          [
            `max by (instance, process) (patronus_nodejs_eventloop_lag_p99_seconds{${JOB}})`,
            "{{process}} {{instance}}",
          ],
        ],
      },
      {
        title: "GC time",
        description: "Time spent in garbage collection per second, per process.",
        unit: "percentunit",
        queries: [
          [
            `sum by (instance, process) (rate(patronus_nodejs_gc_duration_seconds_sum{${JOB}}[${RATE}]))`,
            "{{process}} {{instance}}",
          ],
        ],
      },
    ],
  ],
];

export const platformDashboard: Dashboard = dashboard({
  uid: "patronus-platform",
  title: "Patronus platform",
  description:
    "Portal requests, jobs and queues, device ingest, the embedded MQTT broker, database pools and processes (docs/observability.md).",
  variables: [
    labelVariable("job", "Job", "label_values(patronus_process_resident_memory_bytes, job)"),
  ],
  sections: SECTIONS,
});
