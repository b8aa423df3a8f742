// The data-transfer chart: one point per UTC day, the days without usage as zeros.
import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";

export interface UsageDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  rxBytes: number;
  txBytes: number;
  /** rx + tx */
  bytes: number;
}

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** The last `days` days of the org's data transfer, oldest first, today (so far) last. */
export async function usageSeries(
  tx: Tx,
  orgId: string,
  days: number,
  now = new Date(),
): Promise<UsageDay[]> {
  if (!Number.isInteger(days) || days < 1 || days > 400)
    throw new AppError("BAD_REQUEST", "days must be a whole number from 1 to 400");
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const first = new Date(today - (days - 1) * DAY_MS);
  const hours = await tx.usageHour.findMany({
    where: { orgId, hour: { gte: first } },
    select: { hour: true, rxBytes: true, txBytes: true },
  });
  const series = Array.from({ length: days }, (_, i) => ({
    day: dayOf(new Date(first.getTime() + i * DAY_MS)),
    rxBytes: 0,
    txBytes: 0,
    bytes: 0,
  }));
  const byDay = new Map(series.map((d) => [d.day, d]));
  for (const h of hours) {
    const d = byDay.get(dayOf(h.hour));
    if (!d) continue; // after `now` (a caller's `now` in the past)
    d.rxBytes += Number(h.rxBytes);
    d.txBytes += Number(h.txBytes);
    d.bytes = d.rxBytes + d.txBytes;
  }
  return series;
}
