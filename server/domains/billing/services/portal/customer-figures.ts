// What an MSP's billing shows of each customer, read exactly as the customer's own billing
// page reads it (sites: usageCount; data transfer: usageSince from the start of the period
// its payer bills), so the two pages always agree. Row-level security shows one org per
// statement, so each customer is read in its own scope (inOrg) and the caller's restored.
import type { Tx } from "../../../../platform/db/client";
import { inOrg } from "../../../../platform/db/in-org";
import { accountOf } from "../account";
import { usageCount } from "../quota";
import { usageSince } from "../usage/usage-since";

/** The start of the current calendar month (UTC): the period of orgs without a subscription. */
export function monthStart(now = new Date()) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The period an org's data transfer counts from: its payer's subscription period, else the month. */
export const periodStartOf = (payer: { currentPeriodStart: Date | null } | null) =>
  payer?.currentPeriodStart ?? monthStart();

export interface CustomerFigures {
  id: string;
  slug: string;
  name: string;
  mode: "direct" | "consolidated";
  sites: number;
  devices: number;
  /** rx + tx bytes since `since`: what the customer's own billing page shows. */
  usageBytes: number;
  since: Date;
}

/** Every customer org of `payerOrgId` (by name), with its billing mode, counts and usage. */
export async function customerFigures(tx: Tx, payerOrgId: string): Promise<CustomerFigures[]> {
  const children = await tx.organization.findMany({
    where: { parentId: payerOrgId },
    select: { id: true, slug: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  if (children.length === 0) return [];
  const payer = await accountOf(tx, payerOrgId);
  const figures: CustomerFigures[] = [];
  for (const child of children) {
    figures.push(
      await inOrg(tx, child.id, payerOrgId, async () => {
        const own = await accountOf(tx, child.id);
        const mode = own?.billingMode ?? "direct";
        const since = periodStartOf(mode === "consolidated" ? payer : own);
        return {
          ...child,
          mode,
          sites: await usageCount(tx, child.id, "sites"),
          devices: await usageCount(tx, child.id, "devices"),
          usageBytes: await usageSince(tx, child.id, since),
          since,
        };
      }),
    );
  }
  return figures;
}
