// The plan-usage tile of the overview: the few figures of billingSummary an operator
// glances at, read the same way (so the tile and the billing page agree).
import type { Tx } from "../../../../platform/db/client";
import { inOrg } from "../../../../platform/db/in-org";
import { accountOf, billingState } from "../account";
import { usageCount } from "../quota";
import { usageSince } from "../usage/usage-since";
import { periodStartOf } from "./customer-figures";

const GB = 1e9;

export async function planUsage(tx: Tx, orgId: string) {
  const state = await billingState(tx, orgId);
  const payer =
    state.payerOrgId === orgId
      ? await accountOf(tx, orgId)
      : await inOrg(tx, state.payerOrgId, orgId, () => accountOf(tx, state.payerOrgId));
  const since = periodStartOf(payer);
  const max = (n: number) => (state.enabled ? n : null);
  return {
    enabled: state.enabled,
    plan: { key: state.plan.key, name: state.plan.name },
    mode: state.mode,
    sites: { used: await usageCount(tx, orgId, "sites"), max: max(state.limits.sites) },
    devices: { used: await usageCount(tx, orgId, "devices"), max: max(state.limits.devices) },
    data: {
      since,
      usedBytes: await usageSince(tx, orgId, since),
      includedBytes: max(state.limits.includedGb * GB),
    },
  };
}
