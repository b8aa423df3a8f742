import type { Prisma, Tx } from "../db/client";
import { emitEvent } from "../events/emit-event";
import type { Principal } from "../tenancy/principal";

/** Who did it: any principal (a user, an API key, a device, a system job). */
export type Actor = Principal;
/** For what only a person can do (accept an invitation, own an org, be billed). */
export type UserActor = Extract<Principal, { kind: "user" }>;

export interface AuditEntry {
  orgId: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

/**
 * Every mutation calls this inside its own transaction, so the log never disagrees. The
 * entry is also an `audit.entry` webhook event, in the same transaction.
 */
export async function writeAudit(tx: Tx, actor: Actor, entry: AuditEntry) {
  const row = await tx.auditLog.create({
    data: {
      orgId: entry.orgId,
      actorKind: actor.kind,
      actorId: actor.id,
      actorEmail: actor.kind === "user" ? actor.email : null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
    },
    select: { id: true },
  });
  await emitEvent(tx, entry.orgId, "audit.entry", {
    auditId: row.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    actor: { kind: actor.kind, id: actor.id },
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
