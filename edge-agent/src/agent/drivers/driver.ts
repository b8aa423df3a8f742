// What turns a DeviceConfig into a running data plane. The agent drives every apply as
// validate → apply → verify, and on failure rollback(previous). Implementations:
// SimulatedDriver (no kernel changes) and DataplaneDriver (eBPF through the loader).
import type { DeviceConfig } from "../../../../protocol";

/** What a data plane counts, read at a metrics scrape (cumulative since its maps were made). */
export interface DataplaneCounters {
  /** Packets of the WAN interface by reason (REASONS of dataplane/constants.ts). */
  reasons: Readonly<Record<string, bigint>>;
  /** WAN bytes (rx, tx) and packets per app id (0: no class matched); every packet the
   * data plane passed to or from the WAN is counted under one id. */
  apps: ReadonlyMap<number, { rx: bigint; tx: bigint; rxPackets: bigint; txPackets: bigint }>;
}

export interface Driver {
  readonly kind: "simulated" | "dataplane";
  /** Ready to apply (loader started, object loaded). Called once before anything else. */
  start(): Promise<void>;
  /** Throws when this device cannot run the config; must not change anything. */
  validate(config: DeviceConfig): void | Promise<void>;
  /** Makes `config` the running config; `previous` is what runs now (null: nothing). */
  apply(config: DeviceConfig, previous: DeviceConfig | null): Promise<void>;
  /** Reads back what it can and throws when the running state is not `config`. */
  verify(config: DeviceConfig): Promise<void>;
  /** Returns to `previous` (null: to the state before the agent configured anything). */
  rollback(previous: DeviceConfig | null): Promise<void>;
  /** Its counters for the agent's metrics; absent: it counts nothing (simulated). Null
   * before the data plane is loaded. */
  counters?(): Promise<DataplaneCounters | null>;
  /** Releases the driver; the data plane keeps running as configured. */
  close(): Promise<void>;
}
