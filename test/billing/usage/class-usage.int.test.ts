// Per-class usage into the database (write-usage.ts with class-delta.ts), on the real
// database through the app role: deltas per class against the device's cursor, restarts,
// stale reports, absurd jumps, a bad `classes` that costs only the classes, no way for a
// device of another org to add to this org's classes, and row-level security on the rows.
import { describe, expect, it } from "vitest";
import type { UsageTelemetry } from "../../../protocol";
import { writeUsage } from "../../../server/domains/billing/services/usage/write-usage";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { classReport, classUsageOf, orgWithDevices, total, usageOf, usageReport } from "./lib";

interface Line {
  level: string;
  msg: string;
  fields?: object;
}

async function write(orgId: string, reports: [string, unknown][]) {
  const logs: Line[] = [];
  await withScope(getDb(), { orgId }, (tx) =>
    writeUsage(tx, orgId, new Map(reports as [string, UsageTelemetry][]), (level, msg, fields) =>
      logs.push({ level, msg, fields }),
    ),
  );
  return logs;
}

const started = () => Date.now() - 3_600_000;

describe("per-class usage ingest", () => {
  it("adds each class's growth, summed over the org's devices", async () => {
    const { orgId, deviceIds } = await orgWithDevices(2);
    const [a, b] = deviceIds as [string, string];
    const epoch = started();
    await write(orgId, [
      [
        a,
        classReport(1000, 500, epoch, [
          ["web", 600, 300],
          ["other", 100, 50],
        ]),
      ],
      [b, classReport(100, 10, epoch, [["web", 50, 5]])],
    ]);
    await write(orgId, [
      [
        a,
        classReport(2000, 900, epoch, [
          ["web", 900, 400],
          ["voice", 40, 40],
          ["other", 100, 60],
        ]),
      ],
    ]);
    expect(await classUsageOf(orgId)).toEqual({
      web: { rx: 950, tx: 405 },
      other: { rx: 100, tx: 60 },
      voice: { rx: 40, tx: 40 },
    });
    // The totals are as they would be without classes.
    expect(total((await usageOf(orgId)).hours)).toEqual({ rx: 2100, tx: 910 });
  });

  it("starts over after a restart; a stale report of the same run adds nothing", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const epoch = started();
    await write(orgId, [[a, classReport(5000, 500, epoch, [["video", 4000, 400]])]]);
    await write(orgId, [[a, classReport(4000, 400, epoch, [["video", 3000, 300]])]]); // stale
    expect(await classUsageOf(orgId)).toEqual({ video: { rx: 4000, tx: 400 } });
    await write(orgId, [[a, classReport(5100, 600, epoch, [["video", 4100, 450]])]]);
    expect(await classUsageOf(orgId)).toEqual({ video: { rx: 4100, tx: 450 } });
    // A new run (its counters restart): counted whole, even on a clock behind.
    const again = epoch - 86_400_000;
    await write(orgId, [
      [
        a,
        classReport(300, 30, again, [
          ["video", 200, 20],
          ["web", 5, 5],
        ]),
      ],
    ]);
    expect(await classUsageOf(orgId)).toEqual({
      video: { rx: 4300, tx: 470 },
      web: { rx: 5, tx: 5 },
    });
  });

  it("a report without classes keeps the class cursor of its run", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const epoch = started();
    await write(orgId, [[a, classReport(100, 10, epoch, [["web", 100, 10]])]]);
    await write(orgId, [[a, usageReport(200, 20, epoch)]]);
    await write(orgId, [[a, classReport(300, 30, epoch, [["web", 300, 30]])]]);
    expect(await classUsageOf(orgId)).toEqual({ web: { rx: 300, tx: 30 } });
  });

  it("refuses an absurd class jump with a log line, and moves past it", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const epoch = started();
    await write(orgId, [[a, classReport(1000, 100, epoch, [["web", 1000, 100]])]]);
    const logs = await write(orgId, [
      [
        a,
        classReport(2000, 200, epoch, [
          ["web", 1e14, 100],
          ["saas", 500, 50],
        ]),
      ],
    ]);
    expect(logs).toEqual([
      expect.objectContaining({
        msg: "usage report's class refused",
        fields: expect.objectContaining({ name: "web" }),
      }),
    ]);
    await write(orgId, [
      [
        a,
        classReport(2100, 210, epoch, [
          ["web", 1e14 + 7, 100],
          ["saas", 500, 50],
        ]),
      ],
    ]);
    expect(await classUsageOf(orgId)).toEqual({
      web: { rx: 1007, tx: 100 },
      saas: { rx: 500, tx: 50 },
    });
  });

  it("drops a bad `classes` with a warning, keeping the report's totals", async () => {
    const { orgId, deviceIds } = await orgWithDevices(1);
    const [a] = deviceIds as [string];
    const epoch = started();
    const good = classReport(1000, 100, epoch, [["web", 10, 1]]);
    const bad = { ...good, metrics: { ...good.metrics, classes: [{ name: "", rx_bytes: 1 }] } };
    const logs = await write(orgId, [[a, bad]]);
    expect(logs).toEqual([
      expect.objectContaining({ level: "warn", msg: "usage report's classes dropped" }),
    ]);
    expect(total((await usageOf(orgId)).hours)).toEqual({ rx: 1000, tx: 100 });
    expect(await classUsageOf(orgId)).toEqual({});
    await write(orgId, [[a, classReport(1000, 100, epoch, [["web", 10, 1]])]]);
    expect(await classUsageOf(orgId)).toEqual({ web: { rx: 10, tx: 1 } });
  });

  it("a device of another org adds nothing to this org's classes, nor to its own org's", async () => {
    const mine = await orgWithDevices(1);
    const other = await orgWithDevices(1);
    const [theirs] = other.deviceIds as [string];
    await write(mine.orgId, [[theirs, classReport(99, 99, started(), [["web", 99, 99]])]]);
    expect(await classUsageOf(mine.orgId)).toEqual({});
    expect(await classUsageOf(other.orgId)).toEqual({});
  });

  it("row-level security: another org's session sees none of the org's class rows", async () => {
    const a = await orgWithDevices(1);
    const b = await orgWithDevices(0);
    await write(a.orgId, [
      [a.deviceIds[0] as string, classReport(10, 10, started(), [["web", 10, 10]])],
    ]);
    const seen = await withScope(getDb(), { orgId: b.orgId }, async (tx) => ({
      hours: await tx.usageClassHour.findMany({ where: { orgId: a.orgId } }),
      // Past the tenant guard (raw SQL): row-level security alone hides them.
      all: (
        await tx.$queryRaw<[{ n: number }]>`SELECT count(*)::int AS n FROM usage_class_hours`
      )[0].n,
      cursors: await tx.deviceUsage.count({ where: { orgId: a.orgId } }),
    }));
    expect(seen).toEqual({ hours: [], all: 0, cursors: 0 });
    // Nor can it write a row for the org.
    await expect(
      withScope(getDb(), { orgId: b.orgId }, (tx) =>
        tx.usageClassHour.create({
          data: { orgId: a.orgId, hour: new Date(), class: "web", rxBytes: 1n },
        }),
      ),
    ).rejects.toThrow();
    expect(await classUsageOf(a.orgId)).toEqual({ web: { rx: 10, tx: 10 } });
  });
});
