// Row-level security shows one org per transaction. Billing and the MSP overview read
// across an MSP and its customers (the payer's row, each customer's sites), so it looks at another org for one
// step and then back, always restoring the caller's org.
import type { Tx } from "./client";
import { setTxOrg } from "./with-tenant";

export async function inOrg<T>(tx: Tx, orgId: string, back: string, fn: () => Promise<T>) {
  await setTxOrg(tx, orgId);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    // A failed statement aborts the transaction; restoring would then fail too and hide
    // the real error, so try it but rethrow what fn threw.
    await setTxOrg(tx, back).catch(() => undefined);
    throw error;
  }
  await setTxOrg(tx, back);
  return result;
}
