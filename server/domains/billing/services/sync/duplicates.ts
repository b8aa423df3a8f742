// Two live subscriptions for one org bill it twice (an old Checkout paid late, a
// subscription made in Stripe's dashboard). The re-sync keeps one (currentSubscription);
// a person has to cancel the other, so it is logged and audited, once per set of ids.
import type Stripe from "stripe";
import type { Tx } from "../../../../platform/db/client";
import { log } from "../../../../platform/log/logger";
import { currentSubscription, liveSubscriptions } from "./derive-state";
import { billingAudit } from "./effects";

const ACTION = "billing.duplicate_subscriptions";

export async function noteDuplicates(tx: Tx, orgId: string, subs: Stripe.Subscription[]) {
  const live = liveSubscriptions(subs).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (live.length < 2) return;
  const ids = live.map((s) => s.id);
  const last = await tx.auditLog.findFirst({
    where: { orgId, action: ACTION },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { after: true },
  });
  const noted = (last?.after as { subscriptionIds?: string[] } | null)?.subscriptionIds;
  if (noted?.join() === ids.join()) return;
  const kept = currentSubscription(subs)?.id;
  log.warn("org has several live subscriptions: the newest gives the plan, cancel the others", {
    component: "billing",
    orgId,
    subscriptions: ids,
    kept,
  });
  await billingAudit(tx, orgId, ACTION, {
    targetId: kept,
    after: { subscriptionIds: ids, statuses: live.map((s) => `${s.id}:${s.status}`), kept },
  });
}
