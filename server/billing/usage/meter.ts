// The data-transfer meter (docs/billing.md "Usage metering"): every closed hour of an
// org's usage goes to Stripe once, as a meter event on the payer's customer (the MSP's,
// when consolidated) with the identifier usage:<orgId>:<hour ISO>. Safe to run at any
// time, twice, or on several workers at once: rows are claimed under a per-org lock
// (meter-claim.ts) and a re-sent identifier is refused by Stripe as a duplicate, which
// counts as sent. Run every 5 minutes by the workers (meterAll) and by the billing.meter
// job for one org (meterOrg).
import Stripe from "stripe";
import type { Db } from "../../db/client";
import { withScope } from "../../db/with-tenant";
import { env } from "../../env";
import { billingState } from "../account";
import { isCurrent } from "../portal/subscription";
import { billingEnabled, stripe } from "../stripe-client";
import { CLAIM_BATCH, claimClosedHours, eventTimestamp, tooOldForStripe } from "./meter-claim";

type Log = (line: string) => void;

export interface MeterResult {
  claimed: number;
  sent: number;
  skipped: number;
}

const NOTHING: MeterResult = { claimed: 0, sent: 0, skipped: 0 };

/** Stripe's answer to an identifier it has seen: the event is there already. */
export function isDuplicateEvent(error: unknown) {
  return (
    error instanceof Stripe.errors.StripeError &&
    (error.code === "resource_already_exists" || /already exists/i.test(error.message))
  );
}

/** Reports the org's closed hours that are not in Stripe yet; throws when a send fails. */
export async function meterOrg(
  db: Db,
  orgId: string,
  now = new Date(),
  log: Log = () => {},
): Promise<MeterResult> {
  if (!billingEnabled()) return NOTHING;
  const claimed = await withScope(db, { orgId }, async (tx) => {
    const s = await billingState(tx, orgId);
    if (!s.stripeCustomerId || !isCurrent(s.subscriptionStatus)) return null;
    return claimClosedHours(tx, orgId, s.stripeCustomerId, now);
  });
  if (claimed === null) return NOTHING;
  // Every row not sent yet: this run's, and those of a run that died before sending.
  const pending = await withScope(db, { orgId }, (tx) =>
    tx.usageReport.findMany({
      where: { orgId, reportedAt: null },
      orderBy: { periodStart: "asc" },
      take: CLAIM_BATCH,
    }),
  );
  const result = { claimed: claimed.length, sent: 0, skipped: 0 };
  for (const row of claimed)
    if (row.value > 0 && tooOldForStripe(row.periodEnd, now)) {
      log(`usage of ${row.identifier} is older than Stripe accepts; not billed`);
      result.skipped++;
    }
  for (const row of pending) {
    if (tooOldForStripe(row.periodEnd, now)) {
      log(`usage of ${row.identifier} is older than Stripe accepts; not billed`);
      result.skipped++;
    } else {
      try {
        await stripe().billing.meterEvents.create({
          event_name: env.STRIPE_METER_EVENT,
          payload: { stripe_customer_id: row.customerId, value: String(row.value) },
          identifier: row.identifier,
          timestamp: eventTimestamp(row.periodEnd),
        });
      } catch (error) {
        if (!isDuplicateEvent(error)) throw error;
      }
      result.sent++;
    }
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
