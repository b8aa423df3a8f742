// An org whose HQ measured two paths for two hours of 2021-03-10 (one point a minute), with
// an SLA class whose traffic was placed on them, and incidents: the figures every report
// test checks by hand (docs/reports.md). March 2021 is written by no other test.
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { rollUp } from "../../server/platform/series/maintain";
import type { SeriesPointInput } from "../../server/platform/series/write";
import { at, seriesOrg, writePoints } from "../series/lib";

export const P1 = "l1~r1";
export const P2 = "l2~r2";
const START = at("2021-03-10T10:00:00Z").getTime();
const minute = (m: number) => new Date(START + m * 60_000);

/**
 * Minutes 0-119 from 10:00. P1: latency 20 ms (0-59), 200 ms (60-89), down (90-119).
 * P2: 50 ms / 5 ms / 1 % up (0-104), down (105-119). Voice (150 ms, 30 ms, 1 %) is placed
 * on P1 (0-89), P2 (90-104), no path (105-119).
 */
function points(deviceId: string, unit: string): SeriesPointInput[] {
  const out: SeriesPointInput[] = [];
  const path = (objectId: string, ts: Date, v: Record<string, number>) => {
    for (const [metric, value] of Object.entries(v))
      out.push({ deviceId, kind: "path", objectId, metric: metric as "up", ts, value });
  };
  for (let m = 0; m < 120; m++) {
    const ts = minute(m);
    if (m < 90)
      path(P1, ts, { up: 1, latency_ms: m < 60 ? 20 : 200, jitter_ms: 2, loss_percent: 0 });
    else path(P1, ts, { up: 0 });
    if (m < 105) path(P2, ts, { up: 1, latency_ms: 50, jitter_ms: 5, loss_percent: 1 });
    else path(P2, ts, { up: 0 });
    const placed = m < 90 ? P1 : m < 105 ? P2 : "none";
    out.push({
      deviceId,
      kind: "class",
      objectId: unit,
      metric: "placement",
      labels: { remote_site: "remote", path: placed },
      ts,
      value: 1,
    });
  }
  return out;
}

export async function reportOrg() {
  const o = await seriesOrg("HQ");
  const device = o.deviceIds[0] as string;
  const { appClassId, slaClassId } = await withScope(getDb(), { orgId: o.orgId }, async (tx) => {
    await tx.site.updateMany({
      where: { orgId: o.orgId, id: o.siteId },
      data: { createdAt: at("2021-01-01T00:00:00Z") },
    });
    const sla = await tx.slaClass.create({
      data: { orgId: o.orgId, name: "voice", maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
    });
    // A second class with no traffic: listed org-wide without figures.
    await tx.slaClass.create({
      data: { orgId: o.orgId, name: "bulk", maxLatencyMs: 400, maxJitterMs: 100, maxLossPct: 5 },
    });
    const app = await tx.appClass.create({
      data: { orgId: o.orgId, name: "voip", kind: "voice", number: 1, slaClassId: sla.id },
    });
    const incident = (number: number, openedAt: string, resolvedAt: string) =>
      tx.incident.create({
        data: {
          orgId: o.orgId,
          number,
          key: `site:${o.siteId}`,
          status: "resolved",
          severity: "critical",
          title: `Site HQ down ${number}`,
          rootCause: "both paths down",
          siteId: o.siteId,
          openedAt: at(openedAt),
          resolvedAt: at(resolvedAt),
        },
      });
    await incident(1, "2021-02-28T23:00:00Z", "2021-03-01T01:00:00Z"); // 60 min in March
    await incident(2, "2021-03-10T11:45:00Z", "2021-03-10T12:00:00Z"); // 15 min
    await incident(3, "2021-03-10T11:50:00Z", "2021-03-10T11:55:00Z"); // inside #2
    await incident(4, "2021-04-02T00:00:00Z", "2021-04-02T01:00:00Z"); // after March
    return { appClassId: app.id, slaClassId: sla.id };
  });
  await writePoints(o.orgId, points(device, `class:${appClassId}`));
  await rollUp(getDb(), "1m", minute(0), minute(120));
  await rollUp(getDb(), "1h", minute(0), minute(120));
  return { ...o, appClassId, slaClassId };
}
