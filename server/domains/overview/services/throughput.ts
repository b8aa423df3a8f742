// Throughput in and out over the last hour or day, from the data transfer the agents
// report (telemetry/usage → usage_hours, by arrival hour): rx is in, tx is out, summed over
// the org's WAN links. An hour's row is the finest grain stored, so the 1 h window covers
// the open hour and the one before it (docs/overview.md).
import type { Tx } from "../../../platform/db/client";

export const WINDOWS = { "1h": 1, "24h": 24 } as const;
export type OverviewWindow = keyof typeof WINDOWS;

const HOUR = 3_600_000;

/** The window's first hour and the open hour (ms): the hours whose rows the window sums. */
export function windowHours(window: OverviewWindow, now: Date) {
  const openHour = Math.floor(now.getTime() / HOUR) * HOUR;
  return { from: new Date(openHour - WINDOWS[window] * HOUR), openHour };
}

export async function throughput(tx: Tx, orgId: string, window: OverviewWindow, now = new Date()) {
  const { from, openHour } = windowHours(window, now);
  const rows = await tx.usageHour.findMany({
    where: { orgId, hour: { gte: from } },
    orderBy: { hour: "asc" },
  });
  const byHour = new Map(rows.map((r) => [r.hour.getTime(), r]));
  const series = [];
  for (let t = from.getTime(); t <= openHour; t += HOUR) {
    const r = byHour.get(t);
    series.push({
      at: new Date(t),
      inBytes: Number(r?.rxBytes ?? 0),
      outBytes: Number(r?.txBytes ?? 0),
    });
  }
  return {
    window,
    from,
    inBytes: series.reduce((n, p) => n + p.inBytes, 0),
    outBytes: series.reduce((n, p) => n + p.outBytes, 0),
    series,
  };
}
