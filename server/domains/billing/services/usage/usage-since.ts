// What the billing page shows of data transfer: bytes since the start of the billing
// period. usage_hours are by arrival hour, so the hour the period starts in counts whole.
import type { Tx } from "../../../../platform/db/client";

/** rx + tx bytes of the org from the hour that contains `from` on (in the org's scope). */
export async function usageSince(tx: Tx, orgId: string, from: Date): Promise<number> {
  const hour = new Date(Math.floor(from.getTime() / 3_600_000) * 3_600_000);
  const r = await tx.usageHour.aggregate({
    where: { orgId, hour: { gte: hour } },
    _sum: { rxBytes: true, txBytes: true },
  });
  return Number(r._sum.rxBytes ?? 0n) + Number(r._sum.txBytes ?? 0n);
}
