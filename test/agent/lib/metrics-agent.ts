// Real agent processes with their metrics endpoint (fixtures/metrics-agent.ts: started from a
// real config file as `patronus-agent run` starts it) on a test's Mosquitto, and the desired
// state with an overlay that gives them paths and links to show. Shared by the endpoint's
// own test and the test of the shipped agent rules and dashboard against a real Prometheus.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { overlayConfig } from "../../../edge-agent/src/agent/overlay/test-fixtures";
import { AgentProcess } from "./cli";
import { desired, deviceConfig, newIdentity, type TestControlPlane, waitFor } from "./control";
import { freePort } from "./mosquitto";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "metrics-agent.ts");

export interface MetricsAgent {
  orgId: string;
  deviceId: string;
  identity: string;
  /** http://127.0.0.1:<port>/metrics */
  url: string;
  /** 127.0.0.1:<port>, as a scrape target. */
  target: string;
}

export class MetricsAgents {
  private readonly running: AgentProcess[] = [];

  /** Agents of `brokerUrl`, their config files and state under `dir` (the caller's). */
  constructor(private readonly o: { brokerUrl: string; dir: string }) {}

  /** An agent config file named `name` in `dir`, with `metrics` as its metrics section. */
  async configFile(name: string, metrics: Record<string, unknown>) {
    const path = join(this.o.dir, `${name}.json`);
    const stateDir = join(this.o.dir, name);
    await writeFile(
      path,
      JSON.stringify({ portalUrl: "http://127.0.0.1:9", stateDir, metrics, heartbeatSeconds: 1 }),
    );
    return path;
  }

  /** Starts an agent on a free port (`metrics` overrides its metrics section); waits for it. */
  async start(metrics: Record<string, unknown> = {}): Promise<MetricsAgent> {
    const ids = newIdentity();
    const config = await this.configFile(ids.deviceId, { port: await freePort(), ...metrics });
    const a = AgentProcess.start(
      ["--import", "tsx", FIXTURE, config, this.o.brokerUrl, ids.identity, ids.deviceId],
      { command: process.execPath },
    );
    this.running.push(a);
    const ready = await waitFor(
      "the agent's ready line",
      () =>
        a.stdout.split("\n").find((l) => l.includes('"ready"')) ??
        (!a.running && `exited: ${a.stderr}`),
      30_000,
    );
    const { port } = JSON.parse(ready) as { port: number };
    return { ...ids, url: `http://127.0.0.1:${port}/metrics`, target: `127.0.0.1:${port}` };
  }

  async stopAll() {
    for (const a of this.running.splice(0)) await a.stop();
  }
}

/** The overlay of the unit tests with fast probes, so every path's window fills in seconds. */
export function fastOverlay() {
  const overlay = overlayConfig();
  return { ...overlay, settings: { ...overlay.settings, probeIntervalMs: 50 } };
}

/** Sends `agent` a desired state with the fast overlay as `revision`; waits for its apply. */
export async function applyOverlay(cp: TestControlPlane, agent: MetricsAgent, revision: number) {
  const overlay = fastOverlay();
  await cp.publishDesired(
    agent.identity,
    desired(agent.deviceId, revision, deviceConfig({ overlay })),
  );
  await cp.waitState(agent.identity, (s) => s.revision === revision && s.status === "applied");
  return overlay;
}
