// The data-transfer meter (docs/billing.md "Usage metering"): every closed hour of an
// org's usage goes to Stripe once, as a meter event on the payer's customer (the MSP's,
// when consolidated) with the identifier usage:<orgId>:<hour ISO>. Safe to run at any
// time, twice, or on several workers at once: one run per org at a time (a per-org
// try-lock; a run that finds it taken skips the org), rows are claimed before anything is
// sent (meter-claim.ts), and a re-sent identifier is refused by Stripe as a duplicate,
// which counts as sent (meter-send.ts). Run every 5 minutes by the workers (meterAll) and
// by the billing.meter job for one org (meterOrg).
import type { Db } from "../../../../platform/db/client";
import { withScope } from "../../../../platform/db/with-tenant";
import { billingState } from "../account";
import { isCurrent } from "../portal/subscription";
import { billingEnabled } from "../stripe-client";
import { claimClosedHours, tooOldForStripe, unsentReports } from "./meter-claim";
import { sendReport } from "./meter-send";

type Log = (line: string) => void;

export interface MeterResult {
  claimed: number;
  sent: number;
  skipped: number;
}

const NOTHING: MeterResult = { claimed: 0, sent: 0, skipped: 0 };

/** How long a run may hold its org's lock: a week's backlog, sent one event at a time. */
const RUN_TIMEOUT_MS = 15 * 60_000;

/** The advisory lock a run holds for its org while it claims and sends. */
export const meterRunLock = (orgId: string) => `meter-run:${orgId}`;

/**
 * Reports the org's closed hours that are not in Stripe yet; throws when a send fails in a
 * way that may pass, after settling the rows before it. `now` is Stripe's time, for its
 * 35-day limit; which hours are closed is the database's clock's call.
 */
export async function meterOrg(
  db: Db,
  orgId: string,
  now = new Date(),
  log: Log = () => {},
): Promise<MeterResult> {
  if (!billingEnabled()) return NOTHING;
  // The lock lives in a transaction of its own, open while the run's own transactions
  // commit row by row: a worker that finds it taken leaves the org to the one holding it.
  return withScope(
    db,
    { orgId },
    async (lock) => {
      const [{ locked }] = await lock.$queryRaw<[{ locked: boolean }]>`
        SELECT pg_try_advisory_xact_lock(hashtextextended(${meterRunLock(orgId)}, 0)) AS locked`;
      if (locked) return meterLocked(db, orgId, now, log);
      log(`metering org ${orgId} skipped: another run has it`);
      return NOTHING;
    },
    { timeoutMs: RUN_TIMEOUT_MS },
  );
}

async function meterLocked(db: Db, orgId: string, now: Date, log: Log) {
  const claimed = await withScope(db, { orgId }, async (tx) => {
    const s = await billingState(tx, orgId);
    if (!s.stripeCustomerId || !isCurrent(s.subscriptionStatus)) return null;
    return claimClosedHours(tx, orgId, s.stripeCustomerId, now);
  });
  if (claimed === null) return NOTHING;
  const result = { claimed: claimed.length, sent: 0, skipped: 0 };
  for (const row of claimed)
    if (row.value > 0 && tooOldForStripe(row.periodEnd, now)) {
      log(`usage of ${row.identifier} is older than Stripe accepts; not billed`);
      result.skipped++;
    }
  const pending = await withScope(db, { orgId }, (tx) => unsentReports(tx, orgId));
  for (const row of pending) {
    const refused = await sendReport(row, now);
    if (refused === null) result.sent++;
    else {
      log(`usage of ${row.identifier} ${refused}; not billed`);
      result.skipped++;
    }
    // Settled as soon as it is sent (or never will be): a crash re-sends at most this row.
    await withScope(db, { orgId }, (tx) =>
      tx.usageReport.updateMany({
        where: { orgId, id: row.id, reportedAt: null },
        data: { reportedAt: new Date() },
      }),
    );
  }
  return result;
}

/**
 * Meters every org that can have usage. Only orgs with a fleet have devices, and
 * fleet_trust lists them without crossing row-level security. One org's failure (Stripe
 * unreachable, say) is logged and retried on the next run; the others go on.
 */
export async function meterAll(db: Db, now = new Date(), log: Log = () => {}) {
  const total = { orgs: 0, claimed: 0, sent: 0, skipped: 0, failed: 0 };
  if (!billingEnabled()) return total;
  const orgs = await db.fleetTrust.findMany({ select: { orgId: true }, orderBy: { orgId: "asc" } });
  for (const { orgId } of orgs) {
    try {
      const r = await meterOrg(db, orgId, now, log);
      total.orgs++;
      total.claimed += r.claimed;
      total.sent += r.sent;
      total.skipped += r.skipped;
    } catch (error) {
      total.failed++;
      log(`metering org ${orgId} failed: ${(error as Error).message}`);
    }
  }
  return total;
}
