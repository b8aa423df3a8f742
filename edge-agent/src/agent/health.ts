// Loopback health and metrics: GET /healthz (JSON) and GET /metrics (Prometheus text).
// "ok" is about the data plane, not the broker: a device that cannot reach the cloud
// but runs its last good config is healthy (connected: false says the rest).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exposition, type MetricType } from "../../../protocol";
import type { AgentSnapshot } from "./agent";

export interface HealthSource {
  snapshot(): AgentSnapshot;
}

export interface Healthz {
  ok: boolean;
  connected: boolean;
  identity: string;
  revision: number;
  status: AgentSnapshot["status"];
  error: string | null;
  uptimeSeconds: number;
}

export function healthz(s: AgentSnapshot): Healthz {
  return {
    ok: s.status !== "failed",
    connected: s.connected,
    identity: s.identity,
    revision: s.revision,
    status: s.status,
    error: s.error,
    uptimeSeconds: s.uptimeSeconds,
  };
}

/**
 * The health port's own /metrics: the five counters it always served, one series per
 * agent. The full set is on the metrics endpoint (config `metrics`; metrics/).
 */
export function metricsText(snapshots: readonly AgentSnapshot[]): string {
  const series: [
    name: string,
    type: MetricType,
    help: string,
    pick: (s: AgentSnapshot) => number,
  ][] = [
    ["patronus_agent_revision", "gauge", "Revision of the applied config", (s) => s.revision],
    ["patronus_agent_applies_total", "counter", "Successful applies", (s) => s.appliesTotal],
    [
      "patronus_agent_apply_failures_total",
      "counter",
      "Applies that failed (rolled back or not)",
      (s) => s.applyFailuresTotal,
    ],
    ["patronus_agent_connected", "gauge", "1 while connected to the broker", (s) => +s.connected],
    [
      "patronus_agent_reconnects_total",
      "counter",
      "Broker connections after the first",
      (s) => s.reconnectsTotal,
    ],
  ];
  return exposition(
    series.map(([name, type, help, pick]) => ({
      name,
      type,
      help,
      samples: snapshots.map((s) => ({ labels: { identity: s.identity }, value: pick(s) })),
    })),
  );
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  source: HealthSource,
  opts: { host: string; port: number },
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    const s = source.snapshot();
    if (path === "/healthz") {
      const body = healthz(s);
      res.writeHead(body.ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    } else if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(metricsText([s]));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
