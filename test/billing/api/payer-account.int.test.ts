// billingState reads a consolidated org's payer by switching the transaction's org for one
// query. When that query fails, the database aborts the transaction and switching back
// fails too: the error that reaches the caller must be the query's, not the switch's.
import { describe, expect, it } from "vitest";
import { billingState } from "../../../server/domains/billing/services/account";
import { getDb, type Tx } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { callerFor, createOrgWithOwner, uid } from "../../../testkit/factories/identity";

/** `tx` whose billing_accounts read of `orgId` runs a failing statement instead (real SQL). */
function failingFor(tx: Tx, orgId: string): Tx {
  const billingAccount = new Proxy(tx.billingAccount, {
    get: (target, key, receiver) =>
      key === "findUnique"
        ? async (args: { where: { orgId: string } }) => {
            if (args.where.orgId !== orgId) return target.findUnique(args);
            await tx.$executeRaw`SELECT 1 / 0`;
          }
        : Reflect.get(target, key, receiver),
  });
  return new Proxy(tx, {
    get: (target, key, receiver) =>
      key === "billingAccount" ? billingAccount : Reflect.get(target, key, receiver),
  });
}

describe("billingState of a consolidated org", () => {
  it("rethrows the payer query's own error", async () => {
    const msp = await createOrgWithOwner("msp");
    const slug = `cust-${uid()}`;
    const customer = await callerFor(msp.owner).org.createCustomer({
      orgSlug: msp.slug,
      name: slug,
      slug,
    });
    await withScope(getDb(), { orgId: customer.id }, (tx) =>
      tx.billingAccount.create({ data: { orgId: customer.id, billingMode: "consolidated" } }),
    );
    const state = await withScope(getDb(), { orgId: customer.id }, (tx) =>
      billingState(tx, customer.id),
    );
    expect(state).toMatchObject({ mode: "consolidated", payerOrgId: msp.org.id });

    const failed = withScope(getDb(), { orgId: customer.id }, (tx) =>
      billingState(failingFor(tx, msp.org.id), customer.id),
    );
    await expect(failed).rejects.toThrow(/division by zero/);
  });
});
