// Usage reports into the database (server/domains/billing/services/usage/write-usage.ts), on the real
// database through the app role: deltas against each device's cursor, restarts (any other
// epoch), counters going down (stale reports), absurd deltas refused, hour buckets, and no
// way for a device of another org to add to this org's usage. Then the billing page's readers.
import { describe, expect, it } from "vitest";
import type { UsageTelemetry } from "../../../protocol";
import { usageSeries } from "../../../server/domains/billing/services/usage/usage-series";
import { usageSince } from "../../../server/domains/billing/services/usage/usage-since";
import { writeUsage } from "../../../server/domains/billing/services/usage/write-usage";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { orgWithDevices, total, usageOf, usageReport } from "./lib";

interface Line {
  level: string;
  msg: string;
  fields?: object;
}

/** Writes one ingest batch of the org (device id -> report), returning what was logged. */
async function write(orgId: string, reports: [string, UsageTelemetry][]) {
  const logs: Line[] = [];
  await withScope(getDb(), { orgId }, (tx) =>
    writeUsage(tx, orgId, new Map(reports), (level, msg, fields) =>
      logs.push({ level, msg, fields }),
    ),
  );
  return logs;
}

const HOUR = 3_600_000;
const floorHour = (ms: number) => Math.floor(ms / HOUR) * HOUR;
const started = () => Date.now() - HOUR; // agents that started an hour ago

describe("usage ingest", () => {
  it("adds each report's growth over the device's cursor, summed over the org's devices", async () => {
    const { orgId, deviceIds } = await orgWithDevices(2);
    const [a, b] = deviceIds as [string, string];
    const epoch = started();
    await write(orgId, [
      [a, usageReport(1000, 400, epoch)],
      [b, usageReport(50, 5, epoch)],
    ]);
    await write(orgId, [[a, usageReport(1800, 400, epoch)]]);
    await write(orgId, [
      [a, usageReport(2000, 900, epoch)],
      [b, usageReport(80, 5, epoch)],
    ]);
    const u = await usageOf(orgId);
    expect(total(u.hours)).toEqual({ rx: 2080, tx: 905 });
    expect(u.cursors.find((c) => c.deviceId === a)).toMatchObject({ epoch, rx: 2000, tx: 900 });
  });

  it("starts over after an agent restart (any other epoch, even a clock behind)", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const epoch = started();
    await write(orgId, [[a, usageReport(5000, 3000, epoch)]]);
    await write(orgId, [[a, usageReport(120, 30, epoch + 60_000)]]); // restarted
    expect(total((await usageOf(orgId)).hours)).toEqual({ rx: 5120, tx: 3030 });
    await write(orgId, [[a, usageReport(100, 40, epoch + 60_000)]]); // a late rx, tx grew
    expect(total((await usageOf(orgId)).hours)).toEqual({ rx: 5120, tx: 3040 });
    expect((await usageOf(orgId)).cursors[0]).toMatchObject({ rx: 120, tx: 40 });
    // Restarted again, on a clock a day behind: a new run all the same.
    const behind = epoch - 86_400_000;
    await write(orgId, [[a, usageReport(700, 70, behind)]]);
    await write(orgId, [[a, usageReport(900, 75, behind)]]);
    const u = await usageOf(orgId);
    expect(total(u.hours)).toEqual({ rx: 6020, tx: 3115 });
    expect(u.cursors[0]).toMatchObject({ epoch: behind, rx: 900, tx: 75 });
  });

  it("refuses an absurd delta with a log line, but moves the cursor past it", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const epoch = started();
    await write(orgId, [[a, usageReport(1000, 1000, epoch)]]);
    const logs = await write(orgId, [[a, usageReport(1e14, 1000, epoch)]]);
    expect(logs).toEqual([expect.objectContaining({ level: "warn", msg: "usage report refused" })]);
    await write(orgId, [[a, usageReport(1e14 + 500, 1200, epoch)]]);
    const u = await usageOf(orgId);
    expect(total(u.hours)).toEqual({ rx: 1500, tx: 1200 });
    expect(u.cursors[0]).toMatchObject({ rx: 1e14 + 500, tx: 1200 });
  });

  it("puts usage in the hour it arrives, adding to that hour and no other", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const earlier = new Date(floorHour(Date.now()) - 3 * HOUR);
    await withScope(getDb(), { orgId }, (tx) =>
      tx.usageHour.create({ data: { orgId, hour: earlier, rxBytes: 7n, txBytes: 3n } }),
    );
    const before = Date.now();
    const epoch = started();
    await write(orgId, [[a, usageReport(100, 10, epoch)]]);
    await write(orgId, [[a, usageReport(300, 20, epoch)]]);
    const after = Date.now();
    const { hours } = await usageOf(orgId);
    expect(hours[0]).toEqual({ hour: earlier, rx: 7, tx: 3 });
    const current = hours.slice(1);
    for (const h of current) {
      expect(h.hour.getTime() % HOUR).toBe(0);
      expect(h.hour.getTime()).toBeGreaterThanOrEqual(floorHour(before));
      expect(h.hour.getTime()).toBeLessThanOrEqual(floorHour(after));
    }
    // Both writes land in one row unless the clock crossed an hour between them.
    expect(current.length).toBe(floorHour(before) === floorHour(after) ? 1 : 2);
    expect(total(current)).toEqual({ rx: 300, tx: 20 });
  });

  it("a device of another org adds nothing to this org, and its own org is untouched", async () => {
    const mine = await orgWithDevices(1);
    const other = await orgWithDevices(1);
    const [theirs] = other.deviceIds as [string];
    const logs = await write(mine.orgId, [[theirs, usageReport(9999, 9999, started())]]);
    expect(logs).toEqual([
      expect.objectContaining({
        msg: "usage of devices that are not active in the org dropped",
        fields: expect.objectContaining({ unknown: [theirs] }),
      }),
    ]);
    expect(await usageOf(mine.orgId)).toEqual({ hours: [], cursors: [] });
    expect(await usageOf(other.orgId)).toEqual({ hours: [], cursors: [] });
  });

  it("a revoked device's reports are dropped", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    await withScope(getDb(), { orgId }, (tx) =>
      tx.device.update({ where: { id: a, orgId }, data: { status: "revoked" } }),
    );
    await write(orgId, [[a, usageReport(100, 100, started())]]);
    expect((await usageOf(orgId)).hours).toEqual([]);
  });
});

describe("usage readers", () => {
  it("daily series zero-filled, oldest first, and bytes since a date, per org only", async () => {
    const { orgId } = await orgWithDevices(0);
    const other = await orgWithDevices(0);
    const now = new Date("2026-03-10T15:30:00Z");
    const rows = [
      ["2026-03-10T14:00:00Z", 100n, 10n],
      ["2026-03-10T02:00:00Z", 1n, 2n],
      ["2026-03-08T23:00:00Z", 1000n, 0n],
      ["2026-02-01T00:00:00Z", 5n, 5n], // outside the series
    ] as const;
    await withScope(getDb(), { orgId }, (tx) =>
      tx.usageHour.createMany({
        data: rows.map(([h, rx, t]) => ({ orgId, hour: new Date(h), rxBytes: rx, txBytes: t })),
      }),
    );
    await withScope(getDb(), { orgId: other.orgId }, (tx) =>
      tx.usageHour.create({
        data: { orgId: other.orgId, hour: new Date("2026-03-10T14:00:00Z"), rxBytes: 1n << 40n },
      }),
    );
    const series = await withScope(getDb(), { orgId }, (tx) => usageSeries(tx, orgId, 4, now));
    expect(series).toEqual([
      { day: "2026-03-07", rxBytes: 0, txBytes: 0, bytes: 0 },
      { day: "2026-03-08", rxBytes: 1000, txBytes: 0, bytes: 1000 },
      { day: "2026-03-09", rxBytes: 0, txBytes: 0, bytes: 0 },
      { day: "2026-03-10", rxBytes: 101, txBytes: 12, bytes: 113 },
    ]);
    const since = (from: string) =>
      withScope(getDb(), { orgId }, (tx) => usageSince(tx, orgId, new Date(from)));
    expect(await since("2026-03-08T23:59:00Z")).toBe(1113); // the hour it starts in counts
    expect(await since("2026-03-09T00:00:00Z")).toBe(113);
    await expect(
      withScope(getDb(), { orgId }, (tx) => usageSeries(tx, orgId, 0, now)),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
