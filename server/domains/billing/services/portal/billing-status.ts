import type { Tx } from "../../../../platform/db/client";
import { billingState } from "../account";

/** What every member may know, for the read-only banner: nothing about money. */
export async function billingStatus(tx: Tx, orgId: string) {
  const state = await billingState(tx, orgId);
  return { enabled: state.enabled, readOnly: state.readOnly, graceEndsAt: state.graceEndsAt };
}
