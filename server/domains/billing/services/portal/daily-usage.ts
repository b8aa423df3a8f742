import type { Tx } from "../../../../platform/db/client";
import { usageSeries } from "../usage/usage-series";

/** The org's data transfer per day for the chart: ISO day and bytes (rx + tx). */
export async function dailyUsage(tx: Tx, orgId: string, days: number) {
  const series = await usageSeries(tx, orgId, days);
  return series.map((d) => ({ day: d.day, bytes: d.bytes }));
}
