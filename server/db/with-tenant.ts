import type { Db, Tx } from "./client";

export interface DbScope {
  /** The org whose rows the transaction may see (row-level security). */
  orgId?: string | null;
  /** The signed-in user: lets them see their own memberships in every org. */
  userId?: string | null;
  /** SHA-256 of an invitation token being redeemed. */
  inviteTokenHash?: string | null;
}

/**
 * Runs `fn` in one transaction whose row-level-security settings are `scope`.
 * set_config(..., true) is transaction-local, so a pooled connection never leaks a
 * previous request's org. Everything in `fn` commits or rolls back together.
 */
export async function withScope<T>(db: Db, scope: DbScope, fn: (tx: Tx) => Promise<T>) {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.org_id', ${scope.orgId ?? ""}, true),
      set_config('app.user_id', ${scope.userId ?? ""}, true),
      set_config('app.invite_token_hash', ${scope.inviteTokenHash ?? ""}, true)`;
    return fn(tx);
  });
}

/** Changes the org of an open transaction, e.g. right after creating that org. */
export async function setTxOrg(tx: Tx, orgId: string) {
  await tx.$executeRaw`SELECT set_config('app.org_id', ${orgId}, true)`;
}
