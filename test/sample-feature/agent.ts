// The sample area's agent side: a subsystem that applies the `sample` section (it keeps the
// notes, as a real one would write a file or program the kernel) and reports how many it
// holds with every heartbeat.
import { z } from "zod";
import type { Subsystem } from "../../edge-agent/src/agent/subsystems";
import type { DeviceConfig } from "../../protocol";

const ZSection = z.object({ notes: z.array(z.string().max(200)).max(100) }).optional();
const sectionOf = (config: DeviceConfig | null) =>
  ZSection.parse((config as Record<string, unknown> | null)?.sample);

export class SampleSubsystem implements Subsystem {
  readonly name = "sample";
  readonly sections = ["sample"];
  /** What runs now. */
  notes: string[] = [];

  validate(config: DeviceConfig) {
    sectionOf(config);
  }
  async apply(config: DeviceConfig) {
    this.notes = [...(sectionOf(config)?.notes ?? [])];
  }
  async verify(config: DeviceConfig) {
    if (this.notes.join("\n") !== (sectionOf(config)?.notes ?? []).join("\n"))
      throw new Error("the notes did not stick");
  }
  async rollback(previous: DeviceConfig | null) {
    this.notes = [...(sectionOf(previous)?.notes ?? [])];
  }
  telemetry() {
    return { kind: "sample", message: { applied: this.notes.length } };
  }
}
