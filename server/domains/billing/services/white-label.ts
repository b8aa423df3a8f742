// Whether an org may hide "Powered by Patronus": its plan allows white-label, or the plan of
// its MSP parent does (an MSP that pays for white-label brands its customers with it).
// Self-hosted installs (billing off) may.
import type { Tx } from "../../../platform/db/client";
import { inOrg } from "../../../platform/db/in-org";
import { billingState } from "./account";

export const WHITE_LABEL_REFUSED =
  "Hiding “Powered by Patronus” needs the Standard or Enterprise plan: upgrade on the billing page";

/** Read in the caller's transaction, scoped to `orgId`. */
export async function mayWhiteLabel(tx: Tx, orgId: string): Promise<boolean> {
  const own = await billingState(tx, orgId);
  if (!own.enabled || own.plan.whiteLabel) return true;
  const org = await tx.organization.findUnique({
    where: { id: orgId },
    select: { parentId: true },
  });
  if (!org?.parentId) return false;
  const parentId = org.parentId;
  const parent = await inOrg(tx, parentId, orgId, () => billingState(tx, parentId));
  return parent.plan.whiteLabel;
}
