// The agent's side of a traced apply (protocol/trace.ts): it echoes a desired state's
// traceparent with the apply's times in that apply's report only, and never a malformed one.
import { describe, expect, it } from "vitest";
import { Applier } from "../../edge-agent/src/agent/applier";
import { SimulatedDriver } from "../../edge-agent/src/agent/drivers/simulated";
import { silentLogger } from "../../edge-agent/src/agent/log";
import { MemoryStore } from "../../edge-agent/src/agent/store";
import { dataplaneSubsystem } from "../../edge-agent/src/agent/subsystems";
import { type DesiredState, type ReportedState, ZReportedState } from "../../protocol";
import { desired, deviceConfig } from "./lib/control";

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

async function applied(states: DesiredState[]) {
  const reports: ReportedState[] = [];
  const applier = new Applier({
    deviceId: "dev1",
    subsystems: [dataplaneSubsystem(new SimulatedDriver())],
    store: new MemoryStore(),
    log: silentLogger,
    onReport: (s) => reports.push(s),
  });
  for (const s of states) {
    applier.offer(s);
    await applier.idle();
  }
  return { reports, applier };
}

describe("a traced apply on the agent", () => {
  it("echoes the traceparent with the apply's times, in that report only", async () => {
    const { reports, applier } = await applied([
      { ...desired("dev1", 1, deviceConfig()), trace: TP },
      desired("dev1", 2, deviceConfig({ defaultAction: "deny" })),
    ]);
    const [first, second] = reports;
    expect(first?.trace?.traceparent).toBe(TP);
    expect(Date.parse(first!.trace!.endedAt)).toBeGreaterThanOrEqual(
      Date.parse(first!.trace!.startedAt),
    );
    // What the control plane reads back off the wire.
    expect(ZReportedState.parse(JSON.parse(JSON.stringify(first))).trace).toEqual(first?.trace);
    expect(second?.revision).toBe(2);
    expect(second).not.toHaveProperty("trace");
    // The report re-sent at each connect carries no trace.
    expect(applier.report).not.toHaveProperty("trace");
  });

  it("echoes the traceparent of a re-sent, already applied revision too", async () => {
    const state = desired("dev1", 1, deviceConfig());
    const { reports } = await applied([state, { ...state, trace: TP }]);
    expect(reports.map((r) => r.trace?.traceparent)).toEqual([undefined, TP]);
  });

  it("does not echo a malformed traceparent, and applies the state all the same", async () => {
    const bad = { ...desired("dev1", 1, deviceConfig()), trace: "00-abc-def-01" };
    const { reports } = await applied([bad as DesiredState]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: "applied", revision: 1 });
    expect(reports[0]).not.toHaveProperty("trace");
  });
});
