import type { Prisma, Tx } from "../db/client";

export interface Actor {
  id: string;
  email: string;
}

export interface AuditEntry {
  orgId: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

/** Every mutation calls this inside its own transaction, so the log never disagrees. */
export async function writeAudit(tx: Tx, actor: Actor | null, entry: AuditEntry) {
  await tx.auditLog.create({
    data: {
      orgId: entry.orgId,
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
    },
  });
}
