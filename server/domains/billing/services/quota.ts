// Plan limits and the read-only state, enforced in the service layer: every service that
// adds a limited resource calls assertQuota in its own transaction, and every config
// change (bumpRevision with an actor, site creation, enrollment) calls assertWritable.
import type { Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import { type BillingState, billingState } from "./account";
import type { Limited } from "./plans";

const NOUN: Record<Limited, [string, string]> = {
  sites: ["site", "sites"],
  devices: ["device", "devices"],
  members: ["member", "members"],
  apiKeys: ["API key", "API keys"],
  customerOrgs: ["customer organization", "customer organizations"],
};

/** What the org has now of each limited resource (pending invitations count as members). */
export async function usageCount(tx: Tx, orgId: string, resource: Limited): Promise<number> {
  switch (resource) {
    case "sites":
      return tx.site.count({ where: { orgId } });
    case "devices":
      return tx.device.count({ where: { orgId, status: { in: ["pending", "active"] } } });
    case "members": {
      const members = await tx.membership.count({ where: { orgId } });
      const invited = await tx.invitation.count({
        where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      });
      return members + invited;
    }
    case "customerOrgs":
      return tx.organization.count({ where: { parentId: orgId } });
    case "apiKeys":
      // Live keys: a revoked or expired key no longer holds a slot.
      return tx.apiKey.count({
        where: {
          orgId,
          revokedAt: null,
          OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
        },
      });
  }
}

/** Serializes quota checks of one org, so two concurrent adds cannot both take the last slot. */
async function lockQuota(tx: Tx, orgId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`quota:${orgId}`}, 0))`;
}

export function billingPath(orgSlug?: string) {
  return orgSlug ? `/o/${orgSlug}/billing` : "the billing page";
}

/**
 * Throws PAYMENT_REQUIRED when adding `adding` of `resource` would pass the plan's limit.
 * The message names the limit and how to raise it; `details` carries the numbers for the UI.
 */
export async function assertQuota(
  tx: Tx,
  orgId: string,
  resource: Limited,
  adding = 1,
  state?: BillingState,
) {
  const s = state ?? (await billingState(tx, orgId));
  if (!s.enabled) return;
  assertNotReadOnly(s);
  await lockQuota(tx, orgId);
  const limit = s.limits[resource];
  const used = await usageCount(tx, orgId, resource);
  if (used + adding <= limit) return;
  throw quotaExceeded(s, resource, used);
}

/**
 * For a batch of `wanted` additions already written in this transaction (and so counted
 * in the usage): how many of them the plan allows, and the refusal the others get. Taken
 * under the same lock as assertQuota; throws when the org is read-only.
 */
export async function takeQuota(
  tx: Tx,
  orgId: string,
  resource: Limited,
  wanted: number,
): Promise<{ granted: number; refusal: AppError | null }> {
  const s = await billingState(tx, orgId);
  if (!s.enabled) return { granted: wanted, refusal: null };
  assertNotReadOnly(s);
  await lockQuota(tx, orgId);
  const before = (await usageCount(tx, orgId, resource)) - wanted;
  const granted = Math.max(0, Math.min(wanted, s.limits[resource] - before));
  return {
    granted,
    refusal: granted < wanted ? quotaExceeded(s, resource, before + granted) : null,
  };
}

function quotaExceeded(s: BillingState, resource: Limited, used: number) {
  const limit = s.limits[resource];
  const [one, many] = NOUN[resource];
  const raise =
    s.mode === "consolidated"
      ? "Ask your MSP to raise its plan."
      : s.plan.key === "free"
        ? "Upgrade to Standard on the billing page to add more."
        : "Contact sales for Enterprise limits, on the billing page.";
  return new AppError(
    "PAYMENT_REQUIRED",
    `Your ${s.plan.name} plan allows ${limit} ${limit === 1 ? one : many} and this organization has ${used}. ${raise}`,
    { limit: resource, max: limit, used, plan: s.plan.key },
  );
}

function assertNotReadOnly(s: BillingState) {
  if (!s.readOnly) return;
  throw new AppError(
    "PAYMENT_REQUIRED",
    "This organization is read-only because a payment failed and the grace period is over. " +
      "Running sites keep running; pay the open invoice on the billing page to make changes again.",
    { readOnly: true },
  );
}

/** Throws PAYMENT_REQUIRED when the org is read-only (unpaid past its grace period). */
export async function assertWritable(tx: Tx, orgId: string) {
  assertNotReadOnly(await billingState(tx, orgId));
}
