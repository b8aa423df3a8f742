// A real Prometheus (Debian's) for the tests: started on a free loopback port with the
// given configuration, stopped by the caller's cleanups, and its HTTP query API.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { until } from "../../../testkit/wait";

async function freePort() {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface PrometheusServer {
  url: string;
  log: () => string;
}

/** Starts Prometheus with `config` (prometheus.yml as an object); waits until it is ready. */
export async function startPrometheusServer(
  config: object,
  cleanups: (() => Promise<unknown> | unknown)[],
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), "patronus-prometheus-"));
  let child: ChildProcess | undefined;
  cleanups.push(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, "prometheus.yml");
  writeFileSync(file, stringify(config));
  const port = await freePort();
  let log = "";
  child = spawn(
    "prometheus",
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  await until(
    "Prometheus ready",
    async () => {
      if (child?.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok;
    },
    { timeoutMs: 60_000, everyMs: 200, seen: () => log },
  );
  return { url, log: () => log };
}

export interface ApiAnswer<T> {
  status: "success" | "error";
  data: T;
  error?: string;
  errorType?: string;
}
export type Vector = { metric: Record<string, string>; value: [number, string] }[];

/** An instant query, as Prometheus answers it. */
export async function promQuery(url: string, expr: string) {
  const res = await fetch(`${url}/api/v1/query`, {
    method: "POST",
    body: new URLSearchParams({ query: expr }),
  });
  return (await res.json()) as ApiAnswer<{ resultType: string; result: Vector }>;
}

/** An instant query's vector (throws when Prometheus refuses the query). */
export async function promVector(url: string, expr: string) {
  const answer = await promQuery(url, expr);
  if (answer.status !== "success") throw new Error(`${expr}: ${answer.error}`);
  return answer.data.result;
}

export interface LoadedRule {
  name: string;
  health: string;
  lastError?: string;
}

/** Waits until Prometheus has loaded `expected` rules and evaluated every one; returns them. */
export function rulesEvaluated(p: PrometheusServer, expected: number): Promise<LoadedRule[]> {
  return until(
    "every rule evaluated",
    async () => {
      const res = await fetch(`${p.url}/api/v1/rules`);
      const answer = (await res.json()) as ApiAnswer<{ groups: { rules: LoadedRule[] }[] }>;
      const all = answer.data.groups.flatMap((g) => g.rules);
      return all.length === expected && all.every((r) => r.health !== "unknown") && all;
    },
    { timeoutMs: 60_000, everyMs: 250, seen: p.log },
  );
}
