import type { UserActor } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { stripe } from "../stripe-client";
import { stripeCall } from "./stripe-call";

/** Serializes billing changes of one org (two Upgrade clicks, a mode change meanwhile). */
export async function lockBilling(tx: Tx, orgId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`billing:${orgId}`}, 0))`;
}

/**
 * The org's Stripe customer, created the first time it is needed. A retry after a
 * rolled-back transaction (Stripe created the customer, our row did not commit) must get
 * the same customer back, not a second one: the idempotency key names the org and the
 * account row's version (unchanged by a rollback, changed when a deleted customer was
 * cleared), and the create body never varies (Stripe refuses a reused key with other
 * parameters). Name and email follow in an update, which is idempotent by nature.
 * Runs in a transaction scoped to `orgId`.
 */
export async function ensureCustomer(tx: Tx, orgId: string, actor: UserActor) {
  await lockBilling(tx, orgId);
  const account = await tx.billingAccount.findUnique({
    where: { orgId },
    select: { stripeCustomerId: true, updatedAt: true },
  });
  if (account?.stripeCustomerId) return account.stripeCustomerId;
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: orgId },
    select: { name: true },
  });
  const version = account ? account.updatedAt.getTime() : 0;
  const customer = await stripeCall("create the customer", () =>
    stripe().customers.create(
      { metadata: { orgId } },
      { idempotencyKey: `customer-${orgId}-${version}` },
    ),
  );
  await stripeCall("name the customer", () =>
    stripe().customers.update(customer.id, { name: org.name, email: actor.email }),
  );
  await tx.billingAccount.upsert({
    where: { orgId },
    create: { orgId, stripeCustomerId: customer.id },
    update: { stripeCustomerId: customer.id },
  });
  return customer.id;
}
