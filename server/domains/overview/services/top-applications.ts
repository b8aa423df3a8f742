// Top applications over the last hour or day, from the bytes per application class the
// agents report on `telemetry/usage` (→ usage_class_hours, by arrival hour, the same
// windows as throughput.ts): the TOP_APPLICATIONS classes with the most bytes, then
// everything else with the unclassified traffic as "other" (docs/overview.md).
import { UNCLASSIFIED_CLASS } from "../../../../protocol";
import type { Tx } from "../../../platform/db/client";
import { type OverviewWindow, windowHours } from "./throughput";

/** Named classes the tile lists; the rest are summed into UNCLASSIFIED_CLASS. */
export const TOP_APPLICATIONS = 8;

export interface ApplicationBytes {
  name: string;
  /** inBytes + outBytes */
  bytes: number;
  /** Received (rx) over the WAN. */
  inBytes: number;
  /** Sent (tx) over the WAN. */
  outBytes: number;
}

export async function topApplications(
  tx: Tx,
  orgId: string,
  window: OverviewWindow,
  now = new Date(),
) {
  const { from } = windowHours(window, now);
  const rows = await tx.usageClassHour.groupBy({
    by: ["class"],
    where: { orgId, hour: { gte: from } },
    _sum: { rxBytes: true, txBytes: true },
  });
  const all: ApplicationBytes[] = rows.map((r) => {
    const inBytes = Number(r._sum.rxBytes ?? 0n);
    const outBytes = Number(r._sum.txBytes ?? 0n);
    return { name: r.class, bytes: inBytes + outBytes, inBytes, outBytes };
  });
  // Most bytes first; equal ones by name, so the order is stable between refreshes.
  const named = all
    .filter((a) => a.name !== UNCLASSIFIED_CLASS && a.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  const rest = [
    ...named.slice(TOP_APPLICATIONS),
    ...all.filter((a) => a.name === UNCLASSIFIED_CLASS),
  ];
  const other: ApplicationBytes = { name: UNCLASSIFIED_CLASS, bytes: 0, inBytes: 0, outBytes: 0 };
  for (const a of rest) {
    other.bytes += a.bytes;
    other.inBytes += a.inBytes;
    other.outBytes += a.outBytes;
  }
  const items = named.slice(0, TOP_APPLICATIONS);
  if (other.bytes > 0) items.push(other);
  return { reported: rows.length > 0, window, from, items };
}
