// A driver that changes nothing in the kernel: the same validation as the real one, the
// applied config kept in memory. Failure injection shows rollback in tests and demos.
import { canonicalJson, type DeviceConfig } from "../../../../protocol";
import { sleep } from "../time";
import { planDataplane } from "./dataplane-plan";
import type { Driver } from "./driver";

export interface SimulatedDriverOptions {
  /** Artificial apply time, so coalescing and slow devices can be shown. */
  applyDelayMs?: number;
  /** Apply fails when the config's canonical JSON contains this text (e.g. a site name). */
  failMarker?: string;
  /** Apply fails when this returns an error message. */
  failApply?: (config: DeviceConfig) => string | null | undefined;
  /** Rollback fails too (status "failed"). */
  failRollback?: boolean;
}

export class SimulatedDriver implements Driver {
  readonly kind = "simulated";
  /** What the simulated data plane runs now. */
  current: DeviceConfig | null = null;
  applies = 0;

  constructor(private readonly opts: SimulatedDriverOptions = {}) {}

  async start() {}

  validate(config: DeviceConfig) {
    planDataplane(config);
  }

  async apply(config: DeviceConfig) {
    if (this.opts.applyDelayMs) await sleep(this.opts.applyDelayMs);
    this.applies++;
    const marker = this.opts.failMarker;
    const failure =
      this.opts.failApply?.(config) ??
      (marker && canonicalJson(config).includes(marker)
        ? `simulated failure: config contains "${marker}"`
        : null);
    // A failed apply leaves a half-changed data plane behind, as a real one may.
    this.current = failure ? { ...config, rules: [] } : config;
    if (failure) throw new Error(failure);
  }

  async verify(config: DeviceConfig) {
    if (this.current !== config) throw new Error("simulated data plane does not run the config");
  }

  async rollback(previous: DeviceConfig | null) {
    if (this.opts.failRollback) throw new Error("simulated rollback failure");
    this.current = previous;
  }

  async close() {}
}
