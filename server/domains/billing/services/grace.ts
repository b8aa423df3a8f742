// The workers' sweep that records when a grace period has run out: sets readOnlySince and
// writes `billing.read_only` (plus a mail to the owners) once per lapse. Enforcement never
// waits for it: billingState compares graceEndsAt with the clock on every check.
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { billingEnabled } from "./stripe-client";
import { billingAudit, mailOwners } from "./sync/effects";

/** Returns how many orgs became read-only. Idempotent: safe to run concurrently and twice. */
export async function sweepGrace(db: Db, now = new Date()) {
  if (!billingEnabled()) return 0;
  // organizations has no row-level security; billing_accounts is read one org at a time.
  const orgs = await db.organization.findMany({ select: { id: true } });
  let lapsed = 0;
  for (const { id: orgId } of orgs) {
    const done = await withScope(db, { orgId }, async (tx) => {
      // The conditional update is the claim: two sweeps cannot both record the same lapse.
      const claimed = await tx.billingAccount.updateMany({
        where: { orgId, graceEndsAt: { lte: now }, readOnlySince: null },
        data: { readOnlySince: now },
      });
      if (claimed.count === 0) return false;
      const account = await tx.billingAccount.findUnique({ where: { orgId } });
      await billingAudit(tx, orgId, "billing.read_only", {
        by: "system",
        after: { graceStartedAt: account?.graceStartedAt, graceEndsAt: account?.graceEndsAt },
      });
      await mailOwners(tx, orgId, "billing-read-only", (org) => ({
        alertTitle: `${org.name} is read-only`,
        alertText: `The grace period for the unpaid invoice of ${org.name} is over, so the organization is now read-only: running sites keep running, but nothing can be added or changed.\n\nPay the open invoice to lift it:`,
        url: org.billingUrl,
      }));
      return true;
    });
    if (done) lapsed++;
  }
  return lapsed;
}
