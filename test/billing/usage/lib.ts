// Orgs with active devices and the usage rows of an org, for the usage tests. Rows are
// written through the app role inside the org's row-level-security scope, as services do.

import type { UsageTelemetry } from "../../../protocol";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { createOrgWithOwner } from "../../../testkit/factories/identity";

export async function orgWithDevices(count: number, kind: "standard" | "msp" = "standard") {
  const { org, owner, slug } = await createOrgWithOwner(kind);
  const deviceIds = await withScope(getDb(), { orgId: org.id }, async (tx) => {
    const site = await tx.site.create({ data: { orgId: org.id, name: "HQ", settings: {} } });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const d = await tx.device.create({
        data: { orgId: org.id, siteId: site.id, hostname: `box-${i}`, status: "active" },
      });
      ids.push(d.id);
    }
    return ids;
  });
  return { orgId: org.id, owner, slug, deviceIds };
}

export const usageReport = (rx: number, tx: number, epoch: number): UsageTelemetry => ({
  v: 1,
  at: new Date().toISOString(),
  metrics: { epoch, rx_bytes: rx, tx_bytes: tx },
});

/**
 * The org's usage_hours and device cursors, as numbers. Cursors are read first: each
 * statement sees what was committed when it started, and the ingest writes both in one
 * transaction, so a cursor seen means its hours are seen by the next statement. (Read the
 * other way round, a report committing in between showed its cursor without its hours.)
 */
export async function usageOf(orgId: string) {
  return withScope(getDb(), { orgId }, async (tx) => {
    const cursors = (await tx.deviceUsage.findMany({ where: { orgId } })).map((c) => ({
      deviceId: c.deviceId,
      epoch: Number(c.epoch),
      rx: Number(c.rxBytes),
      tx: Number(c.txBytes),
    }));
    const hours = (await tx.usageHour.findMany({ where: { orgId }, orderBy: { hour: "asc" } })).map(
      (h) => ({ hour: h.hour, rx: Number(h.rxBytes), tx: Number(h.txBytes) }),
    );
    return { hours, cursors };
  });
}

export const total = (hours: { rx: number; tx: number }[]) =>
  hours.reduce((s, h) => ({ rx: s.rx + h.rx, tx: s.tx + h.tx }), { rx: 0, tx: 0 });

/** A usage report that also carries per-class counters ([name, rx, tx] each). */
export const classReport = (
  rx: number,
  tx: number,
  epoch: number,
  classes: [string, number, number][],
): UsageTelemetry => ({
  ...usageReport(rx, tx, epoch),
  metrics: {
    epoch,
    rx_bytes: rx,
    tx_bytes: tx,
    classes: classes.map(([name, r, t]) => ({ name, rx_bytes: r, tx_bytes: t })),
  },
});

/** The org's per-class bytes summed over its usage_class_hours, by class name. */
export async function classUsageOf(orgId: string) {
  const rows = await withScope(getDb(), { orgId }, (tx) =>
    tx.usageClassHour.findMany({ where: { orgId } }),
  );
  const out: Record<string, { rx: number; tx: number }> = {};
  for (const r of rows) {
    const s = out[r.class] ?? { rx: 0, tx: 0 };
    out[r.class] = { rx: s.rx + Number(r.rxBytes), tx: s.tx + Number(r.txBytes) };
  }
  return out;
}
