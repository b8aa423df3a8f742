// A subsystem applies some sections of the desired config (protocol/sections.ts). The applier
// drives every subsystem through the same steps: validate all, then apply and verify each in
// turn; on failure every subsystem rolls back to the last good config. What the agent can
// apply, and declares to the control plane, is the union of its subsystems' sections.
import { CAPABILITY_VERSION, type Capabilities, type DeviceConfig } from "../../../../protocol";

export interface Subsystem {
  readonly name: string;
  /** The sections it applies. */
  readonly sections: readonly string[];
  /** Throws when this device cannot run the config; must not change anything. */
  validate(config: DeviceConfig): void | Promise<void>;
  /** Makes its sections of `config` run; `previous` is what runs now (null: nothing). */
  apply(config: DeviceConfig, previous: DeviceConfig | null): Promise<void>;
  /** Reads back what it can; throws when what runs is not `config`. */
  verify(config: DeviceConfig): Promise<void>;
  /** Returns to `previous` (null: to the state before the agent configured anything). */
  rollback(previous: DeviceConfig | null): Promise<void>;
  /**
   * What it reports with every heartbeat, on telemetry/<kind> (its area's ingest channel on
   * the control plane); `v` and `at` are added. Undefined: nothing this time.
   */
  telemetry?(): { kind: string; message: Record<string, unknown> } | undefined;
}

/** What an agent with these subsystems declares at enrollment and on every connect. */
export function capabilitiesOf(subsystems: readonly Subsystem[]): Capabilities {
  const sections = [...new Set(subsystems.flatMap((s) => s.sections))].sort();
  return { version: CAPABILITY_VERSION, sections };
}
