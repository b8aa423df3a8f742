// Step one of the meter (meter.ts): each closed hour of usage becomes a usage_reports row,
// written before anything is sent, so a crash after it leaves a row to re-send with the
// same identifier rather than an hour to count again. Runs in the org's transaction under
// a per-org lock: two runs at once take turns, and the second finds nothing left.
import type { Tx } from "../../../../platform/db/client";

/** An hour is closed this long after its end: the ingest's last writes to it are in. */
export const CLOSE_DELAY_MS = 2 * 60_000;
/** Hours claimed per run; a backlog (the meter was down) drains over a few runs. */
export const CLAIM_BATCH = 168;
/** Stripe takes meter events of the past 35 days; an hour's event must be younger. */
export const STRIPE_MAX_AGE_MS = 35 * 86_400_000 - 3_600_000;

/** How long after its claim a row may still be sent: Stripe dedupes identifiers for 24 h. */
export const RESEND_WINDOW_MS = 23 * 3_600_000;

const HOUR_MS = 3_600_000;
const MB = 1_000_000n;

/** Stripe's identifier of an org's hour: the same on every retry, so it bills once. */
export const usageIdentifier = (orgId: string, hour: Date) =>
  `usage:${orgId}:${hour.toISOString()}`;

/** The event's time: the last second of its hour, so Stripe counts it in that hour. */
export const eventTimestamp = (periodEnd: Date) => Math.floor(periodEnd.getTime() / 1000) - 1;

export const tooOldForStripe = (periodEnd: Date, now: Date) =>
  periodEnd.getTime() - 1000 < now.getTime() - STRIPE_MAX_AGE_MS;

/**
 * Writes a usage_reports row for each closed hour of the org not reported yet, oldest
 * first. value = whole MB of the running total minus those reported before, so remainders
 * carry to the next hour. Rows that need no event (zero MB, or too old for Stripe at `now`,
 * Stripe's time) are written as reported. Returns the rows written.
 */
export async function claimClosedHours(tx: Tx, orgId: string, customerId: string, now: Date) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`meter:${orgId}`}, 0))`;
  // Hours as ms since the epoch: the columns are UTC without a zone (Prisma's convention).
  // An hour is closed by the database's clock, the one ingest files usage by: a worker
  // whose clock runs ahead must not claim an hour ingest is still adding to.
  const hours = await tx.$queryRaw<{ ms: number; bytes: bigint }[]>`
    SELECT (extract(epoch FROM h.hour) * 1000)::float8 AS ms, h."rxBytes" + h."txBytes" AS bytes
    FROM usage_hours h
    WHERE h."orgId" = ${orgId}
      AND h.hour + interval '1 hour' <= (now() AT TIME ZONE 'UTC')
                                          - ${`${CLOSE_DELAY_MS} milliseconds`}::interval
      AND NOT EXISTS (SELECT 1 FROM usage_reports r
                      WHERE r."orgId" = h."orgId" AND r."periodStart" = h.hour)
    ORDER BY h.hour LIMIT ${CLAIM_BATCH}`;
  if (hours.length === 0) return [];
  const last = await tx.usageReport.aggregate({
    where: { orgId },
    _max: { cumulativeBytes: true },
  });
  let cumulative = last._max.cumulativeBytes ?? 0n;
  const rows = hours.map(({ ms, bytes }) => {
    const hour = new Date(ms);
    const before = cumulative;
    cumulative += bytes;
    const periodEnd = new Date(hour.getTime() + HOUR_MS);
    const value = Number(cumulative / MB - before / MB);
    const settled = value === 0 || tooOldForStripe(periodEnd, now);
    return {
      orgId,
      periodStart: hour,
      periodEnd,
      customerId,
      bytes,
      value,
      cumulativeBytes: cumulative,
      identifier: usageIdentifier(orgId, hour),
      reportedAt: settled ? now : null,
    };
  });
  // The lock makes duplicates impossible; skipDuplicates keeps it that way regardless.
  await tx.usageReport.createMany({ data: rows, skipDuplicates: true });
  return rows;
}

/**
 * The org's rows not sent yet (this run's, and those of a run that died before sending),
 * oldest first. Stripe rejects a repeated identifier only for 24 hours, so a row is sent
 * again only while it is younger than 23 (by the database's clock, which wrote createdAt).
 */
export async function unsentReports(tx: Tx, orgId: string) {
  const [{ since }] = await tx.$queryRaw<[{ since: Date }]>`
    SELECT now() - ${`${RESEND_WINDOW_MS} milliseconds`}::interval AS since`;
  const rows = await tx.usageReport.findMany({
    where: { orgId, reportedAt: null },
    orderBy: { periodStart: "asc" },
    take: CLAIM_BATCH,
  });
  return rows.map((r) => ({ ...r, resendable: r.createdAt > since }));
}

export type UnsentReport = Awaited<ReturnType<typeof unsentReports>>[number];
