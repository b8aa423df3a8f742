// Real agents in the test process, one per enrolled box: the production Agent over mutual
// TLS with the box's own key and certificate, its FileStore, and the simulated data plane.
// A recording logger keeps what each agent said (applied revisions, rejections), which is
// how the tests see the order of applies without reaching into the agent.
import { Agent } from "../../edge-agent/src/agent/agent";
import {
  SimulatedDriver,
  type SimulatedDriverOptions,
} from "../../edge-agent/src/agent/drivers/simulated";
import type { LogFields, Logger } from "../../edge-agent/src/agent/log";
import { FileStore } from "../../edge-agent/src/agent/store";
import { configHash } from "../../protocol";
import type { Cleanups } from "../cleanups";
import { devicesOf, rolloutsOf } from "../factories/fleet";
import type { Box } from "../factories/tenant";

export interface LogEntry {
  level: string;
  msg: string;
  fields: LogFields;
}

export class RecordingLogger implements Logger {
  constructor(readonly entries: LogEntry[] = []) {}
  private add(level: string, msg: string, fields: LogFields = {}) {
    this.entries.push({ level, msg, fields });
  }
  debug(msg: string, f?: LogFields) {
    this.add("debug", msg, f);
  }
  info(msg: string, f?: LogFields) {
    this.add("info", msg, f);
  }
  warn(msg: string, f?: LogFields) {
    this.add("warn", msg, f);
  }
  error(msg: string, f?: LogFields) {
    this.add("error", msg, f);
  }
  child(): Logger {
    return this;
  }
}

export interface RunningAgent {
  box: Box;
  agent: Agent;
  driver: SimulatedDriver;
  log: RecordingLogger;
  /** Revisions in the order this agent applied them. */
  appliedRevisions(): number[];
  /** Hash of what the simulated data plane runs now (null: nothing). */
  runningHash(): string | null;
}

export async function startAgent(
  box: Box,
  cleanups: Cleanups,
  driver: SimulatedDriverOptions = {},
): Promise<RunningAgent> {
  const log = new RecordingLogger();
  const sim = new SimulatedDriver(driver);
  const agent = new Agent({
    identity: box.identity,
    credentials: box.credentials,
    driver: sim,
    store: new FileStore(box.stateDir),
    log,
    heartbeatSeconds: 5,
    backoff: { baseMs: 100, capMs: 1000 },
    renewal: false,
  });
  cleanups.add(() => agent.stop());
  await agent.start();
  if (!(await agent.whenConnected(15_000)))
    throw new Error(`${box.identity.identity} did not connect: ${JSON.stringify(log.entries)}`);
  return {
    box,
    agent,
    driver: sim,
    log,
    appliedRevisions: () =>
      log.entries
        .filter((e) => e.msg === "applied desired state")
        .map((e) => e.fields.revision as number),
    runningHash: () => (sim.current ? configHash(sim.current) : null),
  };
}

export const isMonotonic = (xs: readonly number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

/**
 * Every device row of the org desires and reports `revision` with matching hashes, and
 * each agent's data plane runs exactly the desired config.
 */
export async function converged(orgId: string, agents: RunningAgent[], revision: number) {
  const rows = await devicesOf(orgId);
  return (
    rows.length === agents.length &&
    rows.every((r) => {
      const agent = agents.find((a) => a.box.identity.deviceId === r.id);
      return (
        r.desiredRevision === revision &&
        r.reportedRevision === revision &&
        r.reportedHash === r.desiredHash &&
        r.applyStatus === "applied" &&
        agent?.runningHash() === r.desiredHash &&
        agent.agent.snapshot().revision === revision
      );
    })
  );
}

/** What a failed convergence wait shows. */
export async function fleetState(orgId: string, agents: RunningAgent[]) {
  return {
    rows: (await devicesOf(orgId)).map((r) => ({
      id: r.id,
      desired: r.desiredRevision,
      reported: r.reportedRevision,
      attempted: r.attemptedRevision,
      status: r.applyStatus,
      error: r.lastError,
    })),
    agents: agents.map((a) => ({ ...a.agent.snapshot(), applied: a.appliedRevisions() })),
    rollouts: (await rolloutsOf(orgId)).map((r) => ({
      revision: r.revision,
      status: r.status,
      halt: r.haltReason,
    })),
  };
}
