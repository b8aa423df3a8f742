import type { Tx } from "../../db/client";
import type { Actor } from "../../services/audit/write-audit";
import { stripe } from "../stripe-client";
import { stripeCall } from "./stripe-call";

/** Serializes billing changes of one org (two Upgrade clicks, a mode change meanwhile). */
export async function lockBilling(tx: Tx, orgId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`billing:${orgId}`}, 0))`;
}

/**
 * The org's Stripe customer, created the first time it is needed. The idempotency key makes
 * a retry after a rolled-back transaction (Stripe created it, our row did not commit) get
 * the same customer back instead of a second one. Runs in a transaction scoped to `orgId`.
 */
export async function ensureCustomer(tx: Tx, orgId: string, actor: Actor) {
  await lockBilling(tx, orgId);
  const account = await tx.billingAccount.findUnique({
    where: { orgId },
    select: { stripeCustomerId: true },
  });
  if (account?.stripeCustomerId) return account.stripeCustomerId;
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: orgId },
    select: { name: true },
  });
  const customer = await stripeCall("create the customer", () =>
    stripe().customers.create(
      { name: org.name, email: actor.email, metadata: { orgId } },
      { idempotencyKey: `customer-${orgId}` },
    ),
  );
  await tx.billingAccount.upsert({
    where: { orgId },
    create: { orgId, stripeCustomerId: customer.id },
    update: { stripeCustomerId: customer.id },
  });
  return customer.id;
}
