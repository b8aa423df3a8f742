// The delta rule of usage reports (server/domains/billing/services/usage/delta.ts).
import { describe, expect, it } from "vitest";
import {
  FIRST_REPORT_MIN_SECONDS,
  MAX_BYTES_PER_SECOND,
  usageDelta,
} from "../../../server/domains/billing/services/usage/delta";

const epoch = 1_700_000_000_000;
const m = (rx: number, tx: number, e = epoch) => ({ epoch: e, rx_bytes: rx, tx_bytes: tx });
const cursor = (rx: number, tx: number, at: number, e = epoch) => ({ epoch: e, rx, tx, at });

describe("usage delta", () => {
  it("a device's first report counts whole", () => {
    expect(usageDelta(null, m(100, 50), epoch + 30_000)).toEqual({ ok: true, rx: 100, tx: 50 });
  });

  it("the same epoch adds what the counters grew", () => {
    const prev = cursor(100, 50, epoch + 30_000);
    expect(usageDelta(prev, m(400, 60), epoch + 60_000)).toEqual({ ok: true, rx: 300, tx: 10 });
    expect(usageDelta(prev, m(100, 50), epoch + 60_000)).toEqual({ ok: true, rx: 0, tx: 0 });
  });

  it("any other epoch is a restart and counts whole, even one lower (a clock behind)", () => {
    const prev = cursor(5000, 5000, epoch + 30_000);
    const restarted = m(70, 20, epoch + 40_000);
    expect(usageDelta(prev, restarted, epoch + 60_000)).toEqual({ ok: true, rx: 70, tx: 20 });
    const behind = m(70, 20, epoch - 86_400_000);
    expect(usageDelta(prev, behind, epoch + 60_000)).toEqual({ ok: true, rx: 70, tx: 20 });
    // Same epoch, a counter lower than the cursor: a late report; only growth counts.
    expect(usageDelta(prev, m(6000, 10), epoch + 60_000)).toEqual({ ok: true, rx: 1000, tx: 0 });
  });

  it("refuses more than 100 Gbit/s since the cursor was stored, at least one second", () => {
    const at = epoch + 3_600_000;
    const prev = cursor(0, 0, at);
    const tenSeconds = MAX_BYTES_PER_SECOND * 10;
    expect(usageDelta(prev, m(tenSeconds, 0), at + 10_000).ok).toBe(true);
    const over = usageDelta(prev, m(tenSeconds + 1, 0), at + 10_000);
    expect(over).toMatchObject({ ok: false, rx: tenSeconds + 1 });
    expect(over.ok || over.reason).toMatch(/above 100 Gbit\/s/);
    // Reports a few ms apart still get one second's worth.
    expect(usageDelta(prev, m(0, MAX_BYTES_PER_SECOND), at + 5).ok).toBe(true);
    // A restart's first report: since the cursor, whatever its epoch claims.
    const early = m(tenSeconds + 1, 0, epoch - 86_400_000);
    expect(usageDelta(prev, early, at + 10_000).ok).toBe(false);
    expect(usageDelta(prev, m(tenSeconds, 0, at + 9_000), at + 10_000).ok).toBe(true);
  });

  it("bounds a device's first report by the time since its epoch, at least ten minutes", () => {
    const at = epoch + 3_600_000;
    const hour = MAX_BYTES_PER_SECOND * 3600;
    expect(usageDelta(null, m(hour, 0), at).ok).toBe(true);
    expect(usageDelta(null, m(hour + 1, 0), at).ok).toBe(false);
    // A clock ahead (the epoch is a minute in the future) still gets ten minutes' worth.
    const tenMinutes = MAX_BYTES_PER_SECOND * FIRST_REPORT_MIN_SECONDS;
    expect(usageDelta(null, m(tenMinutes, 0, at + 60_000), at).ok).toBe(true);
    expect(usageDelta(null, m(tenMinutes + 1, 0, at + 60_000), at).ok).toBe(false);
  });
});
