/** Subscription statuses that give the subscription's plan (docs/billing.md, "Plans"). */
export const CURRENT_STATUSES = ["trialing", "active", "past_due", "unpaid"] as const;

export function isCurrent(status: string | null | undefined) {
  return !!status && (CURRENT_STATUSES as readonly string[]).includes(status);
}
