// The packet and drop rates an agent reports on telemetry/dataplane (dataplane-rates.ts):
// growth over the interval between two readings of the data plane's counters.
import { describe, expect, it } from "vitest";
import {
  DataplaneRates,
  isDropReason,
  ratesBetween,
  readingOf,
} from "../../edge-agent/src/agent/dataplane-rates";
import type { DataplaneCounters } from "../../edge-agent/src/agent/drivers/driver";

const counters = (rx: bigint, tx: bigint, reasons: Record<string, bigint>): DataplaneCounters => ({
  reasons,
  apps: new Map([
    [0, { rx: rx * 100n, tx: tx * 100n, rxPackets: rx, txPackets: tx }],
    [3, { rx: 1000n, tx: 1000n, rxPackets: 10n, txPackets: 10n }],
  ]),
});

describe("data plane rates", () => {
  it("drop reasons are those ending in _drop or _deny", () => {
    expect(["policy_deny", "syn_flood_drop", "default_deny"].every(isDropReason)).toBe(true);
    expect(["policy_allow", "malformed_pass", "ct_orig", "deny_x"].some(isDropReason)).toBe(false);
  });

  it("sums packets over every app id and keeps only drop reasons", () => {
    const r = readingOf(
      counters(5n, 7n, { policy_allow: 9n, policy_deny: 2n, "Bad Name_drop": 1n }),
      1000,
    );
    expect(r).toMatchObject({ atMs: 1000, rxPackets: 15n, txPackets: 17n });
    expect([...r.drops]).toEqual([["policy_deny", 2n]]);
  });

  it("answers growth per second; reasons with no drops in the interval are left out", () => {
    const a = readingOf(counters(0n, 0n, { policy_deny: 4n, syn_flood_drop: 9n }), 0);
    const b = readingOf(
      counters(300n, 150n, { policy_deny: 10n, syn_flood_drop: 9n, rate_limit_drop: 1n }),
      2000,
    );
    expect(ratesBetween(a, b)).toEqual({
      rx_packets_per_second: 150,
      tx_packets_per_second: 75,
      "drops_per_second.policy_deny": 3,
      "drops_per_second.rate_limit_drop": 0.5,
    });
  });

  it("a counter that went down (maps made anew) is left out of that interval", () => {
    const a = readingOf(counters(500n, 10n, { policy_deny: 40n }), 0);
    const b = readingOf(counters(3n, 20n, { policy_deny: 1n }), 1000);
    expect(ratesBetween(a, b)).toEqual({ tx_packets_per_second: 10 });
  });

  it("no time between readings: no rates", () => {
    const a = readingOf(counters(1n, 1n, {}), 5);
    expect(ratesBetween(a, a)).toBeNull();
  });

  it("the first report is the baseline; a data plane that is not loaded or hangs reports nothing", async () => {
    let now = 0;
    let answer: DataplaneCounters | null | "hang" = counters(0n, 0n, {});
    const rates = new DataplaneRates(
      () => (answer === "hang" ? new Promise(() => {}) : Promise.resolve(answer)),
      () => now,
      50,
    );
    expect(await rates.report()).toBeNull();
    now = 1000;
    answer = counters(20n, 0n, { policy_deny: 5n });
    expect(await rates.report()).toEqual({
      rx_packets_per_second: 20,
      tx_packets_per_second: 0,
      "drops_per_second.policy_deny": 5,
    });
    answer = null;
    expect(await rates.report()).toBeNull();
    answer = "hang";
    expect(await rates.report()).toBeNull();
    // The next answer spans the gap since the last reading.
    now = 3000;
    answer = counters(60n, 0n, { policy_deny: 5n });
    expect(await rates.report()).toEqual({ rx_packets_per_second: 20, tx_packets_per_second: 0 });
  });
});
