import { inSpan } from "../tracing/spans";
import type { Db, Tx } from "./client";

export interface DbScope {
  /** The org whose rows the transaction may see (row-level security). */
  orgId?: string | null;
  /** The signed-in user: lets them see their own memberships in every org. */
  userId?: string | null;
  /** SHA-256 of an invitation token being redeemed. */
  inviteTokenHash?: string | null;
  /** SHA-256 of an enrollment token or of a pending device's poll secret. */
  enrollTokenHash?: string | null;
  /** SHA-256 of an API key's token being authenticated. */
  apiKeyHash?: string | null;
}

type AfterCommit = () => Promise<unknown>;
const afterCommitHooks = new WeakMap<Tx, AfterCommit[]>();

export interface TxLimits {
  /** How long the transaction may run before Prisma rolls it back (Prisma's default: 5 s). */
  timeoutMs?: number;
  /** How long to wait for a pool connection to start it (Prisma's default: 2 s). */
  maxWaitMs?: number;
  /** PostgreSQL's lock_timeout inside it: a lock wait past this fails with 55P03 (busy). */
  lockTimeoutMs?: number;
  /**
   * READ ONLY: any write fails with 25006. Replica-safe reads run so on the primary too, so
   * a write slipped into one fails in every test, not only once a replica answers it.
   */
  readOnly?: boolean;
}

/**
 * Runs `fn` in one transaction whose row-level-security settings are `scope`.
 * set_config(..., true) is transaction-local, so a pooled connection never leaks a
 * previous request's org. Everything in `fn` commits or rolls back together; work
 * registered with `afterCommit` runs only once the commit has succeeded.
 */
export async function withScope<T>(
  db: Db,
  scope: DbScope,
  fn: (tx: Tx) => Promise<T>,
  opts: TxLimits = {},
) {
  let hooks: AfterCommit[] = [];
  // Its span ends with the commit; what runs after it (enqueues, publishes) is a sibling.
  const result = await inSpan("db.transaction", { attributes: { "db.system": "postgresql" } }, () =>
    db.$transaction(
      async (tx) => {
        hooks = [];
        afterCommitHooks.set(tx, hooks);
        if (opts.readOnly) await readOnly(tx);
        await tx.$executeRaw`SELECT set_config('app.org_id', ${scope.orgId ?? ""}, true),
      set_config('app.user_id', ${scope.userId ?? ""}, true),
      set_config('app.invite_token_hash', ${scope.inviteTokenHash ?? ""}, true),
      set_config('app.enroll_token_hash', ${scope.enrollTokenHash ?? ""}, true),
      set_config('app.api_key_hash', ${scope.apiKeyHash ?? ""}, true)`;
        if (opts.lockTimeoutMs)
          await tx.$executeRaw`SELECT set_config('lock_timeout', ${`${opts.lockTimeoutMs}ms`}, true)`;
        return fn(tx);
      },
      {
        ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
        ...(opts.maxWaitMs ? { maxWait: opts.maxWaitMs } : {}),
      },
    ),
  );
  for (const hook of hooks) await hook();
  return result;
}

/**
 * Defers `hook` until the transaction `db` belongs to has committed (e.g. enqueueing a job
 * that reads rows written in it). Outside a transaction from withScope it runs now.
 */
export async function afterCommit(db: Db | Tx, hook: AfterCommit) {
  const hooks = afterCommitHooks.get(db as Tx);
  if (hooks) hooks.push(hook);
  else await hook();
}

/**
 * Makes the open transaction read-only. Allowed after it has read (PostgreSQL refuses only
 * the way back to read-write), so a procedure can resolve its caller first.
 */
export async function readOnly(tx: Tx) {
  await tx.$executeRaw`SET TRANSACTION READ ONLY`;
}

/** Changes the org of an open transaction, e.g. right after creating that org. */
export async function setTxOrg(tx: Tx, orgId: string) {
  await tx.$executeRaw`SELECT set_config('app.org_id', ${orgId}, true)`;
}
