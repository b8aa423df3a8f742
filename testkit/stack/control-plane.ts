// The stack's control plane as parts a test can take down and bring back: the BullMQ
// workers, the device-report ingest and the control channel. Takes over the stack's ingest
// with one whose log is kept, so a test can see why a device message was refused.

import { afterAll, beforeAll } from "vitest";
import {
  closeControlChannel,
  getControlChannel,
} from "../../server/domains/fleet/channel/control-channel";
import { FleetIngest } from "../../server/domains/fleet/channel/ingest";
import { compileJob } from "../../server/domains/fleet/jobs/fleet-compile";
import { getDb } from "../../server/platform/db/client";
import { getQueue } from "../../server/platform/jobs/queues";
import { type FleetStack, useFleetStack } from "./fleet-stack";

export interface IngestLog {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export class ControlPlane {
  readonly logs: IngestLog[] = [];
  private ingest: FleetIngest | undefined;
  private workersUp = true;

  private constructor(private readonly stack: FleetStack) {}

  /**
   * Stops the stack's ingest and runs one of its own instead, for the rest of the file:
   * call release() before the stack's stop().
   */
  static async take(stack: FleetStack): Promise<ControlPlane> {
    const cp = new ControlPlane(stack);
    await stack.ingest.stop();
    await cp.startIngest();
    return cp;
  }

  /** Stops this ingest and hands the workers back running, for the stack's stop(). */
  async release() {
    await this.ingest?.stop();
    this.ingest = undefined;
    this.startWorkers();
  }

  private async startIngest() {
    const channel = await getControlChannel();
    this.ingest = new FleetIngest(getDb(), channel, {
      shared: true,
      log: (level, msg, fields) =>
        this.logs.push({ level, msg, fields: fields as IngestLog["fields"] }),
    });
    await this.ingest.start();
  }

  async stopWorkers() {
    if (!this.workersUp) return;
    this.workersUp = false;
    await this.stack.stopWorkers();
  }

  startWorkers() {
    if (this.workersUp) return;
    this.workersUp = true;
    this.stack.startWorkers();
  }

  /** Workers, ingest and control channel gone; the broker and the agents stay. */
  async down() {
    await this.stopWorkers();
    await this.ingest?.stop();
    this.ingest = undefined;
    await closeControlChannel();
  }

  /** A fresh control channel (connected as a restarted process would), ingest, workers. */
  async up() {
    if (!this.ingest) await this.startIngest();
    this.startWorkers();
  }
}

/** The compile job of one revision (its id is deterministic), or undefined when gone. */
export async function compileJobOf(orgId: string, revision: number) {
  const id = compileJob.jobId?.({ orgId, revision });
  if (!id) throw new Error("compile jobs have deterministic ids");
  return getQueue(compileJob.queue).getJob(id);
}

/**
 * A file's fleet stack (Mosquitto) with its control plane taken: started before its tests,
 * the file's clean-ups run after each, both stopped after all. Read `stack` and `cp` in tests.
 */
export function stackWithControlPlane(cleanups: { run(): Promise<void> }) {
  const parts = { stack: useFleetStack({ cleanups }) } as { stack: FleetStack; cp: ControlPlane };
  beforeAll(async () => {
    parts.cp = await ControlPlane.take(parts.stack);
  });
  // Registered after the stack's: runs before the stack stops.
  afterAll(async () => {
    await parts.cp?.release();
  });
  return parts;
}
